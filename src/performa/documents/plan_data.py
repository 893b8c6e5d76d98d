"""What the builders read, loaded once per document: a version's tree and a period's results.

A document of 46 cards and 372 indicators must cost a dozen queries, not one per indicator:
builders work on these prefetched lookups and never walk the ORM row by row. The helpers
that turn plan fields into printed text (a target as «≥ 60», an amount as «€ 10.285,71»)
live here too, so the same figure reads the same in every document.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from performa.engine.values import format_money, format_percent
from performa.measures.models import Deviation, IndicatorResult, NodeResult, Period, ResultSet
from performa.measures.reading import current_results
from performa.plans import models as plans
from performa.plans.money import Money, MoneyTotals, money_totals

NOT_PROVIDED = "Motivazione non ancora fornita."


def money_cells(money: Money) -> list[str]:
    """Oneri, ricavi, contributi, investimenti as a table row prints them («€ 40.000,00»)."""
    return [format_money(money.costs), format_money(money.revenues),
            format_money(money.contributions), format_money(money.investments)]


def money_text(money: Money) -> str:
    """The four amounts in one line, for a card: «oneri € 40.000,00; contributi € 40.000,00»;
    the oneri always, the others when there are any."""
    parts = [f"oneri {format_money(money.costs)}"]
    parts += [f"{label} {format_money(amount)}" for label, amount in (
        ("ricavi", money.revenues), ("contributi", money.contributions),
        ("investimenti", money.investments)) if amount]
    return "; ".join(parts)


def percent(fraction: float | None) -> str:
    """An achievement as documents print it: whole percent, «n.d.» when not assessable."""
    return format_percent(fraction)


def dash(text: str) -> str:
    """Empty cells print a dash, so a blank never looks like a value lost in rendering."""
    return text.strip() or "—"


def resolution_text(version: plans.PlanVersion) -> str:
    """«Deliberazione di Giunta n. 12/22 del 23/02/2022», with the amendments that followed."""
    chain = []
    current: plans.PlanVersion | None = version
    while current is not None:
        chain.append(current)
        current = current.based_on
    parts = []
    for position, adopted in enumerate(reversed(chain)):
        if not adopted.resolution_number:
            continue
        organ = f"di {adopted.organ} " if adopted.organ else ""
        day = f" del {adopted.resolution_date:%d/%m/%Y}" if adopted.resolution_date else ""
        text = f"Deliberazione {organ}n. {adopted.resolution_number}{day}"
        parts.append(text if position == 0 else f"aggiornato con {text[0].lower()}{text[1:]}")
    return "; ".join(parts)


@dataclass
class Plan:
    """One plan version as lookups in planning order."""

    body: plans.Body
    cycle: plans.Cycle
    version: plans.PlanVersion
    areas: list[plans.StrategicArea]
    strategic: dict[int, list[plans.StrategicObjective]]  # area pk → objectives
    operational: dict[int, list[plans.OperationalObjective]]  # strategic pk → objectives
    indicators: dict[int, list[plans.Indicator]]  # operational pk → indicators
    actions: dict[int, list[plans.Action]]  # operational pk → actions
    offices: dict[int, list[plans.OrgUnit]]  # operational pk → offices
    units: list[plans.OrgUnit]
    assignments: list[plans.Assignment]
    fund: plans.IncentiveFund | None
    shares: list[plans.FundShare]
    # How the body describes each spending programme (narrative, stakeholders, benefits),
    # by catalogue programme id.
    programmes: dict[int, plans.PlanProgramme] = field(default_factory=dict)

    @property
    def year(self) -> int:
        return int(self.cycle.year)

    @property
    def triennium(self) -> str:
        return f"{self.cycle.first_year}-{self.cycle.last_year}"

    def all_strategic(self) -> list[plans.StrategicObjective]:
        return [so for area in self.areas for so in self.strategic.get(area.pk, [])]

    def all_operational(self) -> list[plans.OperationalObjective]:
        return [op for so in self.all_strategic() for op in self.operational.get(so.pk, [])]

    def all_indicators(self) -> list[plans.Indicator]:
        return [i for op in self.all_operational() for i in self.indicators.get(op.pk, [])]

    def area_of(self, op: plans.OperationalObjective) -> str:
        """The Area di responsabilità as the card prints it («Obiettivo trasversale» too)."""
        if op.area_id:
            return str(op.area.name)
        return str(op.area_text or ("Obiettivo trasversale" if op.transversal else ""))

    def offices_of(self, op: plans.OperationalObjective) -> str:
        names = [u.name for u in self.offices.get(op.pk, [])]
        return ", ".join(names) if names else str(op.office_text)

    def resources_of(self, op: plans.OperationalObjective) -> str:
        """«€ 335.000,00» when the card states an amount, else the words it uses."""
        if op.resources_amount is not None:
            return format_money(op.resources_amount)
        return str(op.resources).strip()

    @property
    def has_actions(self) -> bool:
        """Whether the plan gives its money by action (the RPP layout of Lucca): then every
        amount a document prints is the actions' roll-up, else the cards' own resources."""
        return any(self.actions.values())

    @cached_property
    def money(self) -> MoneyTotals:
        """The actions' money totalled up the tree (``plans.money``), read when first asked:
        the Piano and the monitoring report never pay for it."""
        return money_totals(self.version)

    @cached_property
    def phases(self) -> dict[tuple[str, int], list[plans.Phase]]:
        """The phases by objective: ("so", pk) or ("op", pk) → phases in planning order."""
        found: dict[tuple[str, int], list[plans.Phase]] = defaultdict(list)
        for phase in plans.Phase.objects.filter(version=self.version).order_by(
                "order", "pk"):
            if phase.operational_objective_id:
                found["op", phase.operational_objective_id].append(phase)
            else:
                found["so", phase.strategic_objective_id].append(phase)
        return found


def legacy_versions(version: plans.PlanVersion) -> list[plans.PlanVersion]:
    """The plans in force, for the same year, of the bodies merged into ``version``'s body
    (Lucca, Massa-Carrara, Pisa for Toscana Nord-Ovest), by name: the parts a merged body's
    documents present in turn. The same reading as ``plans.store.plan_with_parts``."""
    year = version.cycle.year
    found = []
    for legacy in version.cycle.body.legacy_bodies.order_by("name"):
        cycle = legacy.cycles.filter(year=year).first()
        current = cycle.current_version() if cycle else None
        if current is not None:
            found.append(current)
    return found


def target_of(indicator: plans.Indicator, year: int) -> str:
    """«≥ 60»: the comparator as the plan prints it, then the value; «—» when none is set."""
    row = indicator.target_for(year)
    if row is None or not row.value.strip():
        return "—"
    comparator = (row.comparator or indicator.comparator).strip()
    return f"{comparator} {row.value.strip()}".strip()


def load_plan(version: plans.PlanVersion) -> Plan:
    cycle = version.cycle
    body = cycle.body
    areas = list(plans.StrategicArea.objects.filter(version=version))
    strategic: dict[int, list[plans.StrategicObjective]] = defaultdict(list)
    for so in plans.StrategicObjective.objects.filter(version=version).select_related(
        "mission", "programme__mission", "function"
    ):
        strategic[so.area_id].append(so)
    operational: dict[int, list[plans.OperationalObjective]] = defaultdict(list)
    for op in plans.OperationalObjective.objects.filter(version=version).select_related(
        "area", "strategic_objective", "mission", "programme__mission"
    ):
        operational[op.strategic_objective_id].append(op)
    offices: dict[int, list[plans.OrgUnit]] = defaultdict(list)
    links = plans.OperationalObjective.offices.through.objects.filter(
        operationalobjective__version=version
    ).select_related("orgunit").order_by("orgunit__name")
    for link in links:
        offices[link.operationalobjective_id].append(link.orgunit)
    indicators: dict[int, list[plans.Indicator]] = defaultdict(list)
    for indicator in plans.Indicator.objects.filter(version=version).select_related(
        "office"
    ).prefetch_related("targets"):
        indicators[indicator.operational_objective_id].append(indicator)
    actions: dict[int, list[plans.Action]] = defaultdict(list)
    for action in plans.Action.objects.filter(version=version).select_related("cost_centre"):
        actions[action.operational_objective_id].append(action)
    fund = plans.IncentiveFund.objects.filter(version=version).first()
    shares = list(fund.shares.select_related("strategic_objective__area")) if fund else []
    return Plan(
        body=body, cycle=cycle, version=version, areas=areas, strategic=strategic,
        operational=operational, indicators=indicators, actions=actions, offices=offices,
        units=list(body.org_units.select_related("parent")),
        assignments=list(plans.Assignment.objects.filter(version=version).select_related(
            "area", "operational_objective")),
        fund=fund, shares=shares,
        programmes={p.programme_id: p for p in plans.PlanProgramme.objects.filter(
            version=version)},
    )


@dataclass
class Results:
    """A period's current results, keyed so that they follow indicators across amendments."""

    period: Period
    result_set: ResultSet
    by_lineage: dict[uuid.UUID, IndicatorResult]
    nodes: dict[tuple[str, str], NodeResult]
    deviations: dict[uuid.UUID, str] = field(default_factory=dict)

    def of(self, indicator: plans.Indicator) -> IndicatorResult | None:
        return self.by_lineage.get(indicator.lineage)

    def node(self, key: str, tree: str = NodeResult.Tree.STRATEGY) -> NodeResult | None:
        return self.nodes.get((tree, key))

    def achievement(self, key: str, tree: str = NodeResult.Tree.STRATEGY) -> float | None:
        node = self.node(key, tree)
        return node.achievement if node is not None else None

    def below_target(self) -> list[IndicatorResult]:
        return [r for r in self.by_lineage.values() if r.achievement is not None
                and r.achievement < 1]

    def deviation(self, indicator: plans.Indicator) -> str:
        return self.deviations.get(indicator.lineage, "") or NOT_PROVIDED


def require_results(period: Period) -> Results:
    """The results of a period a document is about; a clear error when there are none."""
    results = load_results(period)
    if results is None:
        raise ValueError(f"{period}: nessun risultato calcolato.")
    return results


def load_results(period: Period) -> Results | None:
    """The current result set of ``period``: the figures every other reader shows
    (measures.reading), never recomputed for a document; None when nothing was computed."""
    result_set = current_results(period)
    if result_set is None:
        return None
    by_lineage = {
        r.indicator.lineage: r
        for r in result_set.indicators.select_related("indicator")
    }
    nodes = {(n.tree, n.key): n for n in result_set.nodes.all()}
    deviations = {
        d.indicator.lineage: d.text
        for d in Deviation.objects.filter(period=period).select_related("indicator").only(
            "text", "indicator__lineage")
    }
    return Results(period, result_set, by_lineage, nodes, deviations)


def periods_with_values(cycle: plans.Cycle) -> list[Period]:
    return list(Period.objects.filter(cycle=cycle, values__isnull=False).distinct()
                .order_by("date"))


def require_period(period: Period | None, what: str, cycle: Any) -> Period:
    """Documents of results need a period with values; say so in Italian when there is none."""
    if period is None:
        raise ValueError(f"{what}: nessuna rilevazione con valori per il {cycle.year}.")
    return period
