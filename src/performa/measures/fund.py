"""The incentive fund outcome of a period: per strategic objective and per ambito."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from performa.engine.fund import FundLine, distribute
from performa.plans.models import IncentiveFund

from .models import Period
from .reading import current_results


@dataclass
class FundOutcome:
    lines: list[FundLine]
    by_area: dict[str, tuple[str, Decimal, Decimal]]  # area code → (title, amount, payable)

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def payable(self) -> Decimal:
        return sum((line.payable for line in self.lines), Decimal(0))


def fund_outcome(period: Period, threshold: float = 0.0) -> FundOutcome | None:
    result_set = current_results(period)
    if result_set is None:
        return None
    fund = IncentiveFund.objects.filter(version=result_set.version).first()
    if fund is None:
        return None
    shares = list(fund.shares.select_related("strategic_objective__area"))
    achievements = {
        node.key: node.achievement
        for node in result_set.nodes.filter(tree="strategy", key__startswith="so:")
    }
    lines = distribute(
        [(f"so:{s.strategic_objective.code}",
          f"{s.strategic_objective.code} {s.strategic_objective.title}", s.amount)
         for s in shares],
        achievements, threshold,
    )
    by_area: dict[str, tuple[str, Decimal, Decimal]] = {}
    for share, line in zip(shares, lines, strict=True):
        area = share.strategic_objective.area
        title, amount, payable = by_area.get(area.code, (area.title, Decimal(0), Decimal(0)))
        by_area[area.code] = (title, amount + line.amount, payable + line.payable)
    return FundOutcome(lines, by_area)
