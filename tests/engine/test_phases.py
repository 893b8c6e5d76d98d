"""A phase's milestone rule: reached by its date (100%), missed (0%), in progress or
without a milestone (no score), as known at the reference date."""

from __future__ import annotations

from datetime import date

import pytest

from performa.engine.phases import PhaseState, phase_outcome

MILESTONE = date(2022, 6, 30)


@pytest.mark.parametrize(
    ("completed", "reference", "state", "achievement"),
    [
        # Completed before the milestone, or on the very day: reached.
        (date(2022, 6, 20), date(2022, 9, 30), PhaseState.REACHED, 1.0),
        (date(2022, 6, 30), date(2022, 6, 30), PhaseState.REACHED, 1.0),
        # One day late is late.
        (date(2022, 7, 1), date(2022, 9, 30), PhaseState.MISSED, 0.0),
        # Not completed: in progress up to the milestone included, missed the day after.
        (None, date(2022, 6, 30), PhaseState.IN_PROGRESS, None),
        (None, date(2022, 7, 1), PhaseState.MISSED, 0.0),
        # A completion after the reference date is not known at it.
        (date(2022, 6, 20), date(2022, 6, 10), PhaseState.IN_PROGRESS, None),
        (date(2022, 8, 1), date(2022, 7, 15), PhaseState.MISSED, 0.0),
    ],
)
def test_a_milestone_is_reached_by_its_date(completed: date | None, reference: date,
                                            state: PhaseState,
                                            achievement: float | None) -> None:
    outcome = phase_outcome(MILESTONE, completed, reference)
    assert (outcome.state, outcome.achievement) == (state, achievement)


def test_the_explanation_names_the_dates() -> None:
    assert phase_outcome(MILESTONE, date(2022, 6, 20), date(2022, 12, 31)).explanation == (
        "completata il 20/06/2022, entro la milestone del 30/06/2022")
    assert phase_outcome(MILESTONE, date(2022, 7, 4), date(2022, 12, 31)).explanation == (
        "completata il 04/07/2022, dopo la milestone del 30/06/2022")
    assert phase_outcome(MILESTONE, None, date(2022, 12, 31)).explanation == (
        "non completata alla milestone del 30/06/2022")
    assert phase_outcome(MILESTONE, None, date(2022, 1, 1)).explanation == (
        "da completare entro il 30/06/2022")


@pytest.mark.parametrize("completed", [None, date(2022, 3, 1)])
def test_a_phase_without_milestone_has_no_score(completed: date | None) -> None:
    outcome = phase_outcome(None, completed, date(2030, 1, 1))
    assert (outcome.state, outcome.achievement) == (PhaseState.NO_MILESTONE, None)
    assert outcome.state.label == "senza milestone"
    assert ("completata il 01/03/2022" in outcome.explanation) is (completed is not None)


def test_states_read_in_italian() -> None:
    assert [s.label for s in PhaseState] == [
        "raggiunta", "non raggiunta", "in corso", "senza milestone"]
