"""Every value form of the seeds' tables, read and written back the Italian way."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from performa.engine import achievement
from performa.engine.values import (
    Comparator,
    Kind,
    Value,
    ValueParseError,
    format_money,
    format_number,
    format_percent,
    format_value,
    parse_money,
    parse_target,
    parse_value,
    scan_number,
)

# (text as printed in a seed, unit of its column, kind, number) — rows of 000_… and 004_….
READS = [
    ("1.500,0", "n.", Kind.NUMBER, 1500.0),  # 000: Attrattività eventi, target
    ("8.934.921", "n.", Kind.NUMBER, 8934921.0),  # 000: Valore della produzione, Stato 2021
    ("1.146.020", "n.", Kind.NUMBER, 1146020.0),  # 000: pagine vidimate
    ("0,2%", "n.", Kind.PERCENT, 0.002),  # 000: 01_01_01, Stato 2021
    ("-6,34%", "n.", Kind.PERCENT, -0.0634),  # 000: Indice equilibrio strutturale
    ("22,39%", "%", Kind.PERCENT, 0.2239),  # 000: Cassetto digitale
    ("7,4", "n.", Kind.NUMBER, 7.4),  # 000: Customer satisfaction
    ("0,76", "n.", Kind.NUMBER, 0.76),  # 000: giorni medi pubblicazione
    ("1179", "n.", Kind.NUMBER, 1179.0),  # 000: partecipanti, written without grouping
    ("88", "%", Kind.PERCENT, 0.88),  # a percent typed without its sign under unit %
    ("€ 460.000,00", "", Kind.MONEY, 460000.0),  # 004: A1 risorse economiche
    ("€ 247.671,60", "", Kind.MONEY, 247671.6),  # 004: B1
    ("90.500,00 €", "", Kind.MONEY, 90500.0),
    ("100,00 N.", "n.", Kind.NUMBER, 100.0),  # 002: OC_TD_03 target ">= 100,00 N."
    ("30 gg", "", Kind.NUMBER, 30.0),  # 004: "< 30 gg"
    ("4 su 8", "", Kind.FRACTION, 0.5),
    ("si", "si/no", Kind.BOOLEAN, 1.0),
    ("sì", "si/no", Kind.BOOLEAN, 1.0),
    ("SI", "si/no", Kind.BOOLEAN, 1.0),
    ("no", "si/no", Kind.BOOLEAN, 0.0),
    ("realizzato", "", Kind.DONE, 1.0),
    ("realizzazione", "", Kind.DONE, 1.0),
    ("buono", "", Kind.ORDINAL, 3.0),
    ("buona", "", Kind.ORDINAL, 3.0),
    ("insufficiente", "", Kind.ORDINAL, 0.0),
]


@pytest.mark.parametrize(("text", "unit", "kind", "number"), READS)
def test_reads_seed_forms(text: str, unit: str, kind: Kind, number: float) -> None:
    value = parse_value(text, unit)
    assert value.kind is kind
    assert value.number == pytest.approx(number)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("30/11/2022", date(2022, 11, 30)),  # 000: Valorizzazione degli spazi
        ("12/03/2021", date(2021, 3, 12)),
        ("31.03.2022", date(2022, 3, 31)),  # 000: Programma di formazione
        ("24-nov-21", date(2021, 11, 24)),  # 000: Giornata della Trasparenza, Stato 2021
        ("1 gennaio 2023", date(2023, 1, 1)),
    ],
)
def test_reads_dates(text: str, day: date) -> None:
    value = parse_value(text, "data")
    assert value.kind is Kind.DATE
    assert value.day == day


@pytest.mark.parametrize("text", ["n.d.", "ND", "nd", "-", "-----", "'-----", "---", "N.D."])
def test_not_available_has_no_value(text: str) -> None:
    value = parse_value(text)
    assert value.kind is Kind.NOT_AVAILABLE
    assert value.number is None
    assert not value.available
    assert format_value(value) == "n.d."


@pytest.mark.parametrize(
    ("text", "comparator", "unit", "expected", "number"),
    [
        (">= 600,0", "", "n.", Comparator.GE, 600.0),  # 000: Gestione social network
        (">= 13.250,0", "", "n.", Comparator.GE, 13250.0),
        ("<= 2,0", "", "n.", Comparator.LE, 2.0),
        ("60", "≥", "n.", Comparator.GE, 60.0),  # 000: comparator in its own column
        ("2,0", "≤", "n.", Comparator.LE, 2.0),
        ("100%", "=", "%", Comparator.EQ, 1.0),
        (">=2", "", "", Comparator.GE, 2.0),  # 004: "Target 2021: >=2"
        (">= 200%", "", "", Comparator.GE, 2.0),
        ("< 30 gg", "", "", Comparator.LT, 30.0),
        ("> 1", "", "", Comparator.GT, 1.0),
        ("=1", "", "", Comparator.EQ, 1.0),
        ("70%", "", "", Comparator.GE, 0.7),  # 004: a bare target is more-is-better
        (">= 60", ">=", "n.", Comparator.GE, 60.0),  # written twice, agreeing
    ],
)
def test_reads_targets(
    text: str, comparator: str, unit: str, expected: Comparator, number: float
) -> None:
    target = parse_target(text, unit, comparator)
    assert target.comparator is expected
    assert target.value.number == pytest.approx(number)


def test_date_target_defaults_to_deadline_and_yes_no_to_match() -> None:
    deadline = parse_target("30/06/2022", "data")
    assert deadline.comparator is Comparator.LE
    assert deadline.value.day == date(2022, 6, 30)
    assert parse_target("si", "si/no").comparator is Comparator.EQ


@pytest.mark.parametrize(
    ("text", "number"),
    [("1", 1.0), ("0", 0.0), ("1,0", 1.0), ("0,00", 0.0), ("1.0", 1.0), ("+1", 1.0)],
)
def test_yes_no_written_as_one_or_zero(text: str, number: float) -> None:
    """Real PIRAs fill a si/no row with numbers: «Attività informativa — si/no — 1 — 1 —
    100%». Under unit si/no the numbers 1 and 0, however written, are yes and no."""
    value = parse_value(text, "si/no")
    assert (value.kind, value.number) == (Kind.BOOLEAN, number)
    assert format_value(value) == ("si" if number else "no")


def test_yes_no_target_written_as_one_scores_a_yes() -> None:
    # Attività informativa — si/no — baseline 1 — target 1 — 100%.
    target = parse_target("1", "si/no")
    assert (target.comparator, target.value.kind) == (Comparator.EQ, Kind.BOOLEAN)
    assert parse_value("1", "si/no") == parse_value("si", "si/no")
    assert achievement("si", "1", "", "si/no") == 1.0
    assert achievement("1", "1", "", "si/no") == 1.0
    assert achievement("no", "1", "", "si/no") == 0.0


@pytest.mark.parametrize("text", ["2", "-1", "0,5", "1.000", "1%", "€ 1", "10"])
def test_yes_no_refuses_other_numbers(text: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_value(text, "si/no")
    assert str(caught.value) == (
        f"Valore «{text}» non leggibile: l'unità di misura è «si/no»: scrivere si oppure no")
    with pytest.raises(ValueParseError, match="scrivere si oppure no"):
        parse_target(text, "si/no")


@pytest.mark.parametrize(
    ("text", "unit", "fragment"),
    [
        ("", "", "vuoto"),
        ("abc", "", "non è un numero"),
        ("1,2,3", "", "più di una virgola"),
        ("1,500.5", "", "notazione inglese"),
        ("31/02/2022", "data", "data inesistente"),
        ("30-xyz-22", "data", "mese «xyz» sconosciuto"),
        (">= 5", "", "è un target"),
        ("4 su 0", "", "non può essere 0"),
        ("15", "data", "gg/mm/aaaa"),
        ("3", "si/no", "si oppure no"),
    ],
)
def test_refuses_with_the_text_and_the_reason(text: str, unit: str, fragment: str) -> None:
    with pytest.raises(ValueParseError) as caught:
        parse_value(text, unit)
    message = str(caught.value)
    assert f"«{text}»" in message
    assert fragment in message


# One number grammar (docs/interchange.md, "Numeri"): dots group thousands only after a first
# group that does not start with 0; otherwise one dot or comma is the decimal separator.
# tests/engine/test_formula.py checks that a formula literal reads these texts the same way.
NUMBER_TEXTS = [
    ("0.500", 0.5, 3),  # was 500: a leading 0 group is no thousands group
    ("1.500", 1500.0, 0),  # Italian thousands, as the seeds print 85.500
    ("1.500,5", 1500.5, 1),
    ("0,5", 0.5, 1),
    ("1.5000", 1.5, 4),  # four digits after the dot: a decimal, not 1500 and a 0
    ("1234.5", 1234.5, 1),
    ("012.345", 12.345, 3),
    ("-0.500", -0.5, 3),
    ("12.345.678,25", 12345678.25, 2),
]


@pytest.mark.parametrize(("text", "number", "decimals"), NUMBER_TEXTS)
def test_one_number_grammar(text: str, number: float, decimals: int) -> None:
    value = parse_value(text)
    assert (value.kind, value.number, value.decimals) == (Kind.NUMBER, number, decimals)
    assert parse_target(f">= {text}").value.number == number
    assert parse_value(f"{text}%").number == pytest.approx(number / 100)


@pytest.mark.parametrize("text", ["0.500,5", "0.500.000", "01.500,0"])
def test_thousands_after_a_zero_group_are_refused_with_the_reason(text: str) -> None:
    with pytest.raises(ValueParseError, match="prima cifra diversa da 0"):
        parse_value(text)


def test_scan_number_stops_where_the_grammar_does() -> None:
    assert scan_number("1.000.5") == (1000.0, 0, 5)
    assert scan_number("x 0.500 y", 2) == (0.5, 3, 7)
    assert scan_number("abc") is None


def test_refuses_contradicting_comparators() -> None:
    with pytest.raises(ValueParseError, match="diverso"):
        parse_target(">= 5", "", "<=")
    with pytest.raises(ValueParseError, match="comparatore non valido"):
        parse_target("5", "", "~")
    with pytest.raises(ValueParseError, match="manca il valore"):
        parse_target(">=", "")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (Value(Kind.NUMBER, 1500.0, decimals=1), "1.500,0"),
        (Value(Kind.NUMBER, 8934921.0), "8.934.921"),
        (Value(Kind.PERCENT, 0.002, decimals=1), "0,2%"),
        (Value(Kind.PERCENT, -0.0634, decimals=2), "-6,34%"),
        (Value(Kind.MONEY, 247671.6, decimals=2), "€ 247.671,60"),
        (Value(Kind.BOOLEAN, 1.0), "si"),
        (Value(Kind.DATE, 0.0, day=date(2022, 11, 30)), "30/11/2022"),
    ],
)
def test_formats_the_italian_way(value: Value, text: str) -> None:
    assert format_value(value) == text


def test_a_tiny_value_is_shown_with_the_digits_it_needs() -> None:
    """#17: 1e-19 typed with its 19 decimals was shown as 0; float noise is still cut."""
    tiny = parse_value("0," + "0" * 18 + "1")
    assert format_value(tiny) == "0," + "0" * 18 + "1"
    assert parse_value(format_value(tiny)) == tiny
    assert format_number(0.1 + 0.2, 2) == "0,30"
    assert format_number(97.49999999999999) == "98"  # 0,975 × 100: the 97,5 it means


def test_a_two_digit_year_is_this_century_a_four_digit_one_is_itself() -> None:
    assert parse_value("24-nov-21").day == date(2021, 11, 24)
    assert parse_value("01/01/01").day == date(2001, 1, 1)
    assert parse_value("01/01/1999").day == date(1999, 1, 1)
    with pytest.raises(ValueParseError, match="anno 0001 fuori dagli anni ammessi"):
        parse_value("01/01/0001", "data")


def test_display_rounds_half_up_only_when_shown() -> None:
    assert format_percent(88 / 90) == "98%"
    assert format_percent(0.975) == "98%"
    assert format_percent(0.125, 1) == "12,5%"
    assert format_percent(None) == "n.d."
    assert format_number(-0.0001, 2) == "0,00"


@given(
    st.sampled_from([Kind.NUMBER, Kind.PERCENT, Kind.MONEY]),
    st.integers(min_value=-(10**9), max_value=10**9),
    st.integers(min_value=0, max_value=3),
)
def test_format_then_parse_gives_the_value_back(kind: Kind, units: int, decimals: int) -> None:
    first = parse_value(format_value(Value(kind, units / 10**decimals, decimals=decimals)))
    assert parse_value(format_value(first)) == first
    assert first.kind is kind
    assert first.number == pytest.approx(units / 10**decimals)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_dates_round_trip(day: date) -> None:
    value = parse_value(format_value(Value(Kind.DATE, float(day.toordinal()), day=day)))
    assert value.day == day


@given(st.text(max_size=30))
def test_any_text_is_read_or_refused_clearly(text: str) -> None:
    try:
        parse_value(text)
    except ValueParseError as error:
        assert error.reason
        assert "«" in str(error)


# (amount, as every document, page and plan text prints it) — figures of 000_… and 004_….
MONEY = [
    (Decimal("129000"), "€ 129.000,00"),  # 000: fondo, totale
    (Decimal("10285.71"), "€ 10.285,71"),  # 000: fondo, quota per obiettivo
    (Decimal("8934921"), "€ 8.934.921,00"),  # 000: valore della produzione
    (Decimal("247671.6"), "€ 247.671,60"),  # 004: B1
    (Decimal("0"), "€ 0,00"),
    (Decimal("-5.5"), "€ -5,50"),
]


@pytest.mark.parametrize(("amount", "text"), MONEY)
def test_money_is_written_with_the_cents_and_read_back(amount: Decimal, text: str) -> None:
    assert format_money(amount) == text
    assert format_money(float(amount)) == text
    assert parse_money(text) == amount


@pytest.mark.parametrize(
    ("text", "amount"),
    [("8.934.921", Decimal("8934921.00")), ("335.000,00 €", Decimal("335000.00")),
     ("20.000 euro", Decimal("20000.00")), ("€ 0,125", Decimal("0.13")),
     ("n.d.", None), ("", None), ("  ", None)],
)
def test_money_read_as_printed(text: str, amount: Decimal | None) -> None:
    assert parse_money(text) == amount


@pytest.mark.parametrize(
    ("text", "fragment"),
    [("risorse interne", "non è un importo in euro"), ("10%", "non è un importo in euro"),
     ("30/04/2022", "non è un importo in euro"), ("sì", "non è un importo in euro"),
     ("€ 1,234.50", "notazione inglese"), ("€ 12,3,4", "più di una virgola")],
)
def test_money_refuses_what_is_not_an_amount(text: str, fragment: str) -> None:
    with pytest.raises(ValueParseError, match=fragment) as raised:
        parse_money(text)
    assert raised.value.text == text
    assert parse_money(text, strict=False) is None  # e.g. resources printed as words


def test_a_money_value_keeps_the_decimals_it_was_typed_with() -> None:
    assert format_value(parse_value("€ 20.000")) == format_money(20000, 0) == "€ 20.000"


@given(st.integers(min_value=-(10**13), max_value=10**13))
def test_money_round_trips_to_the_cent(cents: int) -> None:
    amount = Decimal(cents).scaleb(-2)
    assert parse_money(format_money(amount)) == amount
