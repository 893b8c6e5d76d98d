"""A plan version's money: its actions' amounts totalled up to objective, strategic
objective, Area, programme and mission (the roll-up is ``engine.money``'s).

The card page and the documents (PIRA by programme, RPP by Area and project) read these
totals, one query for the whole version. An operational objective with no mission of its own
is under its strategic objective's mission and programme.
"""

from __future__ import annotations

from typing import Any

from performa.engine.money import ActionMoney, Money, MoneyTotals, roll_up

from .models import Action, OperationalObjective, PlanVersion

__all__ = ["Money", "MoneyTotals", "classification_of", "money_totals"]

_OP = "operational_objective"
_SO = f"{_OP}__strategic_objective"


def money_totals(version: PlanVersion) -> MoneyTotals:
    """The totals of every node of ``version`` that has actions under it."""
    rows = (Action.objects.filter(version=version).order_by()
            .values_list("costs", "revenues", "contributions", "investments",
                         f"{_OP}__code", f"{_SO}__code", f"{_SO}__area__code",
                         f"{_OP}__mission__code", f"{_OP}__programme__code",
                         f"{_SO}__mission__code", f"{_SO}__programme__code"))
    return roll_up(_placed(row) for row in rows)


def _placed(row: tuple[Any, ...]) -> ActionMoney:
    (costs, revenues, contributions, investments, operational, strategic, area,
     own_mission, own_programme, so_mission, so_programme) = row
    mission, programme = ((own_mission, own_programme) if own_mission
                          else (so_mission, so_programme))
    return ActionMoney(Money(costs, revenues, contributions, investments), operational,
                       strategic, area, mission or "", programme or "")


def classification_of(card: OperationalObjective) -> tuple[Any, Any]:
    """The card's (mission, programme): its own when it has a mission, else its strategic
    objective's; the same rule as the totals."""
    if card.mission_id:
        return card.mission, card.programme
    so = card.strategic_objective
    return so.mission, so.programme
