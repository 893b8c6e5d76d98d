"""A version's tree (editable while it is a draft) and its nodes: add, edit, delete, move,
reorder areas, strategic objectives and cards."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models
from django.db.models import Count, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from performa.engine.values import format_number
from performa.measures.keeping import deletion_blocker
from performa.plans import editing
from performa.plans.models import (
    Indicator,
    OperationalObjective,
    StrategicArea,
    StrategicObjective,
)
from performa.plans.validation import weight_tolerance

from .base import FORM_METHODS, FROZEN_NOTE, draft_or_redirect, plan_version, tree_url
from .forms import (
    AreaForm,
    CardForm,
    MoveForm,
    StrategicObjectiveForm,
    VersionedForm,
    code_taken,
)


@require_safe
@login_required
def version(request: HttpRequest, body_id: int, version_id: int) -> HttpResponse:
    """The tree of a version: editable for a draft, read-only once adopted."""
    body, plan = plan_version(request, body_id, version_id)
    areas = list(StrategicArea.objects.filter(version=plan))
    objectives = list(StrategicObjective.objects.filter(version=plan)
                      .select_related("mission", "programme", "function"))
    cards = list(OperationalObjective.objects.filter(version=plan).select_related("area")
                 .annotate(indicator_count=Count("indicators"),
                           weight_sum=Sum("indicators__weight")))
    tree = [{
        "area": area,
        "objectives": [{
            "so": so,
            "cards": [(card, _weight_note(card)) for card in cards
                      if card.strategic_objective_id == so.pk],
        } for so in objectives if so.area_id == area.pk],
    } for area in areas]
    return render(request, "web/planning/version.html", {
        "body": body, "cycle": plan.cycle, "version": plan, "tree": tree,
        "frozen": plan.frozen, "frozen_note": FROZEN_NOTE,
        "areas": areas, "objectives": objectives,
    })


def _weight_note(card: Any) -> tuple[str, bool]:
    """The card's weight sum as printed ("100,0%") and whether it is off 100%."""
    if not card.indicator_count:
        return "nessun indicatore", True
    total = card.weight_sum or Decimal(0)
    off = abs(total - 1) > weight_tolerance(card.indicator_count)
    return f"{format_number(float(total) * 100, 1)}%", off


@dataclass(frozen=True)
class _Level:
    slug: str
    model: type[models.Model]
    form: type[VersionedForm]
    noun: str  # "l'ambito"
    new_title: str

    @property
    def parent(self) -> str:
        """The field naming the parent node; "" for areas."""
        return editing.PARENT[self.model]


LEVELS = {
    level.slug: level for level in (
        _Level("ambiti", StrategicArea, AreaForm, "l'ambito", "Nuovo ambito strategico"),
        _Level("obiettivi-strategici", StrategicObjective, StrategicObjectiveForm,
               "l'obiettivo strategico", "Nuovo obiettivo strategico"),
        _Level("schede", OperationalObjective, CardForm, "la scheda",
               "Nuova scheda (obiettivo operativo)"),
    )
}


def _level(slug: str) -> _Level:
    found = LEVELS.get(slug)
    if found is None:
        raise Http404
    return found


def _saved(request: HttpRequest, form: VersionedForm) -> bool:
    """Save the node, turning a code taken meanwhile (the database constraint) or a version
    adopted meanwhile into form errors instead of a server error."""
    try:
        editing.save_node(request.user, form.instance, form.changed_data,
                          offices=form.cleaned_data.get("offices"))
    except IntegrityError:
        form.add_error("code", code_taken(form.cleaned_data.get("code", "")))
        return False
    except ValidationError as error:
        form.add_error(None, error)
        return False
    return True


@require_http_methods(FORM_METHODS)
@login_required
def node_new(request: HttpRequest, body_id: int, version_id: int, level: str) -> HttpResponse:
    """Add an area, a strategic objective or a card; ``?padre=`` preselects the parent."""
    body, plan = plan_version(request, body_id, version_id)
    kind = _level(level)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    initial = {}
    if kind.parent and request.GET.get("padre", "").isdigit():
        initial[kind.parent] = int(request.GET["padre"])
    form = kind.form(request.POST or None, initial=initial, version=plan)
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        messages.success(request, f"Aggiunto al piano: {form.instance}.")
        return redirect(tree_url(plan, f"{kind.slug}-{form.instance.pk}"))
    return render(request, "web/planning/form.html", {
        "body": body, "version": plan, "form": form, "title": kind.new_title,
    })


@require_http_methods(FORM_METHODS)
@login_required
def node_edit(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int
) -> HttpResponse:
    """Edit a node; changing its parent moves it (last among its new siblings)."""
    body, plan = plan_version(request, body_id, version_id)
    kind = _level(level)
    node = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    form = kind.form(request.POST or None, instance=node, version=plan)
    if request.method == "POST" and form.is_valid() and _saved(request, form):
        messages.success(request, f"Salvato: {form.instance}.")
        return redirect(tree_url(plan, f"{kind.slug}-{node.pk}"))
    return render(request, "web/planning/form.html", {
        "body": body, "version": plan, "form": form,
        "title": f"Modifica {kind.noun} {node.code}",
    })


@require_http_methods(FORM_METHODS)
@login_required
def node_delete(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int
) -> HttpResponse:
    """Confirm, then delete a node with everything under it — never measured values."""
    body, plan = plan_version(request, body_id, version_id)
    kind = _level(level)
    node: Any = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    cards = editing.cards_under(node)
    indicators = Indicator.objects.filter(operational_objective__in=cards)
    blocker = deletion_blocker(indicators, cards)
    if request.method == "POST" and not blocker:
        try:
            editing.delete_node(request.user, node)
        except (ValidationError, models.ProtectedError, models.RestrictedError) as error:
            blocker = _message(error)
        else:
            messages.success(request, f"Eliminato: {node.code} {node.title}.")
            return redirect(tree_url(plan))
    return render(request, "web/planning/delete.html", {
        "body": body, "version": plan, "node": node, "noun": kind.noun, "blocker": blocker,
        "objectives": (StrategicObjective.objects.filter(area=node).count()
                       if kind.model is StrategicArea else 0),
        "cards": cards.count() if kind.model is not OperationalObjective else 0,
        "indicators": indicators.count(),
    })


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "Non si può eliminare: altri dati vi fanno riferimento."


@require_POST
@login_required
def node_move(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int
) -> HttpResponse:
    """Move a strategic objective to another area, or a card to another strategic objective."""
    _, plan = plan_version(request, body_id, version_id)
    kind = _level(level)
    if not kind.parent:
        raise Http404
    node: Any = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    form = MoveForm(request.POST)
    parent_model = StrategicArea if kind.model is StrategicObjective else StrategicObjective
    form.fields["parent"].queryset = parent_model.objects.filter(version=plan)
    if not form.is_valid():
        messages.error(request, "Scegliere dove spostare l'elemento.")
        return redirect(tree_url(plan, f"{kind.slug}-{node.pk}"))
    parent = form.cleaned_data["parent"]
    if editing.move_node(request.user, node, parent):
        messages.success(request, f"{node.code} spostato in {parent.code}.")
    return redirect(tree_url(plan, f"{kind.slug}-{node.pk}"))


_STEPS = {"su": -1, "giu": 1}


@require_POST
@login_required
def node_reorder(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int, direction: str
) -> HttpResponse:
    """Move a node one place up or down among its siblings."""
    _, plan = plan_version(request, body_id, version_id)
    kind = _level(level)
    if direction not in _STEPS:
        raise Http404
    node: Any = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    editing.reorder_node(request.user, node, _STEPS[direction])
    return redirect(tree_url(plan, f"{kind.slug}-{node.pk}"))
