"""The incentive fund's objective share, paid in proportion to achievement (SMVP rules).

Each strategic objective carries an amount set aside in the plan; at year end the payable
part is amount × achievement, rounded to the cent only at the end of each line, with the
formula kept so the Relazione can show it. Below the SMVP threshold nothing is paid; an
objective that cannot be assessed pays nothing and says so.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from .values import format_money, format_percent

__all__ = ["FundLine", "distribute"]

CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class FundLine:
    key: str
    label: str
    amount: Decimal
    achievement: float | None
    payable: Decimal
    formula: str  # "€ 10.285,71 × 82,5% = € 8.485,71"

    @property
    def unpaid(self) -> Decimal:
        return self.amount - self.payable


def distribute(
    shares: Sequence[tuple[str, str, Decimal]],
    achievements: Mapping[str, float | None],
    threshold: float = 0.0,
) -> list[FundLine]:
    """One line per ``(key, label, amount)`` share, paid on ``achievements[key]``."""
    lines = []
    for key, label, amount in shares:
        achieved = achievements.get(key)
        if achieved is None:
            lines.append(FundLine(key, label, amount, None, Decimal(0),
                                  f"{format_money(amount)} × n.d. = {format_money(Decimal(0))} "
                                  "(obiettivo non valutabile)"))
            continue
        paid_share = 0.0 if achieved < threshold else min(achieved, 1.0)
        payable = (amount * Decimal(repr(paid_share))).quantize(CENT, rounding=ROUND_HALF_UP)
        formula = (f"{format_money(amount)} × {format_percent(achieved, 1)} = "
                   f"{format_money(payable)}")
        if achieved < threshold:
            formula = (f"{format_money(amount)} × 0% = {format_money(payable)} (raggiungimento "
                       f"{format_percent(achieved, 1)} sotto la soglia del "
                       f"{format_percent(threshold)})")
        lines.append(FundLine(key, label, amount, achieved, payable, formula))
    return lines
