"""The acts outside measuring that change figures: an amendment adopted, new SMVP rules, and
the body's structure around the plan.

Amendments and rules are answered at once with new result sets for the periods concerned, so
the figures any reader shows are already those of the plan and rules in force (``reading``):
nobody has to recompute on a GET. Changes to what a computation reads besides the plan version
(the body, its units, a card's offices, the variables) move the body's ``InputsRevision``, so no
process writes from a computation it kept from before (``live``).
"""

from __future__ import annotations

from typing import Any

from django.db.models import F
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import receiver

from performa.plans.models import Body, OperationalObjective, OrgUnit, Variable
from performa.plans.signals import plan_adopted

from . import reading
from .models import InputsRevision, Period


@receiver(plan_adopted, dispatch_uid="measures.plan_adopted")
def _plan_adopted(sender: Any, version: Any, **_: Any) -> None:
    reading.refresh_after_change(Period.objects.filter(cycle=version.cycle),
                                 f"nuova versione del piano in vigore: {version}")


@receiver(post_save, sender=Body, dispatch_uid="measures.body_saved")
def _body_saved(sender: Any, instance: Body, created: bool = False, raw: bool = False,
                **_: Any) -> None:
    if created:  # every body has its counter, so a change never has to create one
        InputsRevision.objects.get_or_create(body=instance)
    if raw:  # loading fixtures or a backup: the rows are restored exactly as they were
        return
    _inputs_changed(instance.pk)
    reading.refresh_after_change(Period.objects.filter(cycle__body=instance),
                                 "nuove regole SMVP dell'ente")


@receiver(post_save, sender=OrgUnit, dispatch_uid="measures.unit_saved")
@receiver(post_delete, sender=OrgUnit, dispatch_uid="measures.unit_deleted")
def _unit_changed(sender: Any, instance: OrgUnit, raw: bool = False, **_: Any) -> None:
    if not raw:
        _inputs_changed(instance.body_id)


@receiver(post_save, sender=Variable, dispatch_uid="measures.variable_saved")
@receiver(post_delete, sender=Variable, dispatch_uid="measures.variable_deleted")
def _variable_changed(sender: Any, instance: Variable, raw: bool = False, **_: Any) -> None:
    if not raw:
        _inputs_changed(Body.objects.filter(cycles=instance.cycle_id))


@receiver(m2m_changed, sender=OperationalObjective.offices.through,
          dispatch_uid="measures.offices_changed")
def _offices_changed(sender: Any, instance: Any, action: str, **_: Any) -> None:
    if action.startswith("post_"):
        body = (instance.body_id if isinstance(instance, OrgUnit)
                else Body.objects.filter(cycles__versions=instance.version_id))
        _inputs_changed(body)


def _inputs_changed(body: Any) -> None:
    InputsRevision.objects.filter(body__in=[body] if isinstance(body, int) else body).update(
        revision=F("revision") + 1)
