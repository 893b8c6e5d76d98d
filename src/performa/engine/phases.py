"""A phase's own achievement rule: its milestone reached by its date.

A PIRA's *Fasi* table gives each phase of an objective the years it runs and, often, a
milestone: the date it must be done by. Whether it was is a plain rule, not a target read
by :mod:`scoring`, so it lives here next to it. The phases do not enter the objective's
roll-up: whether and how they count is the SMVP's choice, which Performa does not make for
the body.

The rule, at a reference date (today on the card, a period's date in a report):

- completed on or before the milestone: reached (100%);
- completed after it, or not completed once the milestone has passed: not reached (0%);
- not completed and the milestone still to come: in progress (no score);
- no milestone: no score, whether completed or not.

A completion recorded after the reference date is not yet known then: a report at 30/06
does not see a phase completed on 15/07.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["PhaseOutcome", "PhaseState", "phase_outcome"]


class PhaseState(StrEnum):
    REACHED = "reached"
    MISSED = "missed"
    IN_PROGRESS = "in_progress"
    NO_MILESTONE = "no_milestone"

    @property
    def label(self) -> str:
        """The state in words, as the card shows it."""
        return _LABELS[self]


_LABELS = {
    PhaseState.REACHED: "raggiunta",
    PhaseState.MISSED: "non raggiunta",
    PhaseState.IN_PROGRESS: "in corso",
    PhaseState.NO_MILESTONE: "senza milestone",
}


@dataclass(frozen=True, slots=True)
class PhaseOutcome:
    state: PhaseState
    achievement: float | None  # 1.0 reached, 0.0 not reached, None no score
    explanation: str  # Italian, with the dates: why the state is what it is


def _day(when: date) -> str:
    return f"{when.day:02d}/{when.month:02d}/{when.year:04d}"


def phase_outcome(milestone: date | None, completed_on: date | None,
                  reference: date) -> PhaseOutcome:
    """The state and score of a phase with ``milestone`` completed on ``completed_on`` (None:
    not completed), as known at ``reference``."""
    done = completed_on if completed_on is not None and completed_on <= reference else None
    completed = f"completata il {_day(done)}" if done else ""
    if milestone is None:
        return PhaseOutcome(PhaseState.NO_MILESTONE, None,
                            f"senza milestone{', ' + completed if completed else ''}: "
                            "nessun grado di raggiungimento")
    due = _day(milestone)
    if done is not None:
        if done <= milestone:
            return PhaseOutcome(PhaseState.REACHED, 1.0,
                                f"{completed}, entro la milestone del {due}")
        return PhaseOutcome(PhaseState.MISSED, 0.0, f"{completed}, dopo la milestone del {due}")
    if reference > milestone:
        return PhaseOutcome(PhaseState.MISSED, 0.0,
                            f"non completata alla milestone del {due}")
    return PhaseOutcome(PhaseState.IN_PROGRESS, None, f"da completare entro il {due}")
