"""One body's figures for one period: formulas → achievements → roll-up, and incremental redo.

Data flows one way: variables feed indicator formulas, formulas give values, values are
scored against targets, scores roll up the tree. A formula may read another node's
achievement (``achievement("01_01_02")``), so those indicators are evaluated after the nodes
they read, in dependency order; a circular reference becomes an error value on the indicators
involved and the rest of the body is computed as usual.
"""

from __future__ import annotations

import graphlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date

from .formula import Formula, FormulaError, find_cycles
from .rollup import Explanation, Node, Rollup
from .scoring import DEFAULT_RULES, ScoringError, ScoringRules, explain_score, score
from .values import Kind, Target, Value, format_value

__all__ = ["BodyComputation", "IndicatorResult", "IndicatorSpec"]


@dataclass(frozen=True, slots=True)
class IndicatorSpec:
    key: str  # unique in the body; the leaf key in the tree
    formula: Formula
    target: Target
    unit: str = ""
    label: str = ""


@dataclass(frozen=True, slots=True)
class IndicatorResult:
    key: str
    value: float | None
    achievement: float | None
    actual: Value | None  # the value typed as the target; None when the formula failed
    error: str = ""  # Italian; formula errors and values that do not fit the target
    how: str = ""  # how the achievement came about, filled by explain()
    missing: str = ""  # why the value is not available, from the inputs' reasons

    @property
    def display(self) -> str:
        """The value as a document shows it; formatted on demand, not for every computation."""
        actual = self.actual
        if actual is None:
            return "errore"
        if actual.number is not None and actual.kind in (Kind.NUMBER, Kind.MONEY, Kind.PERCENT):
            scale = 100 if actual.kind is Kind.PERCENT else 1
            actual = replace(actual, decimals=_display_decimals(actual.number * scale))
        return format_value(actual)

    @property
    def reason(self) -> str:
        return self.error or self.missing


@dataclass
class _State:
    values: dict[str, float | None]
    previous: Mapping[str, float | None]
    reasons: dict[str, str] = field(default_factory=dict)
    results: dict[str, IndicatorResult] = field(default_factory=dict)


class _Env:
    """The formula's view of one period: variables, last year's values, node achievements."""

    __slots__ = ("_computation",)

    def __init__(self, computation: BodyComputation) -> None:
        self._computation = computation

    def value(self, name: str) -> float | None:
        return self._computation.state.values[name]

    def previous(self, name: str) -> float | None:
        return self._computation.state.previous[name]

    def achievement(self, code: str) -> float | None:
        return self._computation.node_achievement(code)


class BodyComputation:
    """The computed state of one body in one period, kept up to date value by value."""

    def __init__(
        self,
        indicators: Sequence[IndicatorSpec],
        tree: Node,
        rules: ScoringRules = DEFAULT_RULES,
        codes: Mapping[str, str] | None = None,
    ) -> None:
        """``codes`` maps the codes formulas write (``achievement("01_01_02")``) to the keys
        of ``tree``'s nodes, when these differ (a stored tree keys nodes by level too)."""
        self.indicators = {spec.key: spec for spec in indicators}
        self._codes = dict(codes or {})
        self.rules = rules
        self.rollup = Rollup(tree)
        self.state = _State({}, {})
        self._env = _Env(self)
        self._users: dict[str, list[str]] = {}  # variable → indicators reading it
        for spec in indicators:
            for name in spec.formula.variables | spec.formula.previous_variables:
                self._users.setdefault(name, []).append(spec.key)
        self._referrers, self._order, self._cyclic = self._plan_references(indicators)

    # -- dependency planning -------------------------------------------------------------

    def _plan_references(
        self, indicators: Sequence[IndicatorSpec]
    ) -> tuple[dict[str, list[str]], list[str], set[str]]:
        """Order the indicators that read node achievements; find the circular ones.

        Indicator I depends on J when J sits under a node that I reads; I reading a node
        above itself (directly or through others) is a cycle.
        """
        referrers: dict[str, list[str]] = {}
        reading = {s.key for s in indicators if s.formula.node_refs}
        graph: dict[str, set[str]] = {}
        for key in reading:
            nodes = {self._codes.get(c, c) for c in self.indicators[key].formula.node_refs}
            for node in nodes:
                referrers.setdefault(node, []).append(key)
            graph[key] = {k for n in nodes for k in self.rollup.sources_under(n) if k in reading}
        cyclic = {key for group in find_cycles(graph) for key in group}
        sorter = graphlib.TopologicalSorter(
            {k: deps - cyclic for k, deps in graph.items() if k not in cyclic}
        )
        return referrers, list(sorter.static_order()), cyclic

    # -- computing -----------------------------------------------------------------------

    def compute(
        self,
        values: Mapping[str, float | None],
        previous: Mapping[str, float | None] | None = None,
        reasons: Mapping[str, str] | None = None,
    ) -> dict[str, Explanation]:
        """Compute everything for a period's variable values; returns the node explanations.

        ``reasons`` says why a variable is None ("nessun valore rilevato", "n.d.: …"), so a
        left-out indicator is explained by its inputs.
        """
        self.state = _State(dict(values), previous or {}, dict(reasons or {}))
        ordered = set(self._order)
        for key, spec in self.indicators.items():
            if key not in ordered:
                self._store(self._evaluate(spec))
        self.rollup.compute(self.state.results)
        self._follow(ordered)
        return self.rollup.results

    def update(self, name: str, value: float | None, reason: str | None = None) -> set[str]:
        """One variable changed: redo the indicators reading it and what they feed.

        ``reason``, when given, replaces why the variable is None, as in ``compute`` ("" when
        it is not). Returns the keys of the indicators and nodes recomputed.
        """
        self.state.values[name] = value
        if reason:
            self.state.reasons[name] = reason
        elif reason is not None:
            self.state.reasons.pop(name, None)
        keys = self._users.get(name, [])
        for key in keys:
            self._store(self._evaluate(self.indicators[key]))
        nodes = self.rollup.update(self.state.results, keys)
        return set(keys) | nodes | self._follow(self._readers_of(nodes))

    def readers(self, name: str) -> list[str]:
        """The indicators whose formula reads the variable ``name`` (this year or last)."""
        return list(self._users.get(name, ()))

    def _follow(self, affected: set[str]) -> set[str]:
        """Redo, in dependency order, the node-reading indicators whose inputs moved."""
        touched: set[str] = set()
        for key in self._order:
            if key in affected:
                self._store(self._evaluate(self.indicators[key]))
                nodes = self.rollup.update(self.state.results, [key])
                touched |= nodes | {key}
                affected |= self._readers_of(nodes)
        return touched

    def _readers_of(self, nodes: Iterable[str]) -> set[str]:
        return {r for code in nodes for r in self._referrers.get(code, ())}

    def _store(self, result: IndicatorResult) -> None:
        self.state.results[result.key] = result

    def _evaluate(self, spec: IndicatorSpec) -> IndicatorResult:
        if spec.key in self._cyclic:
            return IndicatorResult(spec.key, None, None, None, "riferimento circolare")
        outcome = spec.formula.evaluate(self._env)
        if isinstance(outcome, FormulaError):
            return IndicatorResult(spec.key, None, None, None, outcome.reason)
        actual = typed_like(outcome, spec.target.value)
        try:
            achieved = score(actual, spec.target, spec.unit, self.rules)
        except ScoringError as error:
            return IndicatorResult(spec.key, outcome, None, actual, str(error))
        missing = "" if outcome is not None else self._missing(spec)
        return IndicatorResult(spec.key, outcome, achieved, actual, missing=missing)

    def _missing(self, spec: IndicatorSpec) -> str:
        values, reasons = self.state.values, self.state.reasons
        found = sorted({reasons[name] for name in spec.formula.variables
                        if values.get(name) is None and name in reasons})
        return "; ".join(found)

    def node_achievement(self, code: str) -> float | None:
        code = self._codes.get(code, code)
        explanation = self.rollup.results.get(code)
        if explanation is None:
            if not self.rollup.has(code):
                raise KeyError(code)
            return None
        return explanation.achievement

    def explain(self, key: str) -> IndicatorResult:
        """An indicator's result with the sentence saying how its achievement came about."""
        result = self.state.results[key]
        spec = self.indicators[key]
        if result.error or result.actual is None:
            return result
        how = explain_score(result.actual, spec.target, spec.unit, self.rules)
        return IndicatorResult(key, result.value, result.achievement, result.actual, "", how)


def typed_like(number: float | None, template: Value) -> Value:
    """A computed number dressed as the target's kind, so dates and yes/no score as such."""
    if number is None:
        return _NOT_AVAILABLE
    kind = template.kind
    if kind in _PLAIN_KINDS:
        return Value(kind if kind is not Kind.FRACTION else Kind.NUMBER, number)
    if kind is Kind.DATE and 1 <= number <= _LAST_DAY:
        return Value(Kind.DATE, number, day=date.fromordinal(int(number)))
    if kind is Kind.ORDINAL:
        level = max(0, min(len(template.scale) - 1, round(number)))
        return Value(Kind.ORDINAL, float(level), level=level, scale=template.scale)
    if kind is Kind.BOOLEAN or kind is Kind.DONE:
        return Value(kind, 1.0 if number else 0.0)
    return Value(Kind.NUMBER, number)  # e.g. a number where a date was due: scoring says so


_NOT_AVAILABLE = Value(Kind.NOT_AVAILABLE)
_PLAIN_KINDS = frozenset({Kind.NUMBER, Kind.PERCENT, Kind.MONEY, Kind.FRACTION})
_LAST_DAY = date.max.toordinal()


def _display_decimals(number: float) -> int:
    """As few decimals as the figure needs, at most two: 2,3 not 2,30; 0,29 not 0,2857."""
    text = f"{number:.2f}".rstrip("0")
    return len(text.partition(".")[2])
