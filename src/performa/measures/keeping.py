"""Editing the plan never loses measured data: values, explanations, results, money spent.

Every such row hangs off an indicator or a card of a version (deleted with it, by cascade),
so a draft's edit that deletes them is refused: inside the edit's transaction, through
``plans.signals.nodes_deleting``, and on the planning pages before the user confirms.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import receiver

from performa.plans.models import Indicator, OperationalObjective
from performa.plans.signals import nodes_deleting

from .models import Deviation, IndicatorResult, MeasuredValue


def deletion_blocker(
    indicators: models.QuerySet[Indicator], cards: models.QuerySet[OperationalObjective] | None
) -> str:
    """Why deleting would lose measured data (values, explanations, results), or ""."""
    for model, what in ((MeasuredValue, "valori rilevati"), (Deviation, "scostamenti motivati"),
                        (IndicatorResult, "risultati calcolati")):
        found = model.objects.filter(
            indicator__in=indicators).select_related("indicator").first()
        if found is not None:
            return (f"Non si può eliminare: l'indicatore «{found.indicator.name}» ha {what}, "
                    "che andrebbero persi.")
    if cards is not None and cards.filter(resource_uses__isnull=False).exists():
        return "Non si può eliminare: è registrato l'utilizzo delle risorse della scheda."
    return ""


@receiver(nodes_deleting, dispatch_uid="measures.nodes_deleting")
def _refuse_losing_measures(sender: Any, indicators: models.QuerySet[Indicator],
                            cards: models.QuerySet[OperationalObjective] | None,
                            **_: Any) -> None:
    if blocker := deletion_blocker(indicators, cards):
        raise ValidationError(blocker)
