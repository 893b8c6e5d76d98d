"""A plan version's money, totalled from its stored actions (figures of tests/rpp_plan.py,
hand-computed from Lucca's RPP 2022): a card without a mission of its own is under its
strategic objective's, one with its own mission under that one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from performa.engine.money import Money
from performa.plans import models as m
from performa.plans.document import PlanDocument
from performa.plans.money import classification_of, money_totals
from performa.plans.store import store_plan
from rpp_plan import AREA_TOTALS, PID_TOTALS, SPACES_TOTALS, with_actions_and_phases

pytestmark = pytest.mark.django_db


def test_totals_of_every_level(plan: PlanDocument) -> None:
    version = store_plan(with_actions_and_phases(plan, date(2022, 1, 1))).version
    totals = money_totals(version)
    assert totals.of_operational("01_01_02") == Money(*PID_TOTALS)
    assert totals.of_operational("01_03_03") == Money(*SPACES_TOTALS)
    assert totals.of_strategic("01_01") == Money(*PID_TOTALS)
    assert totals.of_area("1") == Money(*AREA_TOTALS)
    assert totals.total == Money(*AREA_TOTALS)
    # The PID card has no mission of its own: its strategic objective's 011.005.
    assert totals.of_mission("011") == totals.of_programme("011", "005") == Money(*PID_TOTALS)
    assert totals.of_programme("012", "004") == Money(*SPACES_TOTALS)
    assert totals.of_mission("") == Money()  # nothing left unclassified
    # Independently: the sums of the stored amounts.
    actions = m.Action.objects.filter(version=version)
    assert sum((a.costs for a in actions), Decimal(0)) == AREA_TOTALS[0]


def test_a_card_is_classified_by_its_own_mission_or_its_strategic_objectives(
        plan: PlanDocument) -> None:
    version = store_plan(with_actions_and_phases(plan, date(2022, 1, 1))).version
    pid = m.OperationalObjective.objects.get(version=version, code="01_01_02")
    spaces = m.OperationalObjective.objects.get(version=version, code="01_03_03")
    mission, programme = classification_of(pid)
    assert (mission.code, programme.code) == ("011", "005")
    mission, programme = classification_of(spaces)
    assert (mission.code, programme.code) == ("012", "004")


def test_a_plan_without_actions_totals_zero(plan: PlanDocument) -> None:
    version = store_plan(plan).version
    assert money_totals(version).total.empty
