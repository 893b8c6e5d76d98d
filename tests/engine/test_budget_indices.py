"""Budget indices in the engine: definitions read from data, computed with their inputs."""

from __future__ import annotations

from decimal import Decimal

import pytest

from performa.engine.budget import compute_index, definitions_from_data


def _one(**entry: object) -> object:
    base = {"code": "X", "name": "Indice", "formula": "SP.PN / SP.IMM"}
    return definitions_from_data([base | entry])[0]


def test_value_rounded_half_up_with_target_and_inputs() -> None:
    definition = _one(target=">= 0,7", printed="IX.X")
    amounts = {"SP.PN": 10186566.06, "SP.IMM": 5357678.69, "IX.X": 1.9}
    result = compute_index(definition, amounts, labels={"SP.PN": "Patrimonio netto",
                                                        "SP.IMM": "Immobilizzazioni"})
    assert result.shown == Decimal("1.90") and result.met is True and result.agrees is True
    assert result.why == "Patrimonio netto 10.186.566,06 / Immobilizzazioni 5.357.678,69"
    assert [(i.name, i.amount) for i in result.inputs] == [("SP.IMM", 5357678.69),
                                                           ("SP.PN", 10186566.06)]
    below = compute_index(definition, {"SP.PN": 1.0, "SP.IMM": 2.0})
    assert below.shown == Decimal("0.50") and below.met is False and below.printed is None
    # Half up on the decimal written, not on the float's binary tail: 0.125 → 0.13.
    assert compute_index(definition, {"SP.PN": 1.0, "SP.IMM": 8.0}).shown == Decimal("0.13")


def test_abs_and_previous_year_in_the_explanation() -> None:
    definition = _one(formula="prev(SP.LIQ) / (RC.A - abs(RC.B))")
    result = compute_index(definition, {"RC.A": 100.0, "RC.B": -150.0}, {"SP.LIQ": 1000.0},
                           {"SP.LIQ": "Liquidità", "RC.A": "Proventi", "RC.B": "Oneri"})
    assert result.shown == Decimal("-20.00")
    assert result.why == "Liquidità (anno precedente) 1.000,00 / (Proventi 100,00 - Oneri 150,00)"
    assert any(i.previous and i.name == "SP.LIQ" for i in result.inputs)


def test_missing_items_and_division_by_zero_are_nd_with_the_reason() -> None:
    definition = _one(formula="prev(SP.LIQ) / SP.IMM")
    first_year = compute_index(definition, {"SP.IMM": 5.0, "SP.LIQ": 3.0}, None,
                               {"SP.LIQ": "Disponibilità liquide"})
    assert first_year.shown is None and first_year.met is None
    assert first_year.reason == "mancano «Disponibilità liquide» dell'anno precedente"
    zero = compute_index(_one(), {"SP.PN": 1.0, "SP.IMM": 0.0})
    assert zero.shown is None and "zero" in zero.reason


@pytest.mark.parametrize(("data", "message"), [
    ({"code": "X", "name": "I", "formula": "SP.PN /"}, "indice «X»"),
    ({"code": "X", "name": "I", "formula": "a", "target": ">= molto"}, "target"),
    ({"code": "X", "name": "I", "formula": "a", "colour": "red"}, "campo sconosciuto"),
    ({"code": "X", "formula": "a"}, "«name»"),
    ({"code": "X", "name": "I", "formula": "a", "decimals": 9}, "decimals"),
])
def test_bad_definitions_are_refused_naming_the_entry(data: dict[str, object],
                                                      message: str) -> None:
    with pytest.raises(ValueError, match=message):
        definitions_from_data([data])
    with pytest.raises(ValueError, match="codice ripetuto"):
        definitions_from_data([{"code": "X", "name": "I", "formula": "a"}] * 2)
