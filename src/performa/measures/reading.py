"""The results policy: which figures every reader shows, and when they are computed.

One answer for the dashboard, the card, the API, the command line and every document: a
period's figures are those of its *current* result set. A result set belongs to one plan
version and one set of scoring rules (``computing.store_results`` opens a new set when either
changes; the old one stays, readable, as history and as what the OIV validated). Figures are
computed by the acts that change them — a value typed, a period opened or closed, an amendment
adopted, the SMVP rules changed (``refresh_after_change``) — never by a page or a document
being read: a GET never writes, so two readers never disagree because one of them recomputed.
"""

from __future__ import annotations

from typing import Any

from .models import Period, ResultSet


def current_results(period: Period | None) -> ResultSet | None:
    """The period's current result set, as stored; None when nothing was computed yet."""
    if period is None:
        return None
    # By id: the model's ordering would join period, cycle and body to sort one row.
    return period.result_sets.filter(current=True).order_by("-pk").first()


def refresh_after_change(periods: Any, reason: str) -> int:
    """Recompute the unvalidated periods among ``periods`` whose figures were computed under
    another plan version or other rules: each gets a new current set, the old one kept.

    Called by the acts that change the plan in force or the rules; returns how many periods
    were recomputed. Validated periods keep their frozen figures until the planning office
    recomputes them explicitly (``actions.recompute``, with a reason).
    """
    from . import computing

    refreshed = 0
    for period in periods.filter(result_sets__current=True, result_sets__frozen=False).distinct():
        current = current_results(period)
        if current is not None and computing.is_stale(current):
            computing.store_results(period, reason=reason)
            refreshed += 1
    return refreshed
