"""The phases of a strategic objective or card, and a card's actions with their money: listed
for any version, added, edited and deleted on a draft (``plans.editing.save_part`` and
``delete_part`` write; these pages only read and validate)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from performa.plans import editing
from performa.plans.models import (
    Action,
    OperationalObjective,
    Phase,
    PlanVersion,
    StrategicObjective,
)

from .base import FORM_METHODS, FROZEN_NOTE, draft_or_redirect, plan_version
from .forms import ActionForm, PhaseForm, code_taken

# The levels that have phases, by the slug of their URLs (as the tree's).
OWNERS: dict[str, type[StrategicObjective] | type[OperationalObjective]] = {
    "obiettivi-strategici": StrategicObjective, "schede": OperationalObjective,
}


def _owner(plan: PlanVersion, level: str, pk: int) -> Any:
    model = OWNERS.get(level)
    if model is None:
        raise Http404
    return get_object_or_404(model, pk=pk, version=plan)


def _level_of(owner: Any) -> str:
    return "schede" if isinstance(owner, OperationalObjective) else "obiettivi-strategici"


def parts_url(plan: PlanVersion, owner: Any) -> str:
    return reverse("web:planning_parts",
                   args=[plan.cycle.body_id, plan.pk, _level_of(owner), owner.pk])


def _owner_title(owner: Any) -> str:
    noun = "la scheda" if isinstance(owner, OperationalObjective) else "l'obiettivo strategico"
    return f"{noun} {owner.code}"


@require_safe
@login_required
def parts(request: HttpRequest, body_id: int, version_id: int, level: str,
          pk: int) -> HttpResponse:
    """A strategic objective's phases, or a card's phases and actions."""
    body, plan = plan_version(request, body_id, version_id)
    owner = _owner(plan, level, pk)
    card = isinstance(owner, OperationalObjective)
    return render(request, "web/planning/parts.html", {
        "body": body, "version": plan, "owner": owner, "level": level, "card": card,
        "owner_title": _owner_title(owner),
        "phases": list(owner.phases.order_by("order")),
        "actions": list(owner.actions.select_related("cost_centre", "office").order_by("order"))
        if card else [],
        "frozen": plan.frozen, "frozen_note": FROZEN_NOTE,
    })


def _saved(request: HttpRequest, form: Any) -> bool:
    """Save through the action; a code taken meanwhile, or a version adopted meanwhile,
    come back as form errors."""
    try:
        editing.save_part(request.user, form.instance)
    except IntegrityError:
        form.add_error("code", code_taken(form.cleaned_data.get("code", "")))
        return False
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


def _form_page(request: HttpRequest, body: Any, plan: PlanVersion, owner: Any, form: Any,
               title: str) -> HttpResponse:
    return render(request, "web/planning/part_form.html", {
        "body": body, "version": plan, "form": form, "title": title,
        "back": parts_url(plan, owner), "owner_title": _owner_title(owner),
    })


@require_http_methods(FORM_METHODS)
@login_required
def phase_new(request: HttpRequest, body_id: int, version_id: int, level: str,
              pk: int) -> HttpResponse:
    body, plan = plan_version(request, body_id, version_id)
    owner = _owner(plan, level, pk)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    form = PhaseForm(request.POST or None, version=plan)
    if isinstance(owner, OperationalObjective):
        form.instance.operational_objective = owner
    else:
        form.instance.strategic_objective = owner
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        messages.success(request, f"Fase aggiunta: {form.instance.title}.")
        return redirect(parts_url(plan, owner))
    return _form_page(request, body, plan, owner, form, f"Nuova fase per {_owner_title(owner)}")


def _phase(plan: PlanVersion, phase_id: int) -> Phase:
    return get_object_or_404(Phase.objects.select_related(
        "strategic_objective", "operational_objective"), pk=phase_id, version=plan)


def _owner_of(phase: Phase) -> Any:
    return phase.strategic_objective or phase.operational_objective


@require_http_methods(FORM_METHODS)
@login_required
def phase_edit(request: HttpRequest, body_id: int, version_id: int,
               phase_id: int) -> HttpResponse:
    body, plan = plan_version(request, body_id, version_id)
    phase = _phase(plan, phase_id)
    owner = _owner_of(phase)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    form = PhaseForm(request.POST or None, instance=phase, version=plan)
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        messages.success(request, f"Fase salvata: {phase.title}.")
        return redirect(parts_url(plan, owner))
    return _form_page(request, body, plan, owner, form,
                      f"Modifica la fase di {_owner_title(owner)}")


@require_POST
@login_required
def phase_delete(request: HttpRequest, body_id: int, version_id: int,
                 phase_id: int) -> HttpResponse:
    _, plan = plan_version(request, body_id, version_id)
    phase = _phase(plan, phase_id)
    owner = _owner_of(phase)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    try:
        editing.delete_part(request.user, phase)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Fase eliminata: {phase.title}.")
    return redirect(parts_url(plan, owner))


@require_http_methods(FORM_METHODS)
@login_required
def action_new(request: HttpRequest, body_id: int, version_id: int, pk: int) -> HttpResponse:
    body, plan = plan_version(request, body_id, version_id)
    card = _owner(plan, "schede", pk)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    form = ActionForm(request.POST or None, version=plan)
    form.instance.operational_objective = card
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        messages.success(request, f"Azione aggiunta: {form.instance}.")
        return redirect(parts_url(plan, card))
    return _form_page(request, body, plan, card, form,
                      f"Nuova azione per {_owner_title(card)}")


def _action(plan: PlanVersion, action_id: int) -> Action:
    return get_object_or_404(Action.objects.select_related("operational_objective"),
                             pk=action_id, version=plan)


@require_http_methods(FORM_METHODS)
@login_required
def action_edit(request: HttpRequest, body_id: int, version_id: int,
                action_id: int) -> HttpResponse:
    body, plan = plan_version(request, body_id, version_id)
    action = _action(plan, action_id)
    card = action.operational_objective
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    form = ActionForm(request.POST or None, instance=action, version=plan)
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        messages.success(request, f"Azione salvata: {action}.")
        return redirect(parts_url(plan, card))
    return _form_page(request, body, plan, card, form, f"Modifica l'azione {action.code}")


@require_POST
@login_required
def action_delete(request: HttpRequest, body_id: int, version_id: int,
                  action_id: int) -> HttpResponse:
    _, plan = plan_version(request, body_id, version_id)
    action = _action(plan, action_id)
    card = action.operational_objective
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    try:
        editing.delete_part(request.user, action)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Azione eliminata: {action}.")
    return redirect(parts_url(plan, card))
