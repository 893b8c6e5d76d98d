"""The measurement engine: values, formulas, scoring and roll-up, in pure Python.

Nothing here imports Django: the same code scores a card in the web app, a document being
rendered, a benchmark of sixty chambers and a test with no database.
"""

from __future__ import annotations

from .scoring import ScoringRules, score
from .values import Kind, parse_target, parse_value, unit_kind

__all__ = ["ScoringRules", "achievement"]


def achievement(
    actual: str,
    target: str,
    comparator: str,
    unit: str = "",
    rules: ScoringRules | None = None,
) -> float | None:
    """The achievement of a measured value against its target, from the texts as written.

    ``achievement("88%", "90%", ">=")`` is 0.977…, shown as 98%; ``achievement("n.d.", "60",
    ">=")`` is None. The comparator may also be glued to the target (``">= 600,0"``) and be
    left empty. When the target is a percent and the unit says nothing, a bare actual such
    as ``88`` is read as 88%: that is how offices type it under a percent target.

    Raises :class:`~performa.engine.values.ValueParseError` (or ``ScoringError``) with an
    Italian message quoting the text when a value, comparator or pairing cannot be read.
    """
    goal = parse_target(target, unit, comparator)
    actual_unit = unit
    if goal.value.kind is Kind.PERCENT and unit_kind(unit) is None:
        actual_unit = "%"
    measured = parse_value(actual, actual_unit)
    return score(measured, goal, unit, rules or ScoringRules())
