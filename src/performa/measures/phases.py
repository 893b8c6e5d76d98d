"""The phases of a plan as measured: who may record a completion, the completions of a cycle
and each phase's state under the milestone rule (``engine.phases``).

A completion is recorded by whoever enters the objective's values (its offices, their heads,
the planning office): for a strategic objective, those of any of its cards. Writing it is
``actions.record_phase_completion``'s.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from performa.accounts import access
from performa.engine.phases import PhaseOutcome, phase_outcome
from performa.plans.models import Cycle, OperationalObjective, OrgUnit, Phase

from .models import PhaseCompletion, phase_key

Key = tuple[str, str, str]


def _key(phase: Phase) -> Key:
    found = phase_key(phase)
    return str(found["level"]), str(found["objective_code"]), str(found["phase_title"])


def offices_of(phase: Phase) -> list[OrgUnit]:
    """The offices whose people enter the values of the phase's objective."""
    if phase.operational_objective_id:
        cards: Any = OperationalObjective.objects.filter(pk=phase.operational_objective_id)
    else:
        cards = OperationalObjective.objects.filter(
            strategic_objective_id=phase.strategic_objective_id)
    return list(OrgUnit.objects.filter(
        pk__in=[*cards.values_list("offices", flat=True),
                *cards.values_list("indicators__office", flat=True)]))


def may_record(user: Any, phase: Phase) -> bool:
    body = phase.version.cycle.body
    return access.can_plan(user, body) or any(
        access.can_enter(user, body, office) for office in offices_of(phase))


@dataclass(frozen=True)
class PhaseRow:
    phase: Phase
    completion: PhaseCompletion | None
    outcome: PhaseOutcome


def phase_rows(cycle: Cycle, phases: Iterable[Phase], reference: date) -> list[PhaseRow]:
    """Each phase with its completion in ``cycle`` and its state at ``reference``."""
    done = {(c.level, c.objective_code, c.phase_title): c
            for c in PhaseCompletion.objects.filter(cycle=cycle)}
    rows = []
    for phase in phases:
        completion = done.get(_key(phase))
        rows.append(PhaseRow(phase, completion, phase_outcome(
            phase.milestone, completion.completed_on if completion else None, reference)))
    return rows
