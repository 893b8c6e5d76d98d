"""The differences between two plan versions, on real rows of 000_… (no database)."""

from __future__ import annotations

import copy

from performa.plans.diff import Change, diff
from performa.plans.document import IndicatorDoc, OperationalObjectiveDoc, PlanDocument


def _card(doc: PlanDocument, code: str) -> OperationalObjectiveDoc:
    return next(c for c in doc.operational_objectives() if c.code == code)


def _amended(plan: PlanDocument) -> tuple[PlanDocument, PlanDocument]:
    return plan, copy.deepcopy(plan)


def test_same_plan_has_no_changes(plan: PlanDocument) -> None:
    old, new = _amended(plan)
    assert diff(old, new) == []


def test_pid_card_amendment(plan: PlanDocument) -> None:
    old, new = _amended(plan)
    pid = _card(new, "01_01_02")
    pid.indicators[0].targets[2022] = "60"
    pid.indicators[0].weight = "15,0%"
    del pid.indicators[3]  # Customer satisfaction
    pid.indicators.append(IndicatorDoc(
        name="Eventi PID", description="Numero di eventi di formazione digitale", kind="Volume",
        unit="n.", comparator="≥", targets={2022: "10"}, weight="10,0%",
    ))
    path = ("1", "01_01", "01_01_02")
    assert diff(old, new) == [
        Change("changed", "indicatore", (*path, "Bando PID"), "peso", "25,0%", "15,0%"),
        Change("changed", "indicatore", (*path, "Bando PID"), "target 2022", "80", "60"),
        Change("added", "indicatore", (*path, "Eventi PID"), new="Eventi PID"),
        Change("removed", "indicatore", (*path, "Customer satisfaction"),
               old="Customer satisfaction"),
    ]
    assert str(diff(old, new)[1]) == "indicatore «Bando PID»: target 2022 80 → 60"


def test_indicators_follow_their_key_through_a_rename_and_a_move(plan: PlanDocument) -> None:
    old, new = _amended(plan)
    for doc in (old, new):
        for position, indicator in enumerate(doc.indicators()):
            indicator.key = f"00000000-0000-0000-0000-{position:012d}"
    pid, spaces = _card(new, "01_01_02"), _card(new, "01_03_03")
    pid.indicators[0].name = "Domande bando PID"
    spaces.indicators.append(pid.indicators.pop(1))  # Risorse umane dedicate moves
    changes = diff(old, new)
    assert Change("changed", "indicatore", ("1", "01_01", "01_01_02", "Domande bando PID"),
                  "nome", "Bando PID", "Domande bando PID") in changes
    assert Change("changed", "indicatore", ("1", "01_03", "01_03_03", "Risorse umane dedicate"),
                  "obiettivo operativo", "01_01_02", "01_03_03") in changes
    assert not [c for c in changes if c.kind != "changed"]


def test_without_keys_a_renamed_indicator_is_a_removal_and_an_addition(plan: PlanDocument) -> None:
    old, new = _amended(plan)
    _card(new, "01_01_02").indicators[0].name = "Domande bando PID"
    assert [(c.kind, c.label) for c in diff(old, new)] == [
        ("added", "Domande bando PID"), ("removed", "Bando PID"),
    ]


def test_card_fields_and_a_card_moved_to_another_strategic_objective(plan: PlanDocument) -> None:
    old, new = _amended(plan)
    area = new.areas[0]
    spaces = area.objectives[1].operational.pop()
    spaces.resources = "€ 5.000,00"
    spaces.office = "Provveditorato"
    spaces.transversal = True
    area.objectives[0].operational.append(spaces)
    path = ("1", "01_01", "01_03_03")
    assert diff(old, new) == [
        Change("changed", "obiettivo operativo", path, "obiettivo strategico", "01_03", "01_01"),
        Change("changed", "obiettivo operativo", path, "risorse", "risorse interne",
               "€ 5.000,00"),
        Change("changed", "obiettivo operativo", path, "ufficio", "Segreteria Generale",
               "Provveditorato"),
        Change("changed", "obiettivo operativo", path, "obiettivo trasversale", "no", "sì"),
    ]
    assert diff(old, new)[0].card == "01_03_03"


def test_strategic_objectives_and_areas_added_removed_and_changed(plan: PlanDocument) -> None:
    old, new = _amended(plan)
    new.areas[0].title = "Promozione e sostegno allo sviluppo del territorio"
    culture = new.areas[0].objectives.pop()
    culture.programme = ""
    new.areas[0].objectives[0].mission = "012"
    new.areas.append(copy.deepcopy(new.areas[0]))
    new.areas[1].code, new.areas[1].objectives = "2", [culture]
    changes = diff(old, new)
    assert changes == [
        Change("changed", "ambito", ("1",), "titolo", "Promozione e sostegno allo sviluppo",
               "Promozione e sostegno allo sviluppo del territorio"),
        Change("changed", "obiettivo strategico", ("1", "01_01"), "missione", "011", "012"),
        Change("added", "ambito", ("2",), new="Promozione e sostegno allo sviluppo del "
                                               "territorio"),
        Change("changed", "obiettivo strategico", ("2", "01_03"), "ambito", "1", "2"),
    ]
    removed = diff(new, old)
    assert Change("removed", "ambito", ("2",), old="Promozione e sostegno allo sviluppo del "
                                                   "territorio") in removed


def test_a_removed_card_is_one_change_and_an_added_one_too(plan: PlanDocument) -> None:
    old, new = _amended(plan)
    new.areas[0].objectives[1].operational = []
    new.areas[0].objectives[0].operational.append(OperationalObjectiveDoc(
        code="01_01_03", title="Transizione digitale", indicators=[IndicatorDoc(name="Eventi")]))
    assert diff(old, new) == [
        Change("added", "obiettivo operativo", ("1", "01_01", "01_01_03"),
               new="Transizione digitale"),
        Change("removed", "obiettivo operativo", ("1", "01_03", "01_03_03"),
               old="Valorizzazione degli spazi camerale e dell'Auditorium"),
    ]
