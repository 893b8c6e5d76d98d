"""The cycle's plan versions: amendment and adoption."""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST, require_safe

from performa.measures.reach import cycle_for, planning_body
from performa.plans import actions
from performa.plans.models import Body, Cycle, PlanVersion

from .base import plan_version, tree_url, versions_url
from .forms import AdoptForm


@require_safe
@login_required
def versions(request: HttpRequest, body_id: int) -> HttpResponse:
    """The cycle's plan versions, with amendment, adoption and comparison."""
    body = planning_body(request, body_id)
    return _versions_page(request, body, cycle_for(request, body))


def _versions_page(
    request: HttpRequest, body: Body, cycle: Cycle, adopt_form: AdoptForm | None = None,
    adopt_errors: Sequence[str] = (),
) -> HttpResponse:
    found = list(cycle.versions.select_related("based_on").order_by("number"))
    draft = next((v for v in found if v.status == PlanVersion.Status.DRAFT), None)
    current = cycle.current_version()
    newest = found[-1] if found else None
    return render(request, "web/planning/versions.html", {
        "body": body, "cycle": cycle, "versions": found, "draft": draft,
        "cycles": list(body.cycles.order_by("-year")),
        "can_amend": current is not None and draft is None,
        "adopt_form": adopt_form or AdoptForm(), "adopt_errors": adopt_errors,
        "compare_old": newest.based_on if newest and newest.based_on else None,
        "compare_new": newest,
    })


@require_POST
@login_required
def amend(request: HttpRequest, body_id: int) -> HttpResponse:
    """Start an amendment: a draft copied from the plan in force."""
    body = planning_body(request, body_id)
    cycle = cycle_for(request, body)
    try:
        draft = actions.amend(request.user, cycle)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(versions_url(cycle))
    messages.success(request, f"Bozza di aggiornamento (versione {draft.number}) creata: "
                              "modificarla e poi adottarla con la delibera.")
    return redirect(tree_url(draft))


@require_POST
@login_required
def adopt(request: HttpRequest, body_id: int, version_id: int) -> HttpResponse:
    """Adopt the draft by resolution; every new rule violation is listed, nothing adopted."""
    body, version = plan_version(request, body_id, version_id)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        return _versions_page(request, body, version.cycle, form)
    data = form.cleaned_data
    try:
        actions.adopt(request.user, version, data["organ"].strip(), data["number"].strip(),
                      data["day"])
    except ValidationError as error:
        return _versions_page(request, body, version.cycle, form, error.messages)
    messages.success(request, f"Versione {version.number} adottata: delibera della "
                              f"{data['organ']} n. {data['number']} del "
                              f"{data['day']:%d/%m/%Y}.")
    return redirect(versions_url(version.cycle))
