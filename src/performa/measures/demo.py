"""Invented 30/06 and 30/09 values for the demo plan, so the app has something to show.

They are *dati dimostrativi*: the periods are flagged ``demo`` and every value's note says
so. Values are drawn with a fixed seed, around each indicator's target, so that some
indicators are on track and some are not — as in a real September.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from performa.accounts.access import SYSTEM
from performa.engine.values import (
    Kind,
    Value,
    ValueParseError,
    format_value,
    parse_target,
)
from performa.plans.models import Accumulation, Cycle, Indicator, OperationalObjective

from . import actions, computing
from .computing import uses_resources
from .models import Period

NOTE = "dati dimostrativi"
SEED = 2022


@transaction.atomic
def load_demo_measures(cycle: Cycle) -> int:
    """Create the year's periods and fill 30/06 (closed) and 30/09 (open); returns values."""
    if cycle.periods.filter(demo=True).exists():
        return 0
    year = cycle.year
    june = Period.objects.create(cycle=cycle, date=date(year, 6, 30), label="30/06",
                                 deadline=date(year, 7, 31), state="open", demo=True)
    september = Period.objects.create(cycle=cycle, date=date(year, 9, 30), label="30/09",
                                      deadline=date(year, 10, 31), state="open", demo=True)
    Period.objects.create(cycle=cycle, date=date(year, 12, 31), label="31/12",
                          deadline=date(year + 1, 2, 28), demo=True)
    rng = random.Random(SEED)  # noqa: S311 - reproducible invented data, not security
    version = cycle.current_version()
    count = 0
    for indicator in Indicator.objects.filter(version=version).select_related(
        "operational_objective"
    ).prefetch_related("targets"):
        if indicator.formula or uses_resources(indicator):
            continue
        for period, progress in ((june, 0.5), (september, 0.75)):
            text = invented(indicator, year, progress, rng)
            if text is None:
                continue
            actions.enter_value(SYSTEM, period, indicator, text, note=NOTE, reason=NOTE,
                                not_available_reason=NOTE, recompute=False)
            count += 1
    for objective in OperationalObjective.objects.filter(version=version,
                                                         resources_amount__isnull=False):
        for period, share in ((june, rng.uniform(0.3, 0.5)), (september, rng.uniform(0.5, 0.8))):
            used = (objective.resources_amount * Decimal(repr(round(share, 4)))).quantize(
                Decimal("0.01"))
            actions.record_resource_use(SYSTEM, period, objective,
                                        format_value(Value(Kind.MONEY, float(used), decimals=2)),
                                        reason=NOTE, recompute=False)
    for period in (june, september):
        computing.store_results(period)
    june.state = Period.State.CLOSED
    june._change_reason = NOTE  # type: ignore[attr-defined]
    june.save(update_fields=["state"])
    return count


def invented(indicator: Indicator, year: int, progress: float, rng: random.Random) -> str | None:
    """A plausible value as an office would type it at ``progress`` of the year."""
    row = indicator.target_for(year)
    if row is None:
        return None
    try:
        target = parse_target(row.value, indicator.unit, row.comparator or indicator.comparator)
    except ValueParseError:
        return None
    goal = target.value
    if goal.number is None:
        return None
    if goal.kind in (Kind.BOOLEAN, Kind.DONE):
        return "si" if rng.random() < progress + 0.1 else "no"
    if goal.kind is Kind.DATE and goal.day is not None:
        if rng.random() > progress + 0.2:
            return None  # not done yet: nothing to type
        return (goal.day - timedelta(days=rng.randint(-20, 60))).strftime("%d/%m/%Y")
    if goal.kind is Kind.ORDINAL:
        return None
    base = goal.number
    cumulative = indicator.accumulation == Accumulation.CUMULATIVE
    factor = progress * rng.uniform(0.75, 1.25) if cumulative else rng.uniform(0.85, 1.12)
    if target.comparator.value.startswith("<"):
        factor = 2 - factor if not cumulative else factor
    number = base * factor
    if goal.kind is Kind.PERCENT:
        return format_value(Value(Kind.PERCENT, round(number, 3), decimals=1))
    # Typed like the target: whole counts for "60", one decimal for "7,4" or "2,0".
    return format_value(Value(Kind.NUMBER, round(number, goal.decimals), decimals=goal.decimals))


def cumulative_by_default(kind: str, unit: str, name: str) -> bool:
    """Counts of things done in the year (Volume in n.) grow during it; staff FTE do not."""
    return (kind.strip().lower() == "volume" and unit.strip().lower() in ("n.", "n", "numero")
            and not name.lower().startswith("risorse umane"))
