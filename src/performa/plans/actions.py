"""State changes of a plan version: adopt and amend. Each takes the acting user first, lets
only the body's planning office (and administrators) act, owns its transaction and names who
and why on the version's history row. Editing a draft's content: ``editing``.

Adopting checks the plan with the same rules as an import and refuses *new* violations only:
an amendment of a plan adopted with findings (weights off by a typo in the Giunta's
resolution) can be adopted as long as it adds none.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from performa.accounts import access
from performa.audit import record
from performa.plans.document import VersionDoc
from performa.plans.store import plan_document, store_plan

from .models import Cycle, PlanVersion
from .signals import plan_adopted
from .validation import validate_document

PLANNERS_ONLY = "Riservato al controllo di gestione."


def findings_of(version: PlanVersion) -> list[str]:
    """The blocking findings as printed. Compared as whole texts, not by (code, item): a
    weight sum moving from 90% to 80%, or one unreadable target retyped as another, is a new
    finding the adoption must refuse, though its code and item stay the same."""
    variables = list(version.cycle.variables.values_list("name", flat=True))
    return [
        str(f) for f in validate_document(plan_document(version), variables) if f.blocking
    ]


@transaction.atomic
def adopt(user: Any, version: PlanVersion, organ: str, number: str, day: date,
          reason: str = "") -> PlanVersion:
    """Adopt a draft by resolution; the version in force until now is superseded."""
    access.require(access.can_plan(user, version.cycle.body), PLANNERS_ONLY)
    version = PlanVersion.objects.select_for_update().get(pk=version.pk)
    if version.status != PlanVersion.Status.DRAFT:
        raise ValidationError("Solo una bozza può essere adottata.")
    if not (organ and number and day):
        raise ValidationError("Per adottare il piano servono organo, numero e data della delibera.")
    new = set(findings_of(version)) - set(findings_of(version.based_on) if version.based_on else ())
    if new:
        raise ValidationError(sorted(new))
    version.cycle.versions.filter(status=PlanVersion.Status.ADOPTED).update(
        status=PlanVersion.Status.SUPERSEDED
    )
    version.status = PlanVersion.Status.ADOPTED
    version.organ, version.resolution_number, version.resolution_date = organ, number, day
    record(version, user, reason)
    version.save(update_fields=["status", "organ", "resolution_number", "resolution_date"])
    plan_adopted.send(sender=PlanVersion, version=version)
    return version


@transaction.atomic
def amend(user: Any, cycle: Cycle, reason: str = "") -> PlanVersion:
    """Start an amendment: a new draft copied from the version in force."""
    access.require(access.can_plan(user, cycle.body), PLANNERS_ONLY)
    base = cycle.current_version()
    if base is None:
        raise ValidationError("Non c'è un piano adottato da aggiornare.")
    if cycle.versions.filter(status=PlanVersion.Status.DRAFT).exists():
        raise ValidationError("C'è già una bozza di aggiornamento in corso.")
    doc = plan_document(base)
    doc.version = VersionDoc(status=PlanVersion.Status.DRAFT, title=base.title)
    draft = store_plan(doc, body=cycle.body.name, year=cycle.year).version
    draft.based_on = base
    record(draft, user, reason)
    draft.save(update_fields=["based_on"])
    return draft
