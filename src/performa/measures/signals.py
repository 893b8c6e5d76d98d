"""The acts outside measuring that change figures: an amendment adopted, new SMVP rules.

Each is answered at once with new result sets for the periods concerned, so the figures any
reader shows are already those of the plan and rules in force (``reading``): nobody has to
recompute on a GET.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_save
from django.dispatch import receiver

from performa.plans.models import Body
from performa.plans.signals import plan_adopted

from . import reading
from .models import Period


@receiver(plan_adopted, dispatch_uid="measures.plan_adopted")
def _plan_adopted(sender: Any, version: Any, **_: Any) -> None:
    reading.refresh_after_change(Period.objects.filter(cycle=version.cycle),
                                 f"nuova versione del piano in vigore: {version}")


@receiver(post_save, sender=Body, dispatch_uid="measures.body_saved")
def _body_saved(sender: Any, instance: Body, raw: bool = False, **_: Any) -> None:
    if not raw:  # loading fixtures or a backup: the stored result sets are restored as they were
        reading.refresh_after_change(Period.objects.filter(cycle__body=instance),
                                     "nuove regole SMVP dell'ente")
