"""The formula tree compiled once into nested closures, the engine's hot path.

Separate because it is tuned for speed rather than for reading (flat chains, two-operand
fast paths, no helper calls on the common path) and holds the evaluation semantics: n.d.
propagation, three-valued logic, tolerant equality, errors as values.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from decimal import Decimal
from typing import Final

from .printer import format_node
from .syntax import Ach, Call, Chain, Cmp, Logic, Neg, Node, Not, Num, Prev, Var
from .types import Env, FormulaError, excerpt

EQUALITY_REL_TOL: Final = 1e-9
EQUALITY_ABS_TOL: Final = 1e-12
"""Comparisons treat numbers this close as equal, as users expect ``0.1 + 0.2 = 0.3`` to hold."""


_Result = float | None | FormulaError
_Fn = Callable[[Env], _Result]


# Every compiled function returns float, None (n.d.) or FormulaError. Invariants that keep the
# closures short: floats flowing between closures are finite; an error met first (left to
# right) wins over n.d.; n.d. wins over division by zero.


def _first_problem(x: _Result, y: _Result) -> _Result:
    if isinstance(x, FormulaError):
        return x
    if isinstance(y, FormulaError):
        return y
    return None


def _coerce(v: object, label: str) -> _Result:
    """Slow path for env values that are not plain floats (int, bool, Decimal, junk)."""
    if v is None or isinstance(v, FormulaError):
        return v
    if isinstance(v, (int, float, Decimal)) or hasattr(v, "__float__"):
        try:
            f = float(v)
        except (TypeError, ValueError, OverflowError):
            f = math.nan
        if math.isfinite(f):
            return f
        return FormulaError("invalid_argument", f"valore non valido per {label}: {v!r:.40}")
    return FormulaError("invalid_argument", f"valore non numerico per {label}: {v!r:.40}")


def _compile_read(
    getter: Callable[[Env, str], float | None], key: str, label: str, missing: FormulaError
) -> _Fn:
    def read(env: Env) -> _Result:
        try:
            v = getter(env, key)
        except KeyError:
            return missing
        if v.__class__ is float:
            if v - v == 0.0:  # finite: inf - inf and nan - nan are nan
                return v
        elif v is None:
            return None
        return _coerce(v, label)

    return read


def _get_previous(env: Env, name: str) -> float | None:
    return env.previous(name)


def _get_achievement(env: Env, code: str) -> float | None:
    return env.achievement(code)


def compile_node(node: Node) -> _Fn:
    if isinstance(node, Num):
        value = node.value

        def const(env: Env) -> _Result:
            return value

        return const
    if isinstance(node, Var):
        name = node.name
        label = f"«{name}»"
        missing = FormulaError("unknown_variable", f"variabile sconosciuta «{name}»")
        return _compile_var(name, label, missing)
    if isinstance(node, Prev):
        return _compile_read(
            _get_previous,
            node.name,
            f"«{node.name}» dell'anno precedente",
            FormulaError(
                "unknown_variable", f"variabile sconosciuta «{node.name}» (anno precedente)"
            ),
        )
    if isinstance(node, Ach):
        return _compile_read(
            _get_achievement,
            node.code,
            f"il raggiungimento di «{node.code}»",
            FormulaError("unknown_node", f"obiettivo sconosciuto «{node.code}»"),
        )
    if isinstance(node, Neg):
        return _compile_neg(compile_node(node.operand))
    if isinstance(node, Not):
        return _compile_not(compile_node(node.operand))
    if isinstance(node, Chain):
        return _compile_chain(node)
    if isinstance(node, Logic):
        return _compile_logic(node.kind, [compile_node(t) for t in node.terms])
    if isinstance(node, Cmp):
        return _compile_cmp(node.op, compile_node(node.left), compile_node(node.right))
    return _compile_call(node)


def _compile_var(name: str, label: str, missing: FormulaError) -> _Fn:
    # The hottest closure of the engine: reads env.value directly, no helper call.
    def var(env: Env) -> _Result:
        try:
            v = env.value(name)
        except KeyError:
            return missing
        if v.__class__ is float:
            if v - v == 0.0:  # finite: inf - inf and nan - nan are nan
                return v
        elif v is None:
            return None
        return _coerce(v, label)

    return var


def _compile_neg(inner: _Fn) -> _Fn:
    def neg(env: Env) -> _Result:
        x = inner(env)
        return -x if isinstance(x, float) else x

    return neg


def _compile_not(inner: _Fn) -> _Fn:
    def not_(env: Env) -> _Result:
        x = inner(env)
        if isinstance(x, float):
            return 1.0 if x == 0.0 else 0.0
        return x

    return not_


_ErrorFactory = Callable[[], FormulaError]


# Error messages quote the formula's text; they are built only when the error happens, so that
# compiling (done for every formula of every body) formats nothing.
def _overflow(node: Node) -> _ErrorFactory:
    def make() -> FormulaError:
        return FormulaError(
            "overflow", f"risultato troppo grande in «{excerpt(format_node(node))}»"
        )

    return make


def _division_by_zero(node: Chain, upto: int) -> _ErrorFactory:
    def make() -> FormulaError:
        # The text up to the divisor, its end kept when long: that is where the zero is.
        prefix = format_node(Chain("mul", node.first, node.rest[: upto + 1]))
        if len(prefix) > 60:
            prefix = "…" + prefix[-59:]
        return FormulaError("division_by_zero", f"divisione per zero in «{prefix}»")

    return make


def _compile_chain(node: Chain) -> _Fn:
    overflow = _overflow(node)
    first = compile_node(node.first)
    if node.kind == "add":
        if len(node.rest) == 1:
            return _compile_add2(first, node.rest[0][0], compile_node(node.rest[0][1]), overflow)
        signs = tuple((op == "-", compile_node(t)) for op, t in node.rest)

        def add(env: Env) -> _Result:
            acc = first(env)
            if isinstance(acc, FormulaError):
                return acc
            for negative, fn in signs:
                y = fn(env)
                if isinstance(y, float):
                    if acc is not None:
                        acc = acc - y if negative else acc + y
                elif y is None:
                    acc = None
                else:
                    return y
            if acc is None or acc - acc == 0.0:
                return acc
            return overflow()

        return add

    steps = tuple(
        (op == "/", compile_node(term), _division_by_zero(node, i))
        for i, (op, term) in enumerate(node.rest)
    )
    if len(steps) == 1:
        return _compile_mul2(first, steps[0], overflow)

    def mul(env: Env) -> _Result:
        acc = first(env)
        if isinstance(acc, FormulaError):
            return acc
        for is_div, fn, division_by_zero in steps:
            y = fn(env)
            if isinstance(y, float):
                if acc is not None:
                    if is_div:
                        if y == 0.0:
                            return division_by_zero()
                        acc = acc / y
                    else:
                        acc = acc * y
            elif y is None:
                acc = None
            else:
                return y
        if acc is None or acc - acc == 0.0:
            return acc
        return overflow()

    return mul


def _compile_add2(left: _Fn, op: str, right: _Fn, overflow: _ErrorFactory) -> _Fn:
    if op == "+":

        def add2(env: Env) -> _Result:
            x = left(env)
            y = right(env)
            if isinstance(x, float) and isinstance(y, float):
                r = x + y
                return r if r - r == 0.0 else overflow()
            return _first_problem(x, y)

        return add2

    def sub2(env: Env) -> _Result:
        x = left(env)
        y = right(env)
        if isinstance(x, float) and isinstance(y, float):
            r = x - y
            return r if r - r == 0.0 else overflow()
        return _first_problem(x, y)

    return sub2


def _compile_mul2(left: _Fn, step: tuple[bool, _Fn, _ErrorFactory], overflow: _ErrorFactory) -> _Fn:
    is_div, right, division_by_zero = step
    if is_div:

        def div2(env: Env) -> _Result:
            x = left(env)
            y = right(env)
            if isinstance(x, float) and isinstance(y, float):
                if y == 0.0:
                    return division_by_zero()
                r = x / y
                return r if r - r == 0.0 else overflow()
            return _first_problem(x, y)

        return div2

    def mul2(env: Env) -> _Result:
        x = left(env)
        y = right(env)
        if isinstance(x, float) and isinstance(y, float):
            r = x * y
            return r if r - r == 0.0 else overflow()
        return _first_problem(x, y)

    return mul2


def _compile_logic(kind: str, terms: list[_Fn]) -> _Fn:
    # Three-valued (Kleene) logic with short-circuit, like if(): "false and n.d." is false.
    fns = tuple(terms)
    if kind == "and":

        def and_(env: Env) -> _Result:
            result: float | None = 1.0
            for fn in fns:
                v = fn(env)
                if isinstance(v, float):
                    if v == 0.0:
                        return 0.0
                elif v is None:
                    result = None
                else:
                    return v
            return result

        return and_

    def or_(env: Env) -> _Result:
        result: float | None = 0.0
        for fn in fns:
            v = fn(env)
            if isinstance(v, float):
                if v != 0.0:
                    return 1.0
            elif v is None:
                result = None
            else:
                return v
        return result

    return or_


def _close(x: float, y: float) -> bool:
    return x == y or math.isclose(x, y, rel_tol=EQUALITY_REL_TOL, abs_tol=EQUALITY_ABS_TOL)


_COMPARATORS: Final[dict[str, Callable[[float, float], bool]]] = {
    "=": _close,
    "!=": lambda x, y: not _close(x, y),
    ">": lambda x, y: x > y and not _close(x, y),
    "<": lambda x, y: x < y and not _close(x, y),
    ">=": lambda x, y: x > y or _close(x, y),
    "<=": lambda x, y: x < y or _close(x, y),
}


def _compile_cmp(op: str, left: _Fn, right: _Fn) -> _Fn:
    test = _COMPARATORS[op]

    def cmp(env: Env) -> _Result:
        x = left(env)
        y = right(env)
        if isinstance(x, float) and isinstance(y, float):
            return 1.0 if test(x, y) else 0.0
        return _first_problem(x, y)

    return cmp


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


def _total(values: list[float]) -> float:
    return sum(values, 0.0)


_REDUCERS: Final[dict[str, Callable[[list[float]], float]]] = {
    "min": min,
    "max": max,
    "sum": _total,
    "avg": _mean,
}


def _compile_call(node: Call) -> _Fn:
    args = tuple(compile_node(a) for a in node.args)
    func = node.func
    if func == "if":
        cond, then, other = args

        def if_(env: Env) -> _Result:
            c = cond(env)
            if isinstance(c, float):
                return then(env) if c != 0.0 else other(env)
            return c

        return if_
    if func == "abs":
        (inner,) = args

        def abs_(env: Env) -> _Result:
            x = inner(env)
            return abs(x) if isinstance(x, float) else x

        return abs_

    overflow = _overflow(node)
    reduce = _REDUCERS[func]

    def aggregate(env: Env) -> _Result:
        # Like a spreadsheet, n.d. arguments are skipped: "the mean of the objectives'
        # achievements" must not become n.d. because one objective was not measured.
        present: list[float] = []
        for fn in args:
            v = fn(env)
            if isinstance(v, float):
                present.append(v)
            elif v is not None:
                return v
        if not present:
            return None
        r = reduce(present)
        return r if r - r == 0.0 else overflow()

    return aggregate
