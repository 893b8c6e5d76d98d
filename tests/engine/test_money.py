"""The money of actions totalled up the tree: each node adds what is under it, and a
programme is told apart by its mission."""

from __future__ import annotations

from decimal import Decimal

from performa.engine.money import ActionMoney, Money, roll_up


def _money(costs: str = "0", revenues: str = "0", contributions: str = "0",
           investments: str = "0") -> Money:
    return Money(Decimal(costs), Decimal(revenues), Decimal(contributions), Decimal(investments))


# Two actions of Lucca's RPP 2022 project 1B01 (002_…) and one invented for another mission.
PLAN = [
    ActionMoney(_money("40000.00", contributions="40000.00"), "1B01", "1B", "1", "011", "005"),
    ActionMoney(_money("35300.00", revenues="60800.00"), "1B01", "1B", "1", "012", "004"),
    ActionMoney(_money("1000.50", investments="2500.25"), "2A01", "2A", "2", "", ""),
    ActionMoney(_money("99.50"), "2A02", "2A", "2", "011", "005"),
]


def test_each_level_adds_the_actions_under_it() -> None:
    totals = roll_up(PLAN)
    assert totals.of_operational("1B01") == _money("75300.00", "60800.00", "40000.00")
    assert totals.of_operational("2A01") == _money("1000.50", investments="2500.25")
    assert totals.of_strategic("2A") == _money("1100.00", investments="2500.25")
    assert totals.of_area("1") == totals.of_strategic("1B")
    assert totals.of_mission("011") == _money("40099.50", contributions="40000.00")
    assert totals.of_programme("011", "005") == totals.of_mission("011")
    assert totals.of_programme("012", "004") == _money("35300.00", "60800.00")
    assert totals.of_mission("") == _money("1000.50", investments="2500.25")  # not indicated
    assert totals.total == _money("76400.00", "60800.00", "40000.00", "2500.25")


def test_a_programme_code_repeats_under_another_mission() -> None:
    totals = roll_up([ActionMoney(_money("10"), "a", "A", "1", "011", "002"),
                      ActionMoney(_money("20"), "b", "B", "1", "032", "002")])
    assert totals.of_programme("011", "002").costs == Decimal("10")
    assert totals.of_programme("032", "002").costs == Decimal("20")


def test_a_node_without_actions_is_zero() -> None:
    totals = roll_up([])
    assert totals.of_operational("01_01_02") == Money()
    assert totals.of_operational("01_01_02").empty
    assert totals.total.empty
