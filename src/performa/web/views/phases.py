"""Recording, from a card, the day one of its phases was completed (or taking it back)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from performa.measures import actions
from performa.measures.reach import body_for
from performa.plans.models import OperationalObjective, Phase, PlanVersion

from .monitoring import card_page


@require_POST
@login_required
def completion(request: HttpRequest, body_id: int, code: str, phase_id: int) -> HttpResponse:
    """The phase of a card (or of its strategic objective) in a plan in force; a refused
    date comes back beside the phase's field, on the card."""
    body = body_for(request, body_id)
    phase = get_object_or_404(
        Phase.objects.select_related("version__cycle__body", "strategic_objective",
                                     "operational_objective")
        .exclude(version__status=PlanVersion.Status.DRAFT),
        pk=phase_id, version__cycle__body=body,
    )
    card = get_object_or_404(OperationalObjective, version=phase.version_id, code=code)
    if card.pk != phase.operational_objective_id and \
            card.strategic_objective_id != phase.strategic_objective_id:
        raise Http404
    typed = request.POST.get("completed_on", "")
    try:
        done = actions.record_phase_completion(request.user, phase, typed)
    except ValidationError as error:
        why = " ".join(error.message_dict.get("completed_on", error.messages)) \
            if hasattr(error, "error_dict") else " ".join(error.messages)
        return card_page(request, body_id, code, error=(phase.pk, typed, why))
    if done is None:
        messages.success(request, f"Fase «{phase.title}»: completamento tolto.")
    else:
        messages.success(request, f"Fase «{phase.title}»: completata il "
                                  f"{done.completed_on:%d/%m/%Y}.")
    year = phase.version.cycle.year
    return redirect(f"{reverse('web:card', args=[body.pk, code])}?anno={year}#fase-{phase.pk}")
