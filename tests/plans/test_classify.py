"""Performa's mission/programme classification from the function of each objective's Area.

On the real demo plan (000_… Pistoia-Prato 2022) the expected figures are worked out here from
the seed text itself: the Area printed on every card, the majority of their functions, the
strategic objectives' titles. The small cases pin the rules a planner relies on: a mission the
source prints is kept, ties and transversal objectives, repeat runs, unknown Areas.
"""

from __future__ import annotations

import copy
import re
from collections import Counter
from pathlib import Path

import pytest

from performa.cli.plans import DEMO_BODY, demo_seed
from performa.interchange.seed_text import read_plan_text
from performa.plans.classify import area_functions, classify_by_area, classify_plan, normalise
from performa.plans.document import (
    OperationalObjectiveDoc,
    PlanDocument,
    ProgrammeDoc,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
)

# The chambers' mapping (004_… §Premessa) and the functions Performa gives Pistoia-Prato's
# Areas (plans/data/area_functions.json), restated so that a change to either is a decision.
PROGRAMME = {"A": "032.002", "B": "032.003", "C": "012.004", "D": "011.005"}
AREAS = {
    "Segretario Generale": "A", "Responsabile Prevenzione Corruzione Trasparenza": "A",
    "Risorse ed organizzazione": "B", "Risorse e organizzazione": "B",
    "Anagrafe e semplificazione": "C", "Tutela del Mercato e della Fede Pubblica": "C",
    "Tutela del Mercato e Legalità": "C", "Promozione e sviluppo economico": "D",
}
INTERNATIONAL = re.compile(r"export|internazionalizzazione|\bestero\b|made in italy", re.I)


def seed_text() -> str:
    return Path(demo_seed()).read_text(encoding="utf-8")


def seed_cards(text: str) -> dict[str, str]:
    """Operational objective code → the Area its card prints (same line or the next)."""
    lines = text.splitlines()
    code, areas = "", {}
    for number, line in enumerate(lines):
        found = re.search(r"\b(\d\d_\d\d_\d\d)\b", line)
        if found:
            code = found.group(1)
        if "Area di responsabilità:" not in line:
            continue
        value, following = line.split("Area di responsabilità:", 1)[1], number
        while not re.sub(r"<[^>]*>|\*", "", value).strip():
            following += 1
            value = lines[following]
        areas[code] = re.sub(r"<[^>]*>|\*", "", value).split("Ufficio:")[0].strip()
    return areas


def seed_titles(text: str) -> dict[str, str]:
    """Strategic objective code → title, from the cards' «Obiettivo strategico (OS)» lines."""
    titles: dict[str, str] = {}
    for code, title in re.findall(r"^(\d\d_\d\d)(?!_)\s*-?\s*(\S.*?)\s*$", text, re.M):
        titles.setdefault(code, title)
    return titles


def expected_classification(text: str) -> tuple[dict[str, str], dict[str, str]]:
    """(strategic objective → programme, operational objective → its own programme when it
    differs from its strategic objective's), by the rules, from the seed text."""
    cards = seed_cards(text)
    titles = seed_titles(text)
    strategic: dict[str, str] = {}
    own: dict[str, str] = {}
    for so in sorted({code[:5] for code in cards}):
        votes = [AREAS[area] for code, area in cards.items()
                 if code.startswith(so) and area in AREAS]
        counts = Counter(votes)
        best = max(counts.values())
        function = next(v for v in votes if counts[v] == best)  # tie: first card's
        programme = PROGRAMME[function]
        if function == "D" and INTERNATIONAL.search(titles[so]):
            programme = "016.005"
        strategic[so] = programme
        for code, area in cards.items():
            if code.startswith(so) and area in AREAS:
                mine = PROGRAMME[AREAS[area]] if AREAS[area] != function else programme
                if mine != programme:
                    own[code] = mine
    return strategic, own


@pytest.fixture(scope="module")
def demo_doc() -> PlanDocument:
    doc = read_plan_text(seed_text(), body=DEMO_BODY, year=2022)
    assert classify_plan(doc) == []
    return doc


def test_demo_strategic_objectives_by_programme(demo_doc: PlanDocument) -> None:
    strategic, _ = expected_classification(seed_text())
    assert len(strategic) == 8
    got = {so.code: f"{so.mission}.{so.programme}" for so in demo_doc.strategic_objectives()}
    assert got == strategic
    assert Counter(got.values()) == Counter(strategic.values()) == {
        "011.005": 3, "012.004": 3, "016.005": 1, "032.003": 1}
    assert {so.code: so.function for so in demo_doc.strategic_objectives()} == {
        "01_01": "D", "01_02": "D", "01_03": "D", "01_04": "C", "01_05": "D", "01_06": "C",
        "02_01": "C", "03_01": "B"}
    assert {so.classified_by for so in demo_doc.strategic_objectives()} == {"performa"}


def test_demo_operational_objectives_of_another_function(demo_doc: PlanDocument) -> None:
    _, own = expected_classification(seed_text())
    got = {op.code: f"{op.mission}.{op.programme}" for op in demo_doc.operational_objectives()
           if op.mission}
    assert got == own
    # The Segretario Generale's cards under other objectives, and the promotion card of 01_04.
    assert Counter(own.values()) == {"032.002": 7, "011.005": 1}
    assert all(not op.programme for op in demo_doc.operational_objectives()
               if op.code not in own)


def test_demo_programmes_say_they_are_performa_s(demo_doc: PlanDocument) -> None:
    codes = [f"{p.mission}.{p.programme}" for p in demo_doc.programmes]
    assert codes == ["011.005", "012.004", "016.005", "032.002", "032.003"]
    for programme in demo_doc.programmes:
        assert programme.classified_by == "performa"
        assert programme.narrative.startswith(
            "Descrizione standard del programma attribuita da Performa, non tratta dal "
            "documento dell'ente")
        assert not programme.stakeholders and not programme.benefits  # nothing invented


def test_every_area_printed_in_the_demo_is_in_the_table() -> None:
    printed = set(seed_cards(seed_text()).values()) - {"Obiettivo trasversale"}
    table = area_functions(DEMO_BODY)
    assert len(table) == len(AREAS) == len(printed)
    assert {normalise(name) for name in printed} == set(table)


def test_classifying_twice_changes_nothing(demo_doc: PlanDocument) -> None:
    again = copy.deepcopy(demo_doc)
    assert classify_plan(again) == []
    assert again == demo_doc


def objective(code: str, *areas: str, title: str = "Obiettivo") -> StrategicObjectiveDoc:
    return StrategicObjectiveDoc(code=code, title=title, operational=[
        OperationalObjectiveDoc(code=f"{code}_{n:02}", title=f"Progetto {n}", area=area)
        for n, area in enumerate(areas, 1)])


def plan_of(*objectives: StrategicObjectiveDoc) -> PlanDocument:
    return PlanDocument(body="Camera di Prova", year=2022,
                        areas=[StrategicAreaDoc("1", "Ambito", list(objectives))])


TABLE = {"anagrafe": "C", "promozione": "D", "segreteria": "A"}


def test_a_tie_goes_to_the_first_card_and_transversal_cards_do_not_vote() -> None:
    doc = plan_of(objective("01_01", "Obiettivo trasversale", "Anagrafe", "Promozione",
                            "Obiettivo trasversale", "Promozione", "Anagrafe"))
    assert classify_by_area(doc, TABLE) == []
    so = doc.strategic_objectives()[0]
    assert (so.function, so.mission, so.programme) == ("C", "012", "004")
    ops = {op.code: (op.mission, op.programme) for op in so.operational}
    assert ops == {"01_01_01": ("", ""), "01_01_02": ("", ""), "01_01_03": ("011", "005"),
                   "01_01_04": ("", ""), "01_01_05": ("011", "005"), "01_01_06": ("", "")}


def test_internationalisation_goes_to_mission_016() -> None:
    doc = plan_of(objective("01_01", "Promozione", title="Sostegno all'export"),
                  objective("01_02", "Promozione", "Promozione"))
    doc.areas[0].objectives[1].operational[1].description = "Fiere all'estero per le imprese"
    classify_by_area(doc, TABLE)
    first, second = doc.strategic_objectives()
    assert (first.mission, first.programme) == ("016", "005")
    assert (second.mission, second.programme) == ("011", "005")
    assert [(op.mission, op.programme) for op in second.operational] == [("", ""),
                                                                         ("016", "005")]


def test_a_mission_the_source_prints_is_kept_with_its_programmes() -> None:
    printed = objective("01_01", "Segreteria")
    printed.mission, printed.programme = "011", "005"
    doc = plan_of(printed, objective("01_02", "Segreteria"))
    doc.programmes = [ProgrammeDoc("011", "005", narrative="Testo dell'ente.")]
    classify_by_area(doc, TABLE)
    first, second = doc.strategic_objectives()
    assert (first.mission, first.programme, first.classified_by) == ("011", "005", "")
    assert first.operational[0].mission == ""
    assert (second.mission, second.programme, second.classified_by) == ("032", "002",
                                                                         "performa")
    assert [(p.mission, p.programme, p.narrative[:16], p.classified_by)
            for p in doc.programmes] == [("011", "005", "Testo dell'ente.", ""),
                                         ("032", "002", "Descrizione stan", "performa")]


def test_what_cannot_be_classified_is_said_by_name() -> None:
    doc = plan_of(objective("01_01", "Obiettivo trasversale"),
                  objective("01_02", "Ufficio misterioso", "Anagrafe"))
    warnings = classify_by_area(doc, TABLE)
    assert warnings == [
        "Obiettivo strategico 01_01: nessuna Area con funzione nota, missione e programma "
        "non attribuiti.",
        "Obiettivo operativo 01_02_01: Area «Ufficio misterioso» assente dalla tabella delle "
        "funzioni, classificato come il suo obiettivo strategico.",
    ]
    assert doc.warnings == warnings
    first, second = doc.strategic_objectives()
    assert (first.mission, first.classified_by) == ("", "")
    assert (second.mission, second.programme) == ("012", "004")
    assert [f"{p.mission}.{p.programme}" for p in doc.programmes] == ["012.004"]


def test_a_body_without_a_table_is_left_as_it_is() -> None:
    doc = plan_of(objective("01_01", "Anagrafe"))
    before = copy.deepcopy(doc)
    assert classify_plan(doc) == [
        "Nessuna tabella delle Aree per «Camera di Prova»: obiettivi non classificati per "
        "missione e programma."]
    assert doc.areas == before.areas and doc.programmes == []
