"""Fuzzing the two parsers that read what users type: values and formulas.

Whatever the text (any Unicode including control characters and lone surrogates, very long,
deeply nested, numbers with hundreds of digits, exponents such as ``1e999999``), the only
outcomes allowed are:

- ``parse_value`` / ``parse_target``: a value that can be written back and read again, or a
  :class:`ValueParseError` whose message is Italian, quotes the text and says why;
- ``formula.parse``: a formula, or a :class:`FormulaSyntaxError` with an Italian message quoting
  the text around the position it names; evaluating the formula gives a finite float, n.d.
  (None) or a :class:`FormulaError` value with an Italian reason — it never raises.

Never another exception, never a hang: every example has a deadline, and the file runs in a few
seconds. test_values.py and test_formula_adversarial.py hold the hand-picked cases; this file
throws generated junk at both parsers.
"""

from __future__ import annotations

import math
import unicodedata
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from performa.engine.formula import (
    MAX_LENGTH,
    Formula,
    FormulaError,
    FormulaSyntaxError,
    MappingEnv,
    parse,
)
from performa.engine.values import (
    DEFAULT_SCALE,
    MAX_MAGNITUDE,
    Kind,
    Target,
    Value,
    ValueParseError,
    format_number,
    format_value,
    parse_target,
    parse_value,
)

# Generous for a slow CI machine, far below what a runaway regular expression or loop takes.
FUZZ = settings(
    max_examples=150,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Every unit word values.unit_kind knows, a plain unit, none, and one it does not know.
UNITS = ["", "n.", "gg", "%", "percentuale", "perc", "€", "euro", "eur", "data", "date",
         "scadenza", "si/no", "sì/no", "s/n", "booleano", "ettari"]
SCALES = [DEFAULT_SCALE, ("basso", "medio", "alto"), ()]
COMPARATORS = ["", ">=", "<=", "=", ">", "<", "≥", "≤", "=>", "~", "tra", ">=<"]

# Any code point: control and format characters, unassigned ones and lone surrogates too.
ANY_CHAR = st.characters(exclude_categories=())

# Pieces that mean something to one parser or the other, to be glued into near-misses.
PIECES = st.sampled_from([
    "0", "1", "9", "00", "1.000", ".000", ",5", "0,", "1e999999", "1E308", "e", "-", "+", "−",
    "–", "%", " %", "€", "euro ", " su ", "su", "/", ".", ",", ";", " ", "\u00a0", "\t", "\n",
    "(", ")", "[", "]", '"', "'", "«", "»", "n.d.", "nd", "-", "si", "sì", "no", "realizzato",
    "non ", "buono", "buona", "ottimo", "gen", "nov", "-nov-", "30/11/2022", "31.03.2022",
    "24-nov-21", "29/02/2023", "99/99/9999", ">=", "≥", "<", "=", "==", "!=", "<>", "and",
    "or", "not", "min(", "max(", "media(", "se(", "if(", "abs(", "prev(", "prec(",
    "achievement(", "raggiungimento(", "a", "b", "x", "Dip-Form", "N_ImprAtt", "città",
    "\u0430", "\u0661", "\uff11", "\u00b2", "\u200b", "\u202e", "\ufeff", "\x00", "\ud800",
    "\U0001f600", "×", "÷", "*",
])

TEXTS = st.one_of(
    st.text(ANY_CHAR, max_size=60),
    st.lists(st.one_of(PIECES, st.text(ANY_CHAR, max_size=2)), max_size=30).map("".join),
    # Deep, unbalanced or balanced nesting around something.
    st.builds(lambda opening, inner, closing: "(" * opening + inner + ")" * closing,
              st.integers(0, 5_000), PIECES, st.integers(0, 5_000)),
    # Numbers with hundreds or thousands of digits, in every spelling.
    st.builds(lambda sign, digits, tail: sign + digits + tail,
              st.sampled_from(["", "-", "+", "€ "]),
              st.integers(1, 5_000).map(lambda n: "9" * n),
              st.sampled_from(["", "%", ",5", ".5", " su 3", " su 0,0001", "e5", " €"])),
    st.builds(lambda zeros: "0," + "0" * zeros + "1", st.integers(0, 2_000)),
    # Exponents, which neither parser accepts.
    st.builds(lambda mantissa, exponent: f"{mantissa}e{exponent}",
              st.sampled_from(["1", "9,5", "1.000", "-1"]), st.integers(-10**7, 10**7)),
    # A piece repeated into a long text (up to tens of thousands of characters).
    st.builds(lambda piece, times: piece * times, PIECES, st.integers(1, 3_000)),
)

HOSTILE_EXAMPLES = [
    "1e999999",
    "9" * 400,
    "9" * 5000 + "%",
    "9" * 400 + " su " + "9" * 400,
    "1 su 0," + "0" * 400 + "1",
    "1.000.000.000.000.000.000.000.000.000,5",
    "1," + "5" * 40,
    "123.456.789.012.345,6789012345678901",
    "(" * 10_000 + "1" + ")" * 10_000,
    "a\u202e\x00\ud800",
    "30/11/0202",
    " " * 10_000,
    "x" * 100_000,
]

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"}


def visible(text: str) -> str:
    """What a message may show of a text: invisible characters as spaces or U+FFFD."""
    return "".join(
        (" " if c.isspace() else "\ufffd") if unicodedata.category(c) in _INVISIBLE else c
        for c in text
    )


def assert_clear_message(message: str, quoted: str = "") -> None:
    """``quoted``: the input the message may quote (it can itself contain «Error»)."""
    assert message.strip()
    message.encode("utf-8")  # can be logged, stored and rendered as it is
    assert all(unicodedata.category(c) not in _INVISIBLE or c == " " for c in message), message
    for noise in ("Traceback", "Error", "object", "None", "\\x", "\\u"):
        assert noise not in message or noise in quoted, message


# --------------------------------------------------------------------------- values


def check_value_error(error: ValueParseError, text: str) -> None:
    assert error.text == text
    assert error.reason
    message = str(error)
    assert_clear_message(message, text)
    quoted = visible(text)
    shown = quoted if len(quoted) <= 80 else quoted[:79] + "…"
    assert message == f"Valore «{shown}» non leggibile: {error.reason}"


def check_value(value: Value, unit: str, scale: tuple[str, ...]) -> None:
    assert isinstance(value.kind, Kind)
    if value.kind is Kind.NOT_AVAILABLE:
        assert value.number is None
        assert format_value(value) == "n.d."
        return
    assert type(value.number) is float and math.isfinite(value.number), value
    assert abs(value.number) < MAX_MAGNITUDE, value
    if value.kind is Kind.DATE:
        assert value.day is not None and value.number == value.day.toordinal()
    if value.kind is Kind.FRACTION:
        assert value.numerator is not None and value.denominator
        assert math.isfinite(value.numerator) and math.isfinite(value.denominator)
    # Written back the Italian way, it can be read again (dates, words and numbers alike).
    text = format_value(value)
    assert text and text.isprintable()
    if value.kind is Kind.FRACTION:
        return  # its parts are written rounded at nine decimals: 1 su 0,0000000001 is lost
    again = parse_value(text, unit, scale)
    assert again.kind is value.kind, (value, text, again)
    assert again.number is not None
    assert math.isclose(again.number, value.number, rel_tol=1e-9, abs_tol=1e-9), (value, text)


@FUZZ
@given(TEXTS, st.sampled_from(SCALES))
@example("1e999999", DEFAULT_SCALE)
def test_any_text_is_a_value_or_a_clear_error_under_every_unit(
    text: str, scale: tuple[str, ...]
) -> None:
    for unit in UNITS:
        try:
            value = parse_value(text, unit, scale)
        except ValueParseError as error:
            check_value_error(error, text)
        else:
            check_value(value, unit, scale)


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES, ids=lambda t: repr(t[:20]))
def test_hostile_values(text: str) -> None:
    for unit in UNITS:
        try:
            value = parse_value(text, unit)
        except ValueParseError as error:
            check_value_error(error, text)
        else:
            check_value(value, unit, DEFAULT_SCALE)


@FUZZ
@given(st.one_of(TEXTS, st.builds(str.__add__, st.sampled_from(COMPARATORS), TEXTS)),
       st.sampled_from(UNITS), st.one_of(st.sampled_from(COMPARATORS), st.text(ANY_CHAR,
                                                                              max_size=4)))
def test_any_target_is_read_or_refused_clearly(text: str, unit: str, comparator: str) -> None:
    try:
        target = parse_target(text, unit, comparator)
    except ValueParseError as error:
        assert error.reason
        assert_clear_message(str(error), text)
        assert str(error).startswith("Valore «")
    else:
        assert isinstance(target, Target)
        if target.value.number is not None:
            assert math.isfinite(target.value.number)
        format_value(target.value)


@FUZZ
@given(st.floats(allow_nan=False, allow_infinity=False), st.integers(0, 40))
def test_every_finite_number_can_be_written(number: float, decimals: int) -> None:
    text = format_number(number, decimals)
    assert text.lstrip("-")[0].isdigit()
    assert text.count(",") == (1 if decimals else 0)


def test_regressions_found_by_fuzzing() -> None:
    # A number of hundreds of digits was read as infinity, and any number from 10^28 up (or
    # with more than 28 digits in all) crashed format_value with decimal.InvalidOperation.
    with pytest.raises(ValueParseError, match="troppo grande"):
        parse_value("9" * 400)
    with pytest.raises(ValueParseError, match="troppo grande"):
        parse_value("1 su 0,000000000000000000001")
    assert format_number(1e300).startswith("1.000.000.000.000.000.000.000.")
    assert format_number(123456789012345.67, 16) == "123.456.789.012.345,6700000000000000"
    assert format_value(parse_value("1," + "5" * 40)).startswith("1,55555555555556000")
    # A year written with four digits below 1000 came back as "30/11/202", unreadable; then
    # (#17) "01/01/0001" was stored as 2001. Such years are refused, saying which are allowed.
    for text in ("30/11/0202", "01/01/0001", "1/1/2200"):
        with pytest.raises(ValueParseError, match=r"fuori dagli anni ammessi \(1900-2199\)"):
            parse_value(text)
    # Messages quote at most 80 characters, and show invisible characters as U+FFFD.
    with pytest.raises(ValueParseError) as caught:
        parse_value("a\u202eb" + "x" * 10_000)
    assert str(caught.value).startswith("Valore «a\ufffdbxxx")
    assert "x" * 76 + "…» non leggibile" in str(caught.value)


# --------------------------------------------------------------------------- formulas

ERROR_CODES = {"unknown_variable", "division_by_zero", "cycle", "unknown_node",
               "invalid_argument", "overflow"}
ENV_NUMBERS = st.one_of(
    st.none(), st.floats(), st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, 1e-308])
)
NAMES = ["a", "b", "x", "Dip-Form", "N_ImprAtt", "città", "Dip", "Form"]
ENVS = st.builds(
    MappingEnv,
    st.dictionaries(st.sampled_from(NAMES), ENV_NUMBERS),
    st.dictionaries(st.sampled_from(NAMES), ENV_NUMBERS),
    st.dictionaries(st.sampled_from(["01_01", "02"]), ENV_NUMBERS),
)


def check_syntax_error(error: FormulaSyntaxError, text: str) -> None:
    assert error.text in (text, unicodedata.normalize("NFC", text))
    assert error.reason and 0 <= error.position <= len(error.text)
    message = str(error)
    assert_clear_message(message, error.text)
    assert message.startswith("Formula «")
    assert message.endswith(f"»: {error.reason} alla posizione {error.position}")
    quoted = message[len("Formula «") : message.rindex("»: ")]
    if len(error.text) <= 100:
        assert quoted == visible(error.text)
    else:  # a window of 100 characters around the position, "…" where it was cut
        assert quoted.strip("…") in visible(error.text)
        assert len(quoted.strip("…")) == 100


def check_result(result: object, text: str = "") -> None:
    if isinstance(result, FormulaError):
        assert result.code in ERROR_CODES, result
        assert_clear_message(result.reason, text)
    elif result is not None:
        assert type(result) is float and math.isfinite(result), result


def formula_outcome(text: str, known: frozenset[str] | None, env: MappingEnv) -> None:
    try:
        formula = parse(text, known)
    except FormulaSyntaxError as error:
        check_syntax_error(error, text)
        return
    assert isinstance(formula, Formula)
    assert len(str(formula)) <= MAX_LENGTH
    check_result(formula.evaluate(env), text)


@FUZZ
@given(TEXTS, st.sampled_from([None, frozenset(NAMES)]), ENVS)
def test_any_text_is_a_formula_or_a_clear_error(
    text: str, known: frozenset[str] | None, env: MappingEnv
) -> None:
    formula_outcome(text, known, env)


@pytest.mark.parametrize("text", HOSTILE_EXAMPLES, ids=lambda t: repr(t[:20]))
def test_hostile_formulas(text: str) -> None:
    formula_outcome(text, frozenset(NAMES), MappingEnv({"a": 1.0, "x": 0.0}))


FORMULA_PIECES = st.sampled_from([
    "a", "b", "x", "Dip-Form", "[Proventi correnti]", "1", "0", "1.000,5", "15%", "1" + "0" * 308,
    "+", "-", "*", "/", " ", "(", ")", ", ", ";", ">=", "=", "!=", " and ", " or ", "not ",
    "min(", "max(", "avg(", "sum(", "se(", "abs(", "prev(a)", 'achievement("01_01")', "÷", "×",
])


@FUZZ
@given(st.lists(FORMULA_PIECES, max_size=60).map("".join), ENVS)
def test_near_formulas_evaluate_without_raising(text: str, env: MappingEnv) -> None:
    formula_outcome(text, None, env)
