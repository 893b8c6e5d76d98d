"""From the database to the engine and back: a period's results, stored and explained.

The engine holds no state between requests: a body's plan and a period's values are read,
computed in milliseconds, and only the result rows whose figures changed are written, so a
value typed by an office rewrites its indicator and the nodes above it, not the body.
Validated (frozen) result sets are never touched here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction

from performa.engine.compute import BodyComputation, IndicatorSpec, typed_like
from performa.engine.formula import FormulaSyntaxError, parse
from performa.engine.rollup import Explanation, Node, Rollup
from performa.engine.scoring import ScoringRules, rules_to_dict, score
from performa.engine.values import NOT_AVAILABLE, Comparator, Target, ValueParseError, parse_target
from performa.plans import models as plans

from . import locks
from .models import IndicatorResult, MeasuredValue, NodeResult, Period, ResourceUse, ResultSet

# Names the engine reads for an objective's budget, so "Grado di utilizzo delle risorse" is
# computed from the budget and the spending recorded, not typed twice.
RESOURCE_USE_NAMES = ("grado di utilizzo delle risorse",)
NOT_MEASURED = "nessun valore rilevato"
NOT_SCHEDULED = "#non previsto"  # stands for an indicator the plan does not measure now


def direct_name(indicator: plans.Indicator) -> str:
    """The engine's name for a directly measured indicator: its identity across versions."""
    return f"#{indicator.lineage}"


def used_name(objective_pk: int) -> str:
    return f"risorse utilizzate #{objective_pk}"


def budget_name(objective_pk: int) -> str:
    return f"risorse stanziate #{objective_pk}"


def uses_resources(indicator: plans.Indicator) -> bool:
    return not indicator.formula and indicator.name.strip().lower().startswith(
        RESOURCE_USE_NAMES
    ) and indicator.operational_objective.resources_amount is not None


@dataclass
class Inputs:
    """Everything the engine needs for one period of one plan version."""

    version: plans.PlanVersion
    indicators: dict[int, plans.Indicator]
    specs: list[IndicatorSpec]
    strategy: Node
    organisation: Node
    values: dict[str, float | None]
    previous: dict[str, float | None]
    rules: ScoringRules
    reasons: dict[str, str]


def load_inputs(period: Period, version: plans.PlanVersion | None = None) -> Inputs:
    cycle = period.cycle
    version = version or cycle.current_version()
    if version is None:
        raise ValueError(f"Nessun piano adottato per {cycle}.")
    indicators = {
        i.pk: i for i in plans.Indicator.objects.filter(version=version)
        .select_related("operational_objective").prefetch_related("targets")
    }
    variable_names = list(cycle.variables.values_list("name", flat=True))
    specs = [_spec(i, period, variable_names) for i in indicators.values()]
    values: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    values_found = MeasuredValue.objects.filter(period=period).select_related(
        "variable", "indicator")
    for value in values_found:
        name = value.variable.name if value.variable else direct_name(value.indicator)
        values[name] = value.number
        if value.number is None:
            reasons[name] = f"n.d.: {value.not_available_reason}"
    values[NOT_SCHEDULED] = None
    reasons[NOT_SCHEDULED] = f"non previsto nella rilevazione al {period.date:%d/%m}"
    for name in [*variable_names, *(n for spec in specs for n in spec.formula.variables)]:
        if name not in values:
            values[name] = None
            reasons[name] = NOT_MEASURED
    objectives = plans.OperationalObjective.objects.filter(version=version)
    # Spending follows the objective's code across amendments, like values follow lineage.
    used = {
        u.objective.code: float(u.used)
        for u in ResourceUse.objects.filter(period=period).select_related("objective")
    }
    for objective in objectives:
        if objective.resources_amount is not None:
            values[budget_name(objective.pk)] = float(objective.resources_amount)
            values[used_name(objective.pk)] = used.get(objective.code)
            if objective.code not in used:
                reasons[used_name(objective.pk)] = "risorse utilizzate non ancora registrate"
    return Inputs(
        version=version, indicators=indicators, specs=specs,
        strategy=strategy_tree(version, indicators.values()),
        organisation=organisation_tree(version), values=values,
        previous=_previous_year(cycle), rules=cycle.body.rules(), reasons=reasons,
    )


def measured_in(indicator: plans.Indicator, period: Period) -> bool:
    return scheduled(indicator.measured_at, period)


def scheduled(measured_at: str, period: Period) -> bool:
    """The plan says when an indicator is measured ("30/06, 31/12"); empty means always."""
    dates = [d.strip() for d in measured_at.replace(";", ",").split(",") if d.strip()]
    return not dates or any(d.startswith(f"{period.date:%d/%m}") for d in dates)


def _spec(indicator: plans.Indicator, period: Period, variables: list[str]) -> IndicatorSpec:
    year = period.cycle.year
    if not measured_in(indicator, period):
        formula = parse(f"[{NOT_SCHEDULED}]")
    elif indicator.formula:
        try:
            formula = parse(indicator.formula, known=variables)
        except FormulaSyntaxError:
            formula = parse("[formula non valida]")  # evaluates to an unknown-variable error
    elif uses_resources(indicator):
        objective = indicator.operational_objective_id
        formula = parse(f"[{used_name(objective)}] / [{budget_name(objective)}]")
    else:
        formula = parse(f"[{direct_name(indicator)}]")
    target = Target(Comparator.GE, NOT_AVAILABLE)
    row = next((t for t in indicator.targets.all() if t.year == year), None)
    if row is not None:
        try:
            target = parse_target(row.value, indicator.unit, row.comparator or indicator.comparator)
        except ValueParseError:
            pass  # an unreadable target scores n.d.; the plan's validation names it
    return IndicatorSpec(str(indicator.pk), formula, target, indicator.unit, indicator.name)


def _previous_year(cycle: plans.Cycle) -> dict[str, float | None]:
    period = Period.objects.filter(
        cycle__body=cycle.body, cycle__year=cycle.year - 1
    ).order_by("-date").first()
    if period is None:
        return {}
    return {
        v.variable.name: v.number
        for v in MeasuredValue.objects.filter(period=period, variable__isnull=False)
        .select_related("variable")
    }


def strategy_tree(version: plans.PlanVersion, indicators: Iterable[plans.Indicator]) -> Node:
    """Body → ambiti → strategic objectives → operational objectives → indicators."""
    by_objective: dict[int, list[Node]] = {}
    for indicator in sorted(indicators, key=lambda i: i.order):
        by_objective.setdefault(indicator.operational_objective_id, []).append(
            Node(str(indicator.pk), indicator.name, _weight(indicator.weight))
        )
    by_strategic: dict[int, list[Node]] = {}
    for op in plans.OperationalObjective.objects.filter(version=version):
        by_strategic.setdefault(op.strategic_objective_id, []).append(
            Node(f"op:{op.code}", f"{op.code} {op.title}", _weight(op.weight),
                 by_objective.get(op.pk, []))
        )
    by_area: dict[int, list[Node]] = {}
    for so in plans.StrategicObjective.objects.filter(version=version):
        by_area.setdefault(so.area_id, []).append(
            Node(f"so:{so.code}", f"{so.code} {so.title}", _weight(so.weight),
                 by_strategic.get(so.pk, []))
        )
    areas = [
        Node(f"area:{a.code}", a.title, None, by_area.get(a.pk, []))
        for a in plans.StrategicArea.objects.filter(version=version)
    ]
    return Node("body", version.cycle.body.name, None, areas)


def organisation_tree(version: plans.PlanVersion) -> Node:
    """Body → Areas → Offices, each holding the objectives it owns (leaves read ``op:``)."""
    body = version.cycle.body
    objectives = list(
        plans.OperationalObjective.objects.filter(version=version).prefetch_related("offices")
    )
    units = list(body.org_units.all())
    office_ids = {o.pk: {u.pk for u in o.offices.all()} for o in objectives}

    def owned(unit: plans.OrgUnit) -> list[Node]:
        if unit.kind == plans.OrgUnit.Kind.AREA:
            mine = [o for o in objectives if o.area_id == unit.pk]
        else:
            mine = [o for o in objectives if unit.pk in office_ids[o.pk]]
        return [Node(f"unit:{unit.pk}/{o.code}", f"{o.code} {o.title}", None, source=f"op:{o.code}")
                for o in mine]

    areas = []
    for area in (u for u in units if u.kind == plans.OrgUnit.Kind.AREA):
        offices = [
            Node(f"unit:{office.pk}", office.name, None, owned(office))
            for office in units if office.parent_id == area.pk
        ]
        children = [o for o in offices if o.children] + owned(area)
        if children:
            areas.append(Node(f"unit:{area.pk}", area.name, None, children))
    transversal = [
        Node(f"body/{o.code}", f"{o.code} {o.title}", None, source=f"op:{o.code}")
        for o in objectives if o.transversal and o.area_id is None
    ]
    return Node("organisation", body.name, None, areas + transversal)


def _weight(weight: Any) -> float | None:
    return None if weight is None else float(weight)


@dataclass
class Computed:
    inputs: Inputs
    computation: BodyComputation
    organisation: dict[str, Explanation]


def compute(period: Period, version: plans.PlanVersion | None = None,
            rules: ScoringRules | None = None) -> Computed:
    inputs = load_inputs(period, version)
    if rules is not None:
        inputs.rules = rules
    computation = BodyComputation(inputs.specs, inputs.strategy, inputs.rules)
    strategy = computation.compute(inputs.values, inputs.previous, inputs.reasons)
    organisation = Rollup(inputs.organisation).compute(strategy)
    return Computed(inputs, computation, organisation)


def projection(period: Period, indicator: plans.Indicator, value: float | None) -> float | None:
    """Year-end projection at an interim period: pro rata for cumulative figures, the last
    value for stock figures and ratios."""
    if value is None or period.year_end:
        return value
    if indicator.accumulation == plans.Accumulation.CUMULATIVE:
        start = date(period.date.year, 1, 1)
        elapsed = (period.date - start).days + 1
        days = (date(period.date.year, 12, 31) - start).days + 1
        return value * days / elapsed
    return value


@transaction.atomic
def store_results(period: Period, user: Any = None, reason: str = "",
                  new_set: bool = False, rules: ScoringRules | None = None) -> ResultSet:
    """Compute the period and write its current result set, changed rows only.

    ``new_set`` (an explicit, audited recompute, e.g. with new rules after validation) keeps
    the old set as history and writes a fresh one.
    """
    locks.results_of(period.pk)
    current = ResultSet.objects.filter(period=period, current=True).first()
    if current is not None and current.frozen and not new_set:
        return current  # validated: results do not move with later plan or rule changes
    computed = compute(period, rules=rules)
    rules_used = rules_to_dict(computed.inputs.rules)
    # A set holds the figures of one plan version under one set of rules: when either has
    # changed, the figures go into a new set and the old one stays as it was.
    moved = current is not None and (current.version_id != computed.inputs.version.pk
                                     or current.rules != rules_used)
    if current is None or new_set or moved:
        if current is not None:
            current.current = False
            current.save(update_fields=["current"])
            if moved and not reason:
                reason = _why_new(current, computed.inputs.version)
        current = ResultSet.objects.create(
            period=period, version=computed.inputs.version, rules=rules_used,
            created_by=user, reason=reason[:300],
        )
    _write_indicators(current, period, computed)
    _write_nodes(current, computed)
    return current


def is_stale(result_set: ResultSet) -> bool:
    """Whether the set was computed under a plan version or rules no longer in force."""
    cycle = result_set.period.cycle
    version = cycle.current_version()
    return (version is not None and result_set.version_id != version.pk) or (
        result_set.rules != rules_to_dict(cycle.body.rules()))


def _why_new(previous: ResultSet, version: plans.PlanVersion) -> str:
    if previous.version_id != version.pk:
        return f"nuova versione del piano in vigore: {version}"
    return "nuove regole SMVP dell'ente"


def _write_indicators(result_set: ResultSet, period: Period, computed: Computed) -> None:
    stored = {r.indicator_id: r for r in result_set.indicators.all()}
    creates, updates = [], []
    for key, outcome in computed.computation.state.results.items():
        indicator = computed.inputs.indicators[int(key)]
        explained = computed.computation.explain(key)
        spec = computed.computation.indicators[key]
        projected = projection(period, indicator, outcome.value)
        projected_achievement = None
        if projected is not None and not period.year_end:
            try:
                projected_achievement = score(typed_like(projected, spec.target.value),
                                              spec.target, spec.unit, computed.inputs.rules)
            except ValueError:
                projected_achievement = None
        fields = {
            "value": outcome.value, "display": outcome.display[:60],
            "achievement": outcome.achievement, "projection": projected,
            "projected_achievement": projected_achievement,
            "at_risk": projected_achievement is not None and projected_achievement < 1,
            "error": outcome.reason[:300], "how": explained.how[:500],
        }
        row = stored.get(indicator.pk)
        if row is None:
            creates.append(IndicatorResult(result_set=result_set, indicator=indicator, **fields))
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            updates.append(row)
    IndicatorResult.objects.bulk_create(creates)
    IndicatorResult.objects.bulk_update(updates, list(RESULT_FIELDS))


RESULT_FIELDS = ("value", "display", "achievement", "projection", "projected_achievement",
                 "at_risk", "error", "how")


def _write_nodes(result_set: ResultSet, computed: Computed) -> None:
    stored = {(r.tree, r.key): r for r in result_set.nodes.all()}
    creates, updates = [], []
    trees = (
        (NodeResult.Tree.STRATEGY, computed.computation.rollup.results),
        (NodeResult.Tree.ORGANISATION, computed.organisation),
    )
    for tree, results in trees:
        for key, explanation in results.items():
            fields = {"label": explanation.label[:400], "achievement": explanation.achievement,
                      "explanation": explanation_data(explanation)}
            row = stored.get((tree, key))
            if row is None:
                creates.append(NodeResult(result_set=result_set, tree=tree, key=key, **fields))
            elif row.achievement != fields["achievement"] or row.explanation != fields[
                "explanation"
            ]:
                row.label, row.achievement = fields["label"], fields["achievement"]
                row.explanation = fields["explanation"]
                updates.append(row)
    NodeResult.objects.bulk_create(creates)
    NodeResult.objects.bulk_update(updates, ["label", "achievement", "explanation"])


def explanation_data(explanation: Explanation) -> dict[str, Any]:
    """The "why 87%?" of a node as stored JSON: parts, weights, what was left out and why."""
    return {
        "text": explanation.text(),
        "notes": list(explanation.notes),
        "parts": [
            {"key": p.key, "label": p.label, "weight": p.weight, "share": p.share,
             "achievement": p.achievement, "value": p.value, "left_out": p.left_out}
            for p in explanation.parts
        ],
    }

