"""Achievement from the texts as the documents write them (DOMAIN.md §5)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from performa.engine import ScoringRules, achievement
from performa.engine.scoring import (
    Band,
    EqualMode,
    LowerIsBetter,
    NotAvailablePolicy,
    ScoringError,
    explain_score,
    score,
)
from performa.engine.values import (
    Comparator,
    Kind,
    Target,
    Value,
    ValueParseError,
    format_percent,
    parse_target,
    parse_value,
)

# Rows of 000_… (Piano 2022 Pistoia-Prato), scoring the printed "Stato 2021" against the
# printed "Target 2022" as if it had been measured: (actual, comparator, target, unit, %).
SEED_ROWS = [
    ("426", ">=", "80", "n.", 100),  # 01_01_02 Bando PID
    ("2,0", "≤", "2,0", "n.", 100),  # 01_01_02 Risorse umane dedicate
    ("42%", "≥", "80%", "%", 53),  # 01_05_03 Grado di utilizzo delle risorse
    ("1179", ">=", "1.500,0", "n.", 79),  # 01_03_03 Attrattività eventi realizzati
    ("48,6", "≥", "48,8", "n.", 100),  # ADR: 99,6% shows as 100%
    ("7,1", ">=", "7,5", "n.", 95),  # Protesti: Customer satisfaction
    ("2", ">=", "6", "n.", 33),  # Ispezioni
    ("2", ">=", "12", "n.", 17),  # Gestione attività di controllo
    ("65", "≤", "85", "n.", 100),  # Conclusione del procedimento mediazione
    ("37%", "<=", "37%", "%", 100),  # Tasso di sospensione delle pratiche RI
    ("12.723", "<=", "12.723", "n.", 100),  # Sospensioni
    ("22,62", "<=", "58", "n.", 100),  # Stress da lavoro correlato
    ("-6,34%", ">=", "-6,0%", "n.", 94),  # 03_01_01 Indice equilibrio strutturale
    ("0,2%", ">=", "0,1%", "n.", 100),  # 01_01_01 imprese assistite / imprese attive
    ("100%", "=", "100%", "%", 100),  # Gestione contenziosi
    ("no", "=", "si", "si/no", 0),  # Sviluppo di un progetto territoriale strategico
    ("si", "≥", "si", "si/no", 100),  # Formazione specialistica su anticorruzione
    ("12/03/2021", "≤", "30/04/2022", "data", 100),  # metalli preziosi: primo sollecito
    ("08/03/2021", "≤", "28/02/2022", "data", 100),  # CUG
    ("24-nov-21", "<=", "30.11.2022", "data", 100),  # Giornata della Trasparenza
    ("25/06/2021", "<=", "30/06/2022", "si/no", 100),  # Relazione sulla performance
    ("0", "=", "0", "n.", 100),  # Qualità dei luoghi di lavoro (infortuni)
    # DOMAIN.md §5's own examples
    ("88%", ">=", "90%", "%", 98),
    ("4.428", ">=", "15.500", "n.", 29),
    # 004_… (PIRA Frosinone-Latina) targets with a measured value
    ("63%", "", "70%", "", 90),  # "Target 2021: 70%" (no comparator: more is better)
    ("25", "", "< 30 gg", "", 100),
    ("1", "", ">=2", "", 50),
]


@pytest.mark.parametrize(("actual", "comparator", "target", "unit", "percent"), SEED_ROWS)
def test_seed_rows(actual: str, comparator: str, target: str, unit: str, percent: int) -> None:
    result = achievement(actual, target, comparator, unit)
    assert format_percent(result) == f"{percent}%"


@pytest.mark.parametrize(
    ("actual", "comparator", "target"),
    [
        ("n.d.", ">=", "80"),  # 01_01_01 Capacità di coinvolgimento: Stato 2021 n.d.
        ("-", ">=", "2"),  # 01_04_02: Stato 2021 "-"
        ("'-----", "", ">=2"),  # 004: VALORI OSSERVATI '-----
        ("ND", ">=", "161.000,0"),
        ("n.d.", ">=", "n.d."),  # 02_01_01: portale impresainungiorno, no target either
        ("150", ">=", "n.d."),  # a value but no target: nothing to score against
    ],
)
def test_not_available_gives_none(actual: str, comparator: str, target: str) -> None:
    assert achievement(actual, target, comparator) is None


def test_percent_typed_without_sign_against_percent_target() -> None:
    # An office types "88" under a 90% target: it means 88%, not 8.800%.
    assert achievement("88", "90%", ">=") == pytest.approx(88 / 90)


def test_lower_is_better_rule_option() -> None:
    target = parse_target("4,6", "n.", "<=")  # Protesti: tempo medio di lavorazione
    actual = parse_value("5,75")
    assert score(actual, target) == pytest.approx(4.6 / 5.75)
    linear = ScoringRules(lower_is_better=LowerIsBetter.LINEAR)
    assert score(actual, target, rules=linear) == pytest.approx((2 * 4.6 - 5.75) / 4.6)
    assert score(parse_value("10"), target, rules=linear) == 0.0


def test_equal_target_tolerance_and_distance() -> None:
    target = parse_target("100%", "%", "=")
    actual = parse_value("95%")
    assert score(actual, target) == pytest.approx(0.95)
    assert score(actual, target, rules=ScoringRules(equal_mode=EqualMode.BINARY)) == 0.0
    assert score(actual, target, rules=ScoringRules(equal_tolerance=0.05)) == 1.0
    assert score(parse_value("3"), parse_target("0", "", "=")) == 0.0


def test_deadline_grace_and_sliding_scale() -> None:
    target = parse_target("<= 31.03.2022", "data")  # 03_01_02 Programma di formazione
    late = parse_value("15/04/2022")
    assert score(late, target) == 0.0
    assert score(late, target, rules=ScoringRules(deadline_grace_days=15)) == 1.0
    sliding = ScoringRules(deadline_zero_after_days=30)
    assert score(late, target, rules=sliding) == pytest.approx(0.5)
    assert score(parse_value("31/03/2022"), target) == 1.0
    assert score(parse_value("realizzato"), target) == 1.0


def test_bands() -> None:
    bands = ScoringRules(bands=(Band(0.0, 0.0), Band(0.95, 1.0), Band(0.5, None)))
    target = parse_target(">= 100", "n.")
    assert score(parse_value("96"), target, rules=bands) == 1.0
    assert score(parse_value("70"), target, rules=bands) == pytest.approx(0.7)
    assert score(parse_value("40"), target, rules=bands) == 0.0


def test_milestones_count_by_stage() -> None:
    target = parse_target(">= 4", "fasi")
    assert score(parse_value("2,6"), target, "fasi") == 0.5
    assert score(parse_value("3 su 4"), parse_target(">= 4 su 4"), "fasi") == 0.75


def test_ordinal_scale() -> None:
    assert achievement("sufficiente", "buono", ">=") == pytest.approx(0.5)
    assert achievement("ottimo", "buono", ">=") == 1.0


def test_not_available_policy_zero() -> None:
    rules = ScoringRules(not_available=NotAvailablePolicy.ZERO)
    assert achievement("n.d.", "80", ">=", rules=rules) == 0.0


def test_over_achievement_cap() -> None:
    rules = ScoringRules(cap=1.2)
    assert achievement("130", "100", ">=", rules=rules) == pytest.approx(1.2)
    assert achievement("110", "100", ">=", rules=rules) == pytest.approx(1.1)


def test_explanation_sentence() -> None:
    text = explain_score(parse_value("88%"), parse_target(">= 90%"))
    assert text == "88% rispetto al target >= 90%: valore / target → 98%"


@pytest.mark.parametrize(
    ("actual", "comparator", "target", "unit", "fragment"),
    [
        ("abc", ">=", "5", "", "«abc»"),
        ("5", "~", "5", "", "comparatore non valido"),
        ("12", "<=", "30/06/2022", "", "il target è una data"),
        ("7", "=", "si", "si/no", "scrivere si oppure no"),
        ("7", "=", "si", "", "il valore deve essere si o no"),
        ("si", ">=", "5", "", "non è confrontabile"),
    ],
)
def test_errors_name_the_text(
    actual: str, comparator: str, target: str, unit: str, fragment: str
) -> None:
    with pytest.raises((ValueParseError, ScoringError)) as caught:
        achievement(actual, target, comparator, unit)
    assert fragment in str(caught.value)


def test_rules_refuse_nonsense() -> None:
    with pytest.raises(ValueError, match="tetto"):
        ScoringRules(cap=0.5)
    with pytest.raises(ValueError, match="tolleranza"):
        ScoringRules(equal_tolerance=2)


_amount = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)
_comparator = st.sampled_from(list(Comparator))


def _goal(comparator: Comparator, number: float) -> Target:
    return Target(comparator, Value(Kind.NUMBER, number))


@given(_amount, _amount, _comparator)
def test_always_within_zero_and_one(actual: float, target: float, cmp: Comparator) -> None:
    value = score(Value(Kind.NUMBER, actual), _goal(cmp, target))
    assert value is not None
    assert 0.0 <= value <= 1.0


@given(_amount, _amount, _amount)
def test_more_is_never_worse_for_greater_or_equal(a: float, b: float, target: float) -> None:
    low, high = sorted((a, b))
    low_score = score(Value(Kind.NUMBER, low), _goal(Comparator.GE, target))
    high_score = score(Value(Kind.NUMBER, high), _goal(Comparator.GE, target))
    assert low_score is not None and high_score is not None
    assert high_score >= low_score


@given(_amount, _comparator)
def test_not_available_never_scores(target: float, cmp: Comparator) -> None:
    assert score(Value(Kind.NOT_AVAILABLE), _goal(cmp, target)) is None


def test_rules_round_trip_through_plain_data() -> None:
    from performa.engine.scoring import rules_from_dict, rules_to_dict

    rules = ScoringRules(lower_is_better=LowerIsBetter.LINEAR, equal_tolerance=0.02,
                         bands=(Band(0.95, 1.0), Band(0.5, None), Band(0.0, 0.0)),
                         deadline_zero_after_days=30, cap=1.1)
    assert rules_from_dict(rules_to_dict(rules)) == rules
    assert rules_from_dict({}) == ScoringRules()
    with pytest.raises(ValueError, match="sconosciute: tolleranza"):
        rules_from_dict({"tolleranza": 1})
    with pytest.raises(ValueError, match="non valide"):
        rules_from_dict({"cap": 0.5})
