"""The money of a plan's actions, totalled up the tree: operational objective, strategic
objective, Area, programme, mission and the whole plan.

An RPP (``002_…`` Lucca) prints oneri, ricavi, contributi and investimenti per *azione* and
their totals per project, objective, programme and mission; a PIRA prints them per
programme. One roll-up serves the card page and every document, so a total never reads
differently in two places. Pure: the caller (``plans.money``) reads the actions from the
database and says where each one sits; amounts are exact ``Decimal`` to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TypeVar

__all__ = ["ActionMoney", "Money", "MoneyTotals", "roll_up"]

ZERO = Decimal("0.00")
K = TypeVar("K")


@dataclass(frozen=True, slots=True)
class Money:
    """The four amounts of an action, or of everything under a node."""

    costs: Decimal = ZERO  # oneri
    revenues: Decimal = ZERO  # ricavi
    contributions: Decimal = ZERO  # contributi
    investments: Decimal = ZERO  # investimenti

    def __add__(self, other: Money) -> Money:
        return Money(self.costs + other.costs, self.revenues + other.revenues,
                     self.contributions + other.contributions,
                     self.investments + other.investments)

    @property
    def empty(self) -> bool:
        """No amount at all: a node with no actions, or with actions of no money."""
        return not (self.costs or self.revenues or self.contributions or self.investments)


@dataclass(frozen=True, slots=True)
class ActionMoney:
    """One action's amounts and where it sits: the codes of its operational objective,
    strategic objective and Area, and its mission and programme (catalogue codes, the
    operational objective's own or else its strategic objective's; "" when not indicated)."""

    money: Money
    operational: str
    strategic: str
    area: str
    mission: str = ""  # "011"
    programme: str = ""  # "005", under ``mission``


@dataclass
class MoneyTotals:
    """The totals of every node that has actions under it; a node without any reads as
    zero through the ``of_…`` methods. Programmes are keyed by (mission, programme) since a
    programme code repeats under every mission."""

    operational: dict[str, Money] = field(default_factory=dict)
    strategic: dict[str, Money] = field(default_factory=dict)
    area: dict[str, Money] = field(default_factory=dict)
    programme: dict[tuple[str, str], Money] = field(default_factory=dict)
    mission: dict[str, Money] = field(default_factory=dict)
    total: Money = field(default_factory=Money)

    def of_operational(self, code: str) -> Money:
        return self.operational.get(code, Money())

    def of_strategic(self, code: str) -> Money:
        return self.strategic.get(code, Money())

    def of_area(self, code: str) -> Money:
        return self.area.get(code, Money())

    def of_programme(self, mission: str, programme: str) -> Money:
        return self.programme.get((mission, programme), Money())

    def of_mission(self, mission: str) -> Money:
        return self.mission.get(mission, Money())


def roll_up(actions: Iterable[ActionMoney]) -> MoneyTotals:
    """Add every action's money to each node above it, and to the plan's total."""
    totals = MoneyTotals()
    for action in actions:
        money = action.money
        _add(totals.operational, action.operational, money)
        _add(totals.strategic, action.strategic, money)
        _add(totals.area, action.area, money)
        _add(totals.programme, (action.mission, action.programme), money)
        _add(totals.mission, action.mission, money)
        totals.total = totals.total + money
    return totals


def _add(level: dict[K, Money], key: K, money: Money) -> None:
    level[key] = level.get(key, Money()) + money
