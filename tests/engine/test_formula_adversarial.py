"""Hostile and random input: the formula language must refuse cleanly or compute safely.

Whatever the text, ``parse`` returns a Formula or raises FormulaSyntaxError (never another
exception, a RecursionError or a hang), and ``Formula.evaluate`` returns a float, None or a
FormulaError (never raises), reading nothing but the three Env methods.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable
from decimal import Decimal
from types import FrameType

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from performa.engine.formula import (
    MAX_DEPTH,
    MAX_LENGTH,
    Formula,
    FormulaError,
    FormulaSyntaxError,
    MappingEnv,
    parse,
)

ERROR_CODES = {
    "unknown_variable",
    "division_by_zero",
    "cycle",
    "unknown_node",
    "invalid_argument",
    "overflow",
}


def outcome(text: str) -> Formula | FormulaSyntaxError:
    """Parse, turning the one allowed exception into a value; anything else fails the test."""
    try:
        return parse(text)
    except FormulaSyntaxError as exc:
        assert exc.text == text or not text.isascii()
        assert isinstance(exc.position, int) and exc.reason
        assert 0 <= exc.position <= len(exc.text)
        str(exc).encode("utf-8")  # the message can be logged and rendered as it is
        return exc


def assert_allowed_result(result: object) -> None:
    if isinstance(result, FormulaError):
        assert result.code in ERROR_CODES, result
        assert result.reason
    elif result is not None:
        assert type(result) is float, result
        assert math.isfinite(result), result


class SpyEnv:
    """Records every read; any other attribute access by the formula fails loudly."""

    __slots__ = ("reads",)

    def __init__(self) -> None:
        self.reads: list[tuple[str, str]] = []

    def value(self, name: str) -> float | None:
        self.reads.append(("value", name))
        raise KeyError(name)

    def previous(self, name: str) -> float | None:
        self.reads.append(("previous", name))
        raise KeyError(name)

    def achievement(self, code: str) -> float | None:
        self.reads.append(("achievement", code))
        raise KeyError(code)


# --------------------------------------------------------------------------- escape attempts

REFUSED = [
    "__import__('os')",
    "__import__('os').system('ls')",
    "eval('1+1')",
    "exec('import os')",
    "open('/etc/passwd')",
    "getattr(a, '__class__')",
    "compile('1', 'x', 'eval')",
    "globals()",
    "().__class__.__bases__[0].__subclasses__()",
    "a.__class__.__bases__[0]",
    "a.__class__()",
    "lambda: 1",
    "a if b else c",
    "1 if 1 else 0",
    "a\nimport os",
    "a; import os",
    "{}",
    "{{7*7}}",
    "${HOME}",
    "`ls`",
    "a # comment",
    "<script>alert(1)</script>",
    "'; DROP TABLE x; --",
    "f'{a}'",
    "b'x'",
    "a[0]",
    "a @ b",
    "a ** 2",
    "2 ** 99999",
    "9 ^ 9 ^ 9",
    "1e999999",
    "1E308 * 10",
    "0x10",
    "1_000",
    "a := 1",
    "a = b = c",
    "not",
    "(",
    ")",
    "a\x00",
    "\x00",
    "%",
]


@pytest.mark.parametrize("text", REFUSED)
def test_escape_attempts_are_syntax_errors(text: str) -> None:
    assert isinstance(outcome(text), FormulaSyntaxError)


HARMLESS_NAMES = [
    ("a.__class__", "a.__class__"),
    ("__builtins__", "__builtins__"),
    ("os.system", "os.system"),
    ("__import__", "__import__"),
    ("[__import__('os').system('rm -rf /')]", "__import__('os').system('rm -rf /')"),
    ("[x for x in a]", "x for x in a"),
    ("self.env.values", "self.env.values"),
]


@pytest.mark.parametrize(("text", "name"), HARMLESS_NAMES)
def test_python_looking_names_are_only_names(text: str, name: str) -> None:
    formula = parse(text)
    assert formula.variables == {name}
    env = SpyEnv()
    result = formula.evaluate(env)
    assert result == FormulaError("unknown_variable", f"variabile sconosciuta «{name}»")
    assert env.reads == [("value", name)]
    assert formula.evaluate(MappingEnv({name: 2.0})) == 2.0


def test_evaluation_reads_only_the_env_protocol() -> None:
    formula = parse('a + prev(b) + achievement("c") + if(d, e, f) + min(g, h)')
    env = SpyEnv()
    result = formula.evaluate(env)
    assert isinstance(result, FormulaError)
    # First error wins, left to right: nothing after ``a`` needs reading...
    assert env.reads[0] == ("value", "a")
    # ...and whatever was read went through value/previous/achievement only.
    assert {kind for kind, _ in env.reads} <= {"value", "previous", "achievement"}


# --------------------------------------------------------------------------- sizes and depths

LONG_OR_DEEP: list[tuple[str, bool]] = [  # (text, parses)
    ("(" * 10_000 + "a" + ")" * 10_000, False),
    ("(" * 999 + "a" + ")" * 999, False),
    ("(" * MAX_DEPTH + "a" + ")" * MAX_DEPTH, True),
    ("-" * 1999 + "a", False),
    ("-" * MAX_DEPTH + "a", True),
    ("not " * 499 + "a", False),
    ("min(" * 399 + "a" + ")" * 399, False),
    ("abs(" * 399 + "a" + ")" * 399, False),
    ("if(a, " * 150 + "a" + ", b)" * 150, False),
    ("[" * 1999, False),
    ("a" + ")" * 1999, False),
    ("a+" * 999 + "a", False),  # its canonical text, "a + a + …", would be too long
    ("a + " * 499 + "a", True),
    ("a * " * 499 + "a", True),
    ("a / " * 499 + "a", True),
    ("a ≥ 1 and " * 199, False),
    ("a - -" * 399 + "a", True),
    ("a and " * 333 + "a", True),
    ("a or " * 399 + "a", True),
    ("min(" + "a, " * 660 + "a)", True),
    ("a-" * 999 + "a", True),
    ("é" * MAX_LENGTH, True),
    ("9" * MAX_LENGTH, False),
    ("1" + "0" * 308, True),
    ("1" + "0" * 309, False),
    ("1" + ".000" * 400, False),
    ("0," + "0" * 1990 + "1", True),
    ("[" + "x" * 1998 + "]", True),
    ('achievement("' + "x" * 1980 + '")', True),
    ("a" * 10**6, False),
    ("(" * 10**6, False),
]


@pytest.mark.parametrize(("text", "parses"), LONG_OR_DEEP)
def test_long_and_deep_input_is_bounded(text: str, parses: bool) -> None:
    """Bounded in depth and length; how long these take is printed by bench/formula.py."""
    result = outcome(text)
    if parses:
        assert isinstance(result, Formula), result
        env = MappingEnv({"a": 1.5, "b": 2.0, "x" * 1998: 1.0}, {}, {"x" * 1980: 0.5})
        assert_allowed_result(result.evaluate(env))
        again = parse(str(result))
        assert again == result and hash(again) == hash(result)
    else:
        assert isinstance(result, FormulaSyntaxError), text[:50]


class CountingNames(frozenset[str]):
    """Known variable names that count how often the parser looks one up."""

    lookups = 0

    def __contains__(self, name: object) -> bool:
        type(self).lookups += 1
        return super().__contains__(name)


@pytest.mark.parametrize("pieces", [10, 100, 250])
def test_hyphen_splitting_stays_linear(pieces: int) -> None:
    """Work counted, not timed: a quadratic search would look names up ~pieces²/2 times."""
    CountingNames.lookups = 0
    known = CountingNames(f"v{i}" for i in range(pieces))
    formula = parse("-".join(sorted(known, key=lambda name: int(name[1:]))), known)
    assert len(formula.variables) == pieces
    assert CountingNames.lookups <= 10 * pieces


@pytest.mark.parametrize("free_frames", [400, 120, 40, 15])
def test_a_deep_caller_stack_never_leaks_recursion_error(free_frames: int) -> None:
    def depth() -> int:
        frame: FrameType | None = sys._getframe()
        n = 0
        while frame is not None:
            frame = frame.f_back
            n += 1
        return n

    results: list[object] = []

    def descend(levels: int) -> None:
        if levels > 0:
            descend(levels - 1)
            return
        nested = "(a + " * MAX_DEPTH + "b" + ")" * MAX_DEPTH
        parsed = outcome(nested)
        results.append(parsed)
        if isinstance(parsed, Formula):
            results.append(parsed.evaluate(MappingEnv({"a": 1.0, "b": 2.0})))

    descend(sys.getrecursionlimit() - depth() - free_frames)
    assert results
    assert isinstance(results[0], (Formula, FormulaSyntaxError))
    for result in results[1:]:
        assert_allowed_result(result)


# --------------------------------------------------------------------------- unicode tricks

UNICODE: list[tuple[str, str | None]] = [  # (text, the one variable it reads or None = refused)
    ("N_Imp\u200bAtt", None),  # zero-width space inside a name
    ("a\u202e + b", None),  # right-to-left override
    ("a\u2066b", None),  # bidi isolate
    ("a\u00ad", None),  # soft hyphen
    ("\ufeffN_ImprAtt", "N_ImprAtt"),  # byte-order mark from a file
    ("N_ImprAtt\u00a0*\u00a02", "N_ImprAtt"),  # no-break spaces
    ("a\u2028* 2", "a"),  # line separator is whitespace
    ("\u0430 + 1", "\u0430"),  # Cyrillic а: a different name, never the Latin a
    ("citta\u0300 * 2", "citt\u00e0"),  # decomposed accent is normalised
    ("\uff11\uff12", None),  # fullwidth digits
    ("\u0661 + 1", None),  # Arabic-Indic digit
    ("a\u00b2", None),  # superscript two
    ("x\u0301", None),  # combining mark with no composed form
    ("a \u2217 b", None),  # asterisk operator look-alike
    ("a \uff0f b", None),  # fullwidth solidus
    ("a \u2044 b", None),  # fraction slash
    ("a\ud800", None),  # lone surrogate
    ("[a\ud800]", None),
    ("[a\u200b]", None),
    ("achievement('0\u200b1')", None),
    ("\U0001f600", None),
    ("a \u00d7 b", "a"),
]


@pytest.mark.parametrize(("text", "reads"), UNICODE)
def test_unicode_tricks(text: str, reads: str | None) -> None:
    result = outcome(text)
    if reads is None:
        assert isinstance(result, FormulaSyntaxError), text
        assert "\u200b" not in str(result) and "\u202e" not in str(result)
    else:
        assert isinstance(result, Formula), result
        assert reads in result.variables


def test_lookalike_name_does_not_read_the_latin_one() -> None:
    result = parse("\u0430 + 1").evaluate(MappingEnv({"a": 1.0}))
    assert isinstance(result, FormulaError) and result.code == "unknown_variable"


# --------------------------------------------------------------------------- random text

FORMULA_ALPHABET = st.sampled_from(
    list("abcxN_-.,;()[]+-*/<>=!%'\"0123456789 ")
    + ["and", "or", "not", "min(", "se(", "prev(", "achievement(", "×", "÷", "≥", "è", "\u200b"]
)

ENV_VALUES = st.one_of(
    st.none(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1.0]),
)
NAMES = ["a", "b", "c", "x", "N_ImprAtt", "Dip-Form", "Proventi correnti", "città", "min", "and"]
ENVS = st.builds(
    MappingEnv,
    st.dictionaries(st.sampled_from(NAMES), ENV_VALUES),
    st.dictionaries(st.sampled_from(NAMES), ENV_VALUES),
    st.dictionaries(st.sampled_from(["01_01", "02"]), ENV_VALUES),
)


@settings(max_examples=300, deadline=None)
@given(st.lists(FORMULA_ALPHABET, max_size=40).map("".join), ENVS)
def test_any_text_parses_or_is_refused(text: str, env: MappingEnv) -> None:
    result = outcome(text)
    if isinstance(result, Formula):
        assert parse(str(result)) == result
        assert_allowed_result(result.evaluate(env))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_unicode_text_parses_or_is_refused(text: str) -> None:
    result = outcome(text)
    if isinstance(result, Formula):
        assert parse(str(result)) == result


# --------------------------------------------------------------------------- well-formed formulas

# Generated texts carry their top-level kind so that operands get the parentheses the grammar
# needs: a comparison or "not" inside arithmetic, a comparison inside a comparison.
Gen = tuple[str, str]  # (text, kind: atom / arith / cmp / logic / not)
RISKY = {"cmp", "logic", "not"}

NAME_TEXTS = [
    "a",
    "b",
    "c",
    "x",
    "N_ImprAtt",
    "Dip-Form",
    "[Proventi correnti]",
    "città",
    "min",
    "[and]",
    "_v.1",
]


@st.composite
def number_texts(draw: st.DrawFn) -> str:
    whole = draw(st.integers(min_value=0, max_value=10**9))
    style = draw(st.sampled_from(["plain", "italian", "comma", "dot", "percent"]))
    if style == "plain":
        return str(whole)
    if style == "italian":
        return f"{whole:,}".replace(",", ".")
    decimals = draw(st.text("0123456789", min_size=1, max_size=4))
    if style == "comma":
        return f"{whole},{decimals}"
    if style == "dot":
        return f"{whole}.{decimals}"
    return f"{whole}%"


LEAVES: st.SearchStrategy[Gen] = st.one_of(
    st.sampled_from(NAME_TEXTS),
    number_texts(),
    st.sampled_from(
        ["prev(a)", "prec([Proventi correnti])", 'achievement("01_01")', "Raggiungimento('02')"]
    ),
).map(lambda text: (text, "atom"))


def _operand(child: Gen, forced: bool, risky: set[str]) -> str:
    text, kind = child
    return f"({text})" if forced or kind in risky else text


def _binary(
    ops: list[str], kind: str, risky: set[str]
) -> Callable[[st.SearchStrategy[Gen]], st.SearchStrategy[Gen]]:
    def build(children: st.SearchStrategy[Gen]) -> st.SearchStrategy[Gen]:
        return st.tuples(
            children, st.sampled_from(ops), children, st.booleans(), st.booleans()
        ).map(
            lambda t: (
                f"{_operand(t[0], t[3], risky)} {t[1]} {_operand(t[2], t[4], risky)}",
                kind,
            )
        )

    return build


ARITH_OPS = ["+", "-", "*", "/", "×", "÷", "\u2212"]
CMP_OPS = [">", "<", ">=", "<=", "=", "==", "!=", "<>", "≥", "≤", "≠"]
LOGIC_OPS = ["and", "or", "AND", "Or"]
SEPARATORS = [", ", "; ", ";", " , "]


def _calls(children: st.SearchStrategy[Gen]) -> st.SearchStrategy[Gen]:
    variadic = st.tuples(
        st.sampled_from(["min", "max", "avg", "media", "sum", "somma", "MIN", "Somma"]),
        st.lists(children, min_size=1, max_size=4),
        st.sampled_from(SEPARATORS),
    ).map(lambda t: (f"{t[0]}({t[2].join(c[0] for c in t[1])})", "atom"))
    conditional = st.tuples(
        st.sampled_from(["if", "se", "SE"]),
        children,
        children,
        children,
        st.sampled_from(SEPARATORS),
    ).map(lambda t: (f"{t[0]}({t[4].join(c[0] for c in t[1:4])})", "atom"))
    absolute = children.map(lambda c: (f"abs({c[0]})", "atom"))
    return st.one_of(variadic, conditional, absolute)


def _extend(children: st.SearchStrategy[Gen]) -> st.SearchStrategy[Gen]:
    return st.one_of(
        _binary(ARITH_OPS, "arith", RISKY)(children),
        _binary(CMP_OPS, "cmp", RISKY)(children),
        _binary(LOGIC_OPS, "logic", set())(children),
        children.map(lambda c: (f"not {c[0]}", "not")),
        children.map(lambda c: (f"-{c[0]}" if c[1] == "atom" else f"-({c[0]})", "atom")),
        children.map(lambda c: (f"({c[0]})", "atom")),
        _calls(children),
    )


FORMULAS = st.recursive(LEAVES, _extend, max_leaves=12).map(lambda g: g[0])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FORMULAS, ENVS)
def test_well_formed_formulas_round_trip_and_never_raise(text: str, env: MappingEnv) -> None:
    formula = parse(text)
    canonical = str(formula)
    again = parse(canonical)
    assert again == formula
    assert str(again) == canonical
    result = formula.evaluate(env)
    assert_allowed_result(result)
    assert again.evaluate(env) == result


# --------------------------------------------------------------------------- reference semantics

Value = float | None | str  # str: an error code
Reference = Callable[[dict[str, float | None]], Value]


def _combine(x: Value, y: Value, op: str) -> Value:
    for side in (x, y):
        if isinstance(side, str):
            return side
    if x is None or y is None:
        return None
    assert isinstance(x, float) and isinstance(y, float)
    if op == "/":
        if y == 0.0:
            return "division_by_zero"
        r = x / y
    elif op == "*":
        r = x * y
    elif op == "+":
        r = x + y
    else:
        r = x - y
    return r if math.isfinite(r) else "overflow"


def _aggregate(name: str, values: list[Value]) -> Value:
    present: list[float] = []
    for v in values:
        if isinstance(v, str):
            return v
        if v is not None:
            present.append(v)
    if not present:
        return None
    if name == "min":
        r = min(present)
    elif name == "max":
        r = max(present)
    elif name == "sum":
        r = sum(present, 0.0)
    else:
        r = sum(present, 0.0) / len(present)
    return r if math.isfinite(r) else "overflow"


REF_LEAVES: st.SearchStrategy[tuple[str, Reference]] = st.one_of(
    st.sampled_from(["a", "b", "c", "d"]).map(lambda n: (n, lambda env, n=n: env[n])),
    st.sampled_from([("3", 3.0), ("0", 0.0), ("2,5", 2.5), ("1.000", 1000.0), ("50%", 0.5)]).map(
        lambda p: (p[0], lambda env, v=p[1]: v)
    ),
)


def _ref_extend(
    children: st.SearchStrategy[tuple[str, Reference]],
) -> st.SearchStrategy[tuple[str, Reference]]:
    binary = st.tuples(children, st.sampled_from(["+", "-", "*", "/"]), children).map(
        lambda t: (
            f"({t[0][0]}) {t[1]} ({t[2][0]})",
            lambda env, lf=t[0][1], op=t[1], rf=t[2][1]: _combine(lf(env), rf(env), op),
        )
    )
    negation = children.map(
        lambda c: (
            f"-({c[0]})",
            lambda env, f=c[1]: -v if isinstance(v := f(env), float) else v,
        )
    )
    aggregate = st.tuples(
        st.sampled_from(["min", "max", "sum", "avg"]), st.lists(children, min_size=1, max_size=3)
    ).map(
        lambda t: (
            f"{t[0]}({'; '.join(c[0] for c in t[1])})",
            lambda env, name=t[0], fs=[c[1] for c in t[1]]: _aggregate(name, [f(env) for f in fs]),
        )
    )
    return st.one_of(binary, negation, aggregate)


REF_VALUES = st.one_of(
    st.none(),
    st.sampled_from([0.0, 1.0, -2.0, 1e300, -1e300]),
    st.floats(min_value=-1e6, max_value=1e6, allow_nan=False),
)


@settings(max_examples=300, deadline=None)
@given(
    st.recursive(REF_LEAVES, _ref_extend, max_leaves=10),
    st.fixed_dictionaries({n: REF_VALUES for n in "abcd"}),
)
def test_arithmetic_matches_a_reference(
    case: tuple[str, Reference], values: dict[str, float | None]
) -> None:
    text, reference = case
    expected = reference(values)
    result = parse(text).evaluate(MappingEnv(values))
    if isinstance(expected, str):
        assert isinstance(result, FormulaError) and result.code == expected, (text, result)
    else:
        assert result == expected, (text, result, expected)


# --------------------------------------------------------------------------- numbers


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**15), st.text("0123456789", max_size=6))
def test_italian_numbers(whole: int, decimals: str) -> None:
    grouped = f"{whole:,}".replace(",", ".")
    text = f"{grouped},{decimals}" if decimals else grouped
    expected = float(f"{whole}.{decimals}" if decimals else whole)
    assert parse(text).evaluate(MappingEnv({})) == expected
    assert parse(f"{text}%").evaluate(MappingEnv({})) == expected / 100


@settings(max_examples=200, deadline=None)
@given(st.floats(min_value=0, allow_nan=False, allow_infinity=False))
def test_every_float_survives_the_canonical_text(value: float) -> None:
    plain = format(Decimal(repr(value)), "f")
    assume(len(plain) < MAX_LENGTH)
    text = plain.replace(".", ",")  # the decimal comma is never ambiguous
    formula = parse(text)
    assert formula.evaluate(MappingEnv({})) == value
    assert parse(str(formula)).evaluate(MappingEnv({})) == value
