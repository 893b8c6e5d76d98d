"""From the database to the engine and back: a period's results, stored and explained.

A period is computed in full (its plan and values read, everything scored, the changed rows
written) the first time a process writes it; the process then keeps the computation
(``live``), and each later write only brings it up to the stored inputs: a value typed by an
office re-scores its indicator, the indicators reading it and the nodes above them, and
writes those rows. Validated (frozen) result sets are never touched here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import connection, transaction
from django.db.models import F, Subquery

from performa.engine.compute import BodyComputation, IndicatorSpec, typed_like
from performa.engine.formula import FormulaSyntaxError, parse
from performa.engine.rollup import Explanation, Node, Rollup
from performa.engine.scoring import ScoringRules, rules_from_dict, rules_to_dict, score
from performa.engine.values import NOT_AVAILABLE, Comparator, Target, ValueParseError, parse_target
from performa.plans import models as plans

from . import live, locks
from .models import (
    IndicatorResult,
    InputsRevision,
    MeasuredValue,
    NodeResult,
    Period,
    ResourceUse,
    ResultSet,
)

# Names the engine reads for an objective's budget, so "Grado di utilizzo delle risorse" is
# computed from the budget and the spending recorded, not typed twice.
RESOURCE_USE_NAMES = ("grado di utilizzo delle risorse",)
NOT_MEASURED = "nessun valore rilevato"
NOT_SCHEDULED = "#non previsto"  # stands for an indicator the plan does not measure now


def direct_name(indicator: plans.Indicator) -> str:
    """The engine's name for a directly measured indicator: its identity across versions."""
    return lineage_name(indicator.lineage)


def lineage_name(lineage: Any) -> str:
    return f"#{lineage}"


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
    names: list[str]  # the variables the cycle declares and the formulas read
    budgets: dict[str, tuple[int, float]]  # objective code → (pk, resources allocated)
    variables: dict[int, str]  # variable pk → name
    direct: dict[int, str]  # indicator pk → its engine name (direct_name)


def load_inputs(period: Period, version: plans.PlanVersion | None = None) -> Inputs:
    cycle = period.cycle
    version = version or cycle.current_version()
    if version is None:
        raise ValueError(f"Nessun piano adottato per {cycle}.")
    indicators = {
        i.pk: i for i in plans.Indicator.objects.filter(version=version)
        .select_related("operational_objective").prefetch_related("targets")
    }
    variables = dict(cycle.variables.values_list("pk", "name"))
    variable_names = list(variables.values())
    specs = [_spec(i, period, variable_names) for i in indicators.values()]
    names = [*variable_names, *(n for spec in specs for n in spec.formula.variables)]
    budgets = {
        o.code: (o.pk, float(o.resources_amount))
        for o in plans.OperationalObjective.objects.filter(version=version)
        if o.resources_amount is not None
    }
    direct = {pk: direct_name(i) for pk, i in indicators.items()}
    values, reasons = measured(period, names, budgets, variables, direct)
    return Inputs(
        version=version, indicators=indicators, specs=specs,
        strategy=strategy_tree(version, indicators.values()),
        organisation=organisation_tree(version), values=values,
        previous=previous_year(cycle), rules=cycle.body.rules(), reasons=reasons,
        names=names, budgets=budgets, variables=variables, direct=direct,
    )


def measured(period: Period, names: Iterable[str], budgets: dict[str, tuple[int, float]],
             variables: dict[int, str], direct: dict[int, str],
             ) -> tuple[dict[str, float | None], dict[str, str]]:
    """The period's inputs as stored — values typed, n.d. with their reasons, spending against
    budget — and why each missing one is missing.

    Read by the full computation and, to catch up with other writers, by the kept one
    (``live``): one reading, so both see the same inputs.
    """
    values: dict[str, float | None] = {}
    reasons: dict[str, str] = {}
    # One table, no join: run at every write, it is the largest read of a typed value.
    rows = list(MeasuredValue.objects.filter(period=period).order_by().values_list(
        "variable_id", "indicator_id", "number", "not_available_reason"))
    # A value not typed since an amendment still points to the older version's indicator:
    # its name comes from its lineage, which the new version shares.
    older = {pk for _, pk, _, _ in rows if pk is not None and pk not in direct}
    if older:
        direct = {**direct, **{pk: lineage_name(lineage) for pk, lineage in
                               plans.Indicator.objects.filter(pk__in=older)
                               .values_list("pk", "lineage")}}
    for variable, indicator, number, why in rows:
        name = variables[variable] if variable is not None else direct[indicator]
        values[name] = number
        if number is None:
            reasons[name] = f"n.d.: {why}"
    values[NOT_SCHEDULED] = None
    reasons[NOT_SCHEDULED] = f"non previsto nella rilevazione al {period.date:%d/%m}"
    for name in names:
        if name not in values:
            values[name] = None
            reasons[name] = NOT_MEASURED
    # Spending follows the objective's code across amendments, like values follow lineage.
    used = dict(ResourceUse.objects.filter(period=period).order_by()
                .values_list("objective__code", "used"))
    for code, (pk, allocated) in budgets.items():
        values[budget_name(pk)] = allocated
        values[used_name(pk)] = float(used[code]) if code in used else None
        if code not in used:
            reasons[used_name(pk)] = "risorse utilizzate non ancora registrate"
    return values, reasons


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
    row = indicator.target_for(year)
    if row is not None:
        try:
            target = parse_target(row.value, indicator.unit, row.comparator or indicator.comparator)
        except ValueParseError:
            pass  # an unreadable target scores n.d.; the plan's validation names it
    return IndicatorSpec(str(indicator.pk), formula, target, indicator.unit, indicator.name)


def previous_year(cycle: plans.Cycle) -> dict[str, float | None]:
    """Last year's final values of the variables, for formulas reading ``previous("x")``."""
    period = Period.objects.filter(
        cycle__body_id=cycle.body_id, cycle__year=cycle.year - 1
    ).order_by("-date").first()
    if period is None:
        return {}
    return dict(MeasuredValue.objects.filter(period=period, variable__isnull=False)
                .values_list("variable__name", "number"))


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


def node_codes(tree: Node) -> dict[str, str]:
    """The plan's codes formulas name (``achievement("01_01_02")``) → the strategy tree's keys
    (``op:01_01_02``), which carry the level because a stored key must say what it is."""
    codes: dict[str, str] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        level, _, code = node.key.partition(":")
        if code and level in ("area", "so", "op"):
            codes.setdefault(code, node.key)
        stack.extend(node.children)
    return codes


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
    organisation_rollup: Rollup

    @property
    def organisation(self) -> dict[str, Explanation]:
        return self.organisation_rollup.results


def compute(period: Period, version: plans.PlanVersion | None = None,
            rules: ScoringRules | None = None) -> Computed:
    inputs = load_inputs(period, version)
    if rules is not None:
        inputs.rules = rules
    computation = BodyComputation(inputs.specs, inputs.strategy, inputs.rules,
                                  node_codes(inputs.strategy))
    strategy = computation.compute(inputs.values, inputs.previous, inputs.reasons)
    organisation = Rollup(inputs.organisation)
    organisation.compute(strategy)
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


def store_results(period: Period, user: Any = None, reason: str = "",
                  new_set: bool = False, rules: ScoringRules | None = None) -> ResultSet:
    """Compute the period and write its current result set, changed rows only.

    ``new_set`` (an explicit, audited recompute, e.g. with new rules after validation) keeps
    the old set as history and writes a fresh one.
    """
    return update_results(period, user, reason, new_set, rules)[0]


# No savepoint of its own: a write calling it fails as a whole anyway, and on PostgreSQL
# each savepoint is two more round trips on the path of every typed value.
@transaction.atomic(savepoint=False)
def update_results(period: Period, user: Any = None, reason: str = "",
                   new_set: bool = False, rules: ScoringRules | None = None,
                   ) -> tuple[ResultSet, Computed | None]:
    """``store_results``, also giving the computation the set now holds (None for a
    validated set, which is not recomputed).

    When this process kept the period's computation from an earlier write (``live``), only
    what the inputs changed since is re-scored and written: a typed value rewrites its
    indicator, the indicators reading it and the nodes above them. Otherwise the whole period
    is computed and its changed rows written.
    """
    locks.results_of(period.pk)
    # One read for the current set and what says whether a kept computation still holds for
    # it (the body's rules and revision, the plan version in force), made before the plan and
    # values are read: a change committed in between shows as a newer revision next time,
    # never as a kept computation that missed it.
    in_force = plans.PlanVersion.objects.filter(
        cycle_id=period.cycle_id, status=plans.PlanVersion.Status.ADOPTED,
    ).order_by("-number").values("pk")[:1]
    current = ResultSet.objects.filter(period=period, current=True).order_by("-pk").annotate(
        body_rules=F("period__cycle__body__scoring_rules"),
        inputs_revision=F("period__cycle__body__inputs_revision__revision"),
        in_force=Subquery(in_force),
    ).first()
    if current is not None and current.frozen and not new_set:
        return current, None  # validated: results do not move with later plan or rule changes
    if current is not None and not new_set and rules is None:
        kept = _catch_up(period, current)
        if kept is not None:
            return current, kept
    revision = current.inputs_revision if current is not None else \
        InputsRevision.objects.filter(body__cycles=period.cycle_id).values_list(
            "revision", flat=True).first()
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
    live.keep(period.pk, live.Kept(
        (current.pk, current.created_at, revision or 0), computed,
        {str(i): pk for i, pk in current.indicators.values_list("indicator_id", "pk")},
        {(t, k): pk for t, k, pk in current.nodes.values_list("tree", "key", "pk")},
    ))
    return current, computed


def _catch_up(period: Period, result_set: Any) -> Computed | None:
    """Bring the kept computation of the period up to its stored inputs and write what moved;
    None when there is none that a full computation would agree with.

    ``result_set`` is the current set as ``update_results`` reads it, with the body's rules
    and revision and the plan version in force."""
    stamp = (result_set.pk, result_set.created_at, result_set.inputs_revision or 0)
    kept = live.find(period.pk, stamp)
    if kept is None or _outdated(result_set, result_set.in_force, result_set.body_rules):
        return None
    computed = kept.computed
    computation = computed.computation
    state = computation.state
    if any(spec.formula.previous_variables for spec in computed.inputs.specs) and \
            previous_year(period.cycle) != state.previous:
        return None
    inputs = computed.inputs
    values, reasons = measured(period, inputs.names, inputs.budgets, inputs.variables,
                               inputs.direct)
    changed = [name for name in values.keys() | state.values.keys()
               if values.get(name) != state.values.get(name)
               or reasons.get(name) != state.reasons.get(name)]
    live.changing(kept)
    touched: set[str] = set()
    for name in changed:
        touched |= computation.update(name, values.get(name), reasons.get(name, ""))
    moved = {NodeResult.Tree.STRATEGY: touched,
             NodeResult.Tree.ORGANISATION: computed.organisation_rollup.update(
                 computation.rollup.results, touched)}
    try:
        _update_rows(IndicatorResult, RESULT_FIELDS, [
            (kept.indicator_rows[key], indicator_fields(period, computed, key))
            for key in touched if key in computation.indicators
        ])
        _update_rows(NodeResult, NODE_FIELDS, [
            (kept.node_rows[tree, key], node_fields(results[key]))
            for tree, results in node_trees(computed) for key in moved[tree] if key in results
        ])
    except KeyError:  # a row the set lacks: let the full computation create it
        live.forget(period.pk)
        return None
    return computed


def _update_rows(model: Any, names: Iterable[str], rows: list[tuple[int, dict[str, Any]]],
                 ) -> None:
    """One ``UPDATE … WHERE id = %s`` run for every row.

    Not ``bulk_update``: it builds a CASE over every row and field, which costs more than the
    whole rest of a typed value's update for the dozen rows one value moves.
    """
    if not rows:
        return
    fields = [model._meta.get_field(name) for name in names]
    quote = connection.ops.quote_name
    columns = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (f"UPDATE {quote(model._meta.db_table)} SET {columns} "  # noqa: S608 (names only)
           f"WHERE {quote(model._meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.executemany(sql, [
            [field.get_db_prep_save(values[field.name], connection) for field in fields] + [pk]
            for pk, values in rows
        ])


def is_stale(result_set: ResultSet) -> bool:
    """Whether the set was computed under a plan version or rules no longer in force."""
    cycle = result_set.period.cycle
    version = cycle.current_version()
    return _outdated(result_set, version.pk if version else None, cycle.body.scoring_rules)


def _outdated(result_set: ResultSet, in_force: int | None, body_rules: dict[str, Any]) -> bool:
    """The set's plan version or rules are not those in force (no version adopted: only the
    rules count)."""
    return (in_force is not None and result_set.version_id != in_force) or (
        result_set.rules != rules_to_dict(rules_from_dict(body_rules)))


def _why_new(previous: ResultSet, version: plans.PlanVersion) -> str:
    if previous.version_id != version.pk:
        return f"nuova versione del piano in vigore: {version}"
    return "nuove regole SMVP dell'ente"


def indicator_fields(period: Period, computed: Computed, key: str) -> dict[str, Any]:
    """One indicator's stored result: value, achievement, year-end projection, why."""
    outcome = computed.computation.state.results[key]
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
    return {
        "value": outcome.value, "display": outcome.display[:60],
        "achievement": outcome.achievement, "projection": projected,
        "projected_achievement": projected_achievement,
        "at_risk": projected_achievement is not None and projected_achievement < 1,
        "error": outcome.reason[:300], "how": explained.how[:500],
    }


def node_fields(explanation: Explanation) -> dict[str, Any]:
    return {"label": explanation.label[:400], "achievement": explanation.achievement,
            "explanation": explanation_data(explanation)}


def node_trees(computed: Computed) -> tuple[tuple[str, dict[str, Explanation]], ...]:
    return (
        (NodeResult.Tree.STRATEGY, computed.computation.rollup.results),
        (NodeResult.Tree.ORGANISATION, computed.organisation),
    )


RESULT_FIELDS = ("value", "display", "achievement", "projection", "projected_achievement",
                 "at_risk", "error", "how")
NODE_FIELDS = ("label", "achievement", "explanation")


def _write_indicators(result_set: ResultSet, period: Period, computed: Computed) -> None:
    stored = {r.indicator_id: r for r in result_set.indicators.all()}
    creates, updates = [], []
    for key in computed.computation.state.results:
        fields = indicator_fields(period, computed, key)
        row = stored.get(int(key))
        if row is None:
            creates.append(IndicatorResult(result_set=result_set, indicator_id=int(key),
                                           **fields))
        elif any(getattr(row, name) != value for name, value in fields.items()):
            for name, value in fields.items():
                setattr(row, name, value)
            updates.append(row)
    IndicatorResult.objects.bulk_create(creates)
    IndicatorResult.objects.bulk_update(updates, list(RESULT_FIELDS))


def _write_nodes(result_set: ResultSet, computed: Computed) -> None:
    stored = {(r.tree, r.key): r for r in result_set.nodes.all()}
    creates, updates = [], []
    for tree, results in node_trees(computed):
        for key, explanation in results.items():
            fields = node_fields(explanation)
            row = stored.get((tree, key))
            if row is None:
                creates.append(NodeResult(result_set=result_set, tree=tree, key=key, **fields))
            elif any(getattr(row, name) != value for name, value in fields.items()):
                for name, value in fields.items():
                    setattr(row, name, value)
                updates.append(row)
    NodeResult.objects.bulk_create(creates)
    NodeResult.objects.bulk_update(updates, list(NODE_FIELDS))


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

