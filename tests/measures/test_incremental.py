"""A typed value re-scores only what it feeds, and the figures are those of a full computation.

The writes here commit, as a server's do: a computation kept between writes
(``measures.live``) is used only once the transaction that changed it has committed, which the
rolled-back transaction of an ordinary test never reaches. So each scenario runs in a
module-scoped fixture (outside any test's transaction) and its test checks what it left: the
stored current result set, row by row, against a computation of the period from scratch.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest
from django.db import transaction

from performa.accounts.access import SYSTEM
from performa.measures import actions, computing, live
from performa.measures.models import InputsRevision, MeasuredValue, Period, ResultSet
from performa.plans import models as plans
from performa.plans.document import IndicatorDoc, PlanDocument, VariableDoc
from performa.plans.store import store_plan

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

BODY = "Camera di Commercio di Pistoia-Prato"


def stored_figures(period: Period) -> dict[Any, dict[str, Any]]:
    current = ResultSet.objects.get(period=period, current=True)
    rows: dict[Any, dict[str, Any]] = {
        row["indicator_id"]: {name: row[name] for name in computing.RESULT_FIELDS}
        for row in current.indicators.values()
    }
    for row in current.nodes.values():
        rows[row["tree"], row["key"]] = {name: row[name] for name in computing.NODE_FIELDS}
    return rows


def full_figures(period: Period) -> dict[Any, dict[str, Any]]:
    """The period computed from scratch, as the stored rows would hold it."""
    computed = computing.compute(period)
    rows: dict[Any, dict[str, Any]] = {
        int(key): computing.indicator_fields(period, computed, key)
        for key in computed.computation.state.results
    }
    for tree, results in computing.node_trees(computed):
        for key, explanation in results.items():
            rows[tree, key] = computing.node_fields(explanation)
    return rows


def kept(period: Period) -> live.Kept | None:
    current = ResultSet.objects.get(period=period, current=True)
    return live.find(period.pk, (current.pk, current.created_at, revision(period)))


def revision(period: Period) -> int:
    found = InputsRevision.objects.filter(body__cycles=period.cycle_id).first()
    return found.revision if found else 0


def type_value(period: Period, owner: Any, text: str, why: str = "") -> actions.Entered:
    lookup = ({"variable": owner} if isinstance(owner, plans.Variable)
              else {"indicator__lineage": owner.lineage})
    current = MeasuredValue.objects.filter(period=period, **lookup).first()
    return actions.enter_value(SYSTEM, period, owner, text,
                               revision=current.revision if current else 0,
                               not_available_reason=why)


def a_value(rng: random.Random, unit: str) -> tuple[str, str]:
    """A value as an office types it for ``unit``, n.d. now and then."""
    if rng.random() < 0.1:
        return "n.d.", "dato non ancora disponibile"
    if unit == "si/no":
        return rng.choice(["si", "no"]), ""
    if unit == "data":
        return f"{rng.randint(1, 28):02d}/{rng.randint(1, 12):02d}/2022", ""
    return rng.choice([str(rng.randint(0, 600)), f"{rng.randint(0, 100)},{rng.randint(0, 9)}"]), ""


# -- the demo: the real Piano 2022 of Pistoia-Prato, 372 indicators ----------------------------


@pytest.fixture(scope="module")
def demo(committing: Callable[[], AbstractContextManager[str]]) -> Iterator[Period]:
    from performa.cli import main

    with committing():
        assert main(["demo"]) == 0
        yield Period.objects.get(cycle__body__name=BODY, date=date(2022, 9, 30))


@dataclass
class Outcome:
    stored: dict[Any, dict[str, Any]]
    full: dict[Any, dict[str, Any]]
    kept_throughout: bool  # every write went through the kept computation
    extra: dict[str, Any]


def outcome(period: Period, first: live.Kept | None, **extra: Any) -> Outcome:
    return Outcome(stored_figures(period), full_figures(period),
                   first is not None and kept(period) is first, extra)


@pytest.fixture(scope="module")
def random_writes(demo: Period) -> Outcome:
    period = demo
    rng = random.Random(2022)
    version = period.cycle.current_version()
    typed = [i for i in plans.Indicator.objects.filter(version=version, formula="")
             if not computing.uses_resources(i)]
    budgeted = list(plans.OperationalObjective.objects.filter(
        version=version, resources_amount__isnull=False))
    type_value(period, typed[0], "1")  # the first write computes in full and keeps it
    first = kept(period)
    for _ in range(200):
        if budgeted and rng.random() < 0.05:
            actions.record_resource_use(SYSTEM, period, rng.choice(budgeted),
                                        str(rng.randint(0, 200_000)))
            continue
        indicator = rng.choice(typed)
        text, why = a_value(rng, indicator.unit)
        type_value(period, indicator, text, why)
    return outcome(period, first)


def test_200_random_writes_leave_the_figures_of_a_full_computation(
        random_writes: Outcome) -> None:
    assert random_writes.kept_throughout  # not a recompute of the whole period each time
    assert len(random_writes.stored) > 372
    assert random_writes.stored == random_writes.full


@pytest.fixture(scope="module")
def failed_write(demo: Period) -> Outcome:
    period = demo
    indicator = plans.Indicator.objects.filter(
        version=period.cycle.current_version(), unit="n.", formula="").order_by("order").first()
    assert indicator is not None
    type_value(period, indicator, "10")
    before = stored_figures(period)
    with pytest.raises(RuntimeError), transaction.atomic():
        type_value(period, indicator, "999")
        raise RuntimeError("la richiesta fallisce dopo il salvataggio")
    value = MeasuredValue.objects.get(period=period, indicator=indicator).number
    dropped = kept(period) is None  # ahead of the database: must not be used again
    type_value(period, indicator, "10")  # computed in full, and kept again
    return outcome(period, kept(period), before=before, value=value, dropped=dropped)


def test_a_write_rolled_back_leaves_no_trace_in_the_kept_computation(
        failed_write: Outcome) -> None:
    assert failed_write.extra["value"] == 10
    assert failed_write.extra["dropped"]
    assert failed_write.kept_throughout
    assert failed_write.stored == failed_write.extra["before"] == failed_write.full


@pytest.fixture(scope="module")
def office_moved(demo: Period) -> Outcome:
    """What a computation reads besides the plan version (here a card's offices, which shape
    the organisational tree) may change under it, in another process too: the body's revision
    tells every process that its kept computation is out of date."""
    period = demo
    card = plans.OperationalObjective.objects.filter(
        version=period.cycle.current_version()).exclude(offices=None).order_by("code").first()
    assert card is not None
    indicator = card.indicators.filter(formula="").order_by("order").first()
    assert indicator is not None
    type_value(period, indicator, "5")
    before = revision(period)
    office = card.offices.get()
    other = plans.OrgUnit.objects.filter(
        body=office.body, kind=plans.OrgUnit.Kind.OFFICE, parent__isnull=False,
    ).exclude(pk=office.pk).order_by("name").first()
    assert other is not None
    card.offices.add(other)  # an administrator gives the card a second office
    moved = revision(period) > before
    type_value(period, indicator, "6")
    return outcome(period, None, moved=moved, office=("organisation", f"unit:{other.pk}"),
                   part=f"unit:{other.pk}/{card.code}")


def test_a_card_given_another_office_is_seen_by_the_next_write(office_moved: Outcome) -> None:
    assert office_moved.extra["moved"]
    office = office_moved.stored[office_moved.extra["office"]]
    assert office_moved.extra["part"] in [p["key"] for p in office["explanation"]["parts"]]
    assert office_moved.stored == office_moved.full


# -- formulas: variables, last year's values, other nodes' achievements -----------------------


def formula_plan(plan: PlanDocument) -> PlanDocument:
    """The small plan with what the demo lacks: variables, formulas over them and over last
    year, and an indicator reading another card's achievement."""
    pid, spaces = plan.areas[0].objectives[0].operational[0], \
        plan.areas[0].objectives[1].operational[0]
    pid = replace(pid, indicators=[*pid.indicators, IndicatorDoc(
        name="Domande evase", unit="%", comparator=">=", targets={2022: "90%"}, weight="",
        formula="[domande evase] / [domande ricevute] * 100")])
    spaces = replace(spaces, indicators=[*spaces.indicators, IndicatorDoc(
        name="Crescita presenze", unit="%", comparator=">=", targets={2022: "10%"},
        formula="([presenze] - previous([presenze])) / previous([presenze]) * 100"),
        IndicatorDoc(name="Avanzamento PID", unit="%", comparator=">=", targets={2022: "80%"},
                     formula='achievement("01_01_02") * 100')])
    objectives = plan.areas[0].objectives
    areas = [replace(plan.areas[0], objectives=[
        replace(objectives[0], operational=[pid]), replace(objectives[1], operational=[spaces])])]
    return replace(plan, areas=areas, variables=[
        VariableDoc("domande ricevute", unit="n."), VariableDoc("domande evase", unit="n."),
        VariableDoc("presenze", unit="n.")])


@pytest.fixture(scope="module")
def with_formulas(committing: Callable[[], AbstractContextManager[str]],
                  plan_maker: Callable[[], PlanDocument]) -> Iterator[Period]:
    with committing():
        version = store_plan(formula_plan(plan_maker())).version
        cycle = version.cycle
        last_year = plans.Cycle.objects.create(body=cycle.body, year=2021, first_year=2021,
                                               last_year=2023)
        presenze = plans.Variable.objects.create(cycle=last_year, name="presenze", unit="n.")
        december = Period.objects.create(cycle=last_year, date=date(2021, 12, 31),
                                         state="closed")
        MeasuredValue.objects.create(period=december, variable=presenze, value_text="1000",
                                     number=1000)
        yield Period.objects.create(cycle=cycle, date=date(2022, 6, 30), state="open")


@pytest.fixture(scope="module")
def formula_writes(with_formulas: Period) -> Outcome:
    period = with_formulas
    version = period.cycle.current_version()
    variables = list(period.cycle.variables.order_by("name"))
    typed = [i for i in plans.Indicator.objects.filter(version=version, formula="")
             if not computing.uses_resources(i)]
    rng = random.Random(30)
    type_value(period, variables[0], "100")
    first = kept(period)
    for _ in range(200):
        owner = rng.choice([*variables, *typed])
        text, why = a_value(rng, owner.unit)
        type_value(period, owner, text, why)
    ricevute, evase = (period.cycle.variables.get(name=name)
                       for name in ("domande ricevute", "domande evase"))
    type_value(period, ricevute, "200")
    entered = type_value(period, evase, "190")
    answer = [(r.indicator.name, r.value, r.achievement) for r in entered.result]
    reading = plans.Indicator.objects.get(version=version, name="Avanzamento PID").pk
    return outcome(period, first, answer=answer, reading=reading)


def test_variables_and_node_references_follow_each_write(formula_writes: Outcome) -> None:
    figures = formula_writes.stored
    assert formula_writes.kept_throughout
    assert figures == formula_writes.full
    # A formula names a card by its code, as the plan prints it: achievement("01_01_02").
    pid = figures["strategy", "op:01_01_02"]["achievement"]
    reading = figures[formula_writes.extra["reading"]]
    assert pid is not None
    assert (reading["value"], reading["error"]) == (pytest.approx(pid * 100), "")


def test_saving_a_variable_answers_with_the_indicators_it_feeds(formula_writes: Outcome) -> None:
    assert formula_writes.extra["answer"] == [("Domande evase", pytest.approx(95),
                                               pytest.approx(1))]
