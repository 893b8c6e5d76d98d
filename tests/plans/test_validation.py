"""Plan rules, without a database: messages in Italian naming the item."""

from __future__ import annotations

from decimal import Decimal

import pytest

from performa.plans.document import IndicatorDoc, OperationalObjectiveDoc, PlanDocument
from performa.plans.validation import (
    FindingCode,
    check_indicator,
    parse_weight,
    validate_document,
)


def test_the_small_real_plan_is_clean(plan: PlanDocument) -> None:
    assert validate_document(plan) == []


@pytest.mark.parametrize(
    ("text", "weight"),
    [("12,5%", Decimal("0.125")), ("14,3%", Decimal("0.143")), ("25", Decimal("0.25")),
     ("n.d.", None), ("", None)],
)
def test_weights_as_printed(text: str, weight: Decimal | None) -> None:
    assert parse_weight(text) == weight


def test_weights_not_summing_to_100_name_the_card(plan: PlanDocument) -> None:
    plan.areas[0].objectives[0].operational[0].indicators[0].weight = "15,0%"
    findings = [str(f) for f in validate_document(plan)]
    assert findings == [
        "01_01_02: la somma dei pesi degli indicatori è 90,0%: deve essere 100%"
    ]


def test_seven_times_14_3_is_rounding_not_an_error(plan: PlanDocument) -> None:
    card = plan.areas[0].objectives[0].operational[0]
    card.indicators = [IndicatorDoc(name=f"i{n}", unit="n.", comparator=">=",
                                    targets={2022: "2"}, weight="14,3%") for n in range(7)]
    assert validate_document(plan) == []


def test_weights_nd_are_reported_as_missing(plan: PlanDocument) -> None:
    # 02_01_01 of 000_…: two indicators printed with weight "n.d." and target "n.d.".
    card = plan.areas[0].objectives[0].operational[0]
    card.indicators[0].weight = "n.d."
    card.indicators[0].targets = {2022: "n.d."}
    messages = [f.message for f in validate_document(plan)]
    assert "1 indicatore senza peso (n.d.)" in messages
    assert any("target 2022 non disponibile" in m for m in messages)


C = FindingCode


@pytest.mark.parametrize(
    ("changes", "code", "message"),
    [
        ({"comparator": "=>>"}, C.BAD_COMPARATOR, "comparatore: comparatore non valido"),
        ({"targets": {2022: "tanti"}}, C.BAD_TARGET, "target 2022 «tanti» non leggibile"),
        ({"targets": {2022: "si"}}, C.TARGET_UNIT_MISMATCH,
         "target 2022 «si» non coerente con l'unità di misura «n.»"),
        ({"targets": {2022: "n.d."}}, C.TARGET_NOT_AVAILABLE, "target 2022 non disponibile"),
        ({"baseline": "1,2,3"}, C.BAD_BASELINE, "stato anno precedente «1,2,3» non leggibile"),
        ({"baseline": "30/06/2021"}, C.BASELINE_UNIT_MISMATCH,
         "stato anno precedente «30/06/2021» non coerente"),
        ({"weight": "140%"}, C.BAD_WEIGHT, "peso «140%» non leggibile: un peso va da 0% a 100%"),
        ({"targets": {}}, C.MISSING_TARGET, "manca il target"),
        ({"formula": "a + * b"}, C.BAD_FORMULA, "formula: Formula «a + * b»"),
        ({"formula": "N_Domande / FTE_PID"}, C.UNKNOWN_VARIABLE,
         "formula: variabile «FTE_PID» non definita"),
    ],
)
def test_indicator_rules(changes: dict[str, object], code: FindingCode, message: str) -> None:
    indicator = IndicatorDoc(name="Bando PID", kind="Volume", unit="n.", baseline="426",
                             comparator="≥", targets={2022: "80"}, weight="25,0%")
    for field, value in changes.items():
        setattr(indicator, field, value)
    findings = check_indicator(indicator, "01_01_02, indicatore 4 «Bando PID»",
                               variables=["N_Domande"])
    assert any(f.code is code and message in f.message for f in findings), findings
    assert all(f.item == "01_01_02, indicatore 4 «Bando PID»" for f in findings)


def test_duplicate_codes_in_a_version(plan: PlanDocument) -> None:
    plan.areas[0].objectives[1].operational[0].code = "01_01_02"
    findings = validate_document(plan)
    assert "obiettivo operativo 01_01_02: codice usato 2 volte nella stessa versione del piano" \
        in [str(f) for f in findings]
    assert [f.item for f in findings if f.code is FindingCode.DUPLICATE_CODE] == [
        "obiettivo operativo 01_01_02"]


def test_card_rules_carry_their_codes(plan: PlanDocument) -> None:
    cards = [op for area in plan.areas for so in area.objectives for op in so.operational]
    cards[0].indicators[0].weight = "15,0%"
    cards[1].indicators[0].weight = "n.d."
    cards[1].indicators[1].weight = "100,0%"
    plan.areas[0].objectives[1].operational.append(
        OperationalObjectiveDoc(code="01_03_04", title="Scheda vuota"))
    codes = {(f.code, f.item) for f in validate_document(plan)}
    assert codes == {(FindingCode.WEIGHT_SUM, "01_01_02"),
                     (FindingCode.MISSING_WEIGHT, "01_03_03"),
                     (FindingCode.NO_INDICATORS, "01_03_04")}
