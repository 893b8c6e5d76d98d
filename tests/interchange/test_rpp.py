"""The RPP 2022 of Toscana Nord-Ovest (seed ``002_…``): the merged body and the plans of Lucca,
Massa-Carrara and Pisa as its parts, read from the real text, stored, exported (JSON, XLSX,
ODS) and refused when broken.

The expected figures are taken from the raw text by this module's own small patterns, never by
asking the reader twice:

* Lucca's tree: ``^AREA STRATEGICA \\d+$`` (3 areas in the summary), the distinct codes of
  ``OBIETTIVO STRATEGICO 1A`` headings less the one «stato eliminato» (17 - 1 = 16),
  ``^Progetto \\d[A-Z]\\d{4}\\t`` (28 projects), ``^Azione complessa`` (43 actions, bare or in
  ``<p>``), ``^indicatore`` rows (140); the commercial actions are the ``71`` codes (6);
* Lucca's money: the lines «Totale costi esterni / investimenti / contributi/ricavi previsti
  per l'obiettivo strategico X (l'area strategica N) anno 2022: € …» and «TOTALE BUDGET
  AGGIORNATO 2022». The document is itself short of € 3.000,00 in objective 2C: its action
  lines sum to € 611.700,00 of costs and € 625.400,00 of contributions where it prints
  614.700 and 628.400 (and so area 2 and the whole budget); the tests say so explicitly and
  require the reader to warn naming those lines.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

import pytest

from performa.engine.values import parse_money
from performa.interchange import workbook
from performa.interchange.json_format import dump_json, load_json
from performa.interchange.rpp_text import PlanTextError, looks_like_rpp, read_rpp_text
from performa.plans import models as m
from performa.plans.document import ActionDoc, PlanDocument
from performa.plans.errors import InterchangeError
from performa.plans.store import plan_with_parts, store_plan

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED = SEEDS / "002_68b4b20b4f1ef68e.txt"
CATALOGUE = Path(__file__).resolve().parents[2] / "src" / "performa" / "catalog" / "data" / \
    "indicators.json"
MERGED = "Camera di Commercio della Toscana Nord-Ovest"
LUCCA = "Camera di Commercio di Lucca"
LEGACY = [LUCCA, "Camera di Commercio di Massa-Carrara", "Camera di Commercio di Pisa"]
SHORT_2C = Decimal("3000.00")  # what objective 2C prints beyond its own action lines

_PLANNED = re.compile(r"^\s*Totale (costi esterni|investimenti|contributi/ricavi) previsti per "
                      r"l'(area strategica|obiettivo strategico) (\d ?[A-Z]?) anno 2022:?\s*"
                      r"€\s*([\d.,]+)")
_MEASURE = {"costi esterni": "costs", "investimenti": "investments",
            "contributi/ricavi": "income"}


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def lucca_lines(text: str) -> list[str]:
    """Lucca's part of the file, up to Massa-Carrara's heading (line numbers kept: index + 1)."""
    lines = text.splitlines()
    end = next(i for i, line in enumerate(lines) if line.startswith("**CAMERA DI COMMERCIO"))
    return lines[:end]


@pytest.fixture()
def doc(text: str) -> PlanDocument:
    return read_rpp_text(text)


def _money(action: ActionDoc) -> dict[str, Decimal]:
    def value(amount: str) -> Decimal:
        return parse_money(amount) or Decimal(0)

    return {"costs": value(action.costs), "investments": value(action.investments),
            "income": value(action.contributions) + value(action.revenues)}


def _sums(actions: list[ActionDoc]) -> dict[str, Decimal]:
    total = {"costs": Decimal(0), "investments": Decimal(0), "income": Decimal(0)}
    for action in actions:
        for key, amount in _money(action).items():
            total[key] += amount
    return total


def _printed(lines: list[str]) -> list[tuple[int, str, str, str, Decimal]]:
    """(line, level, code, measure, amount) of every «Totale … previsti per …» line."""
    found = []
    for no, line in enumerate(lines, start=1):
        match = _PLANNED.match(line.replace("\t", " "))
        if match:
            measure, level, code, amount = match.groups()
            found.append((no, level.split()[0], code.replace(" ", ""), _MEASURE[measure],
                          parse_money(amount) or Decimal(0)))
    return found


def _warned(doc: PlanDocument, line: int) -> list[str]:
    return [w for w in doc.warnings if w.startswith(f"Lucca, riga {line}:")]


# -- recognising and splitting -----------------------------------------------------------


def test_the_layout_is_recognised_only_on_the_rpp(text: str) -> None:
    assert looks_like_rpp(text)
    for other in ("000_7c03116ef0aec330.txt", "004_b237edd194eb8dfa.txt"):
        assert not looks_like_rpp((SEEDS / other).read_text(encoding="utf-8"))


def test_the_merged_body_comes_from_the_cover_and_the_chambers_are_its_parts(
    doc: PlanDocument,
) -> None:
    assert (doc.body, doc.year) == (MERGED, 2022)
    assert (doc.version.organ, doc.version.number, doc.version.date) == \
        ("Consiglio", "10", "13/10/2022")
    assert doc.areas == []  # the merged body has no tree of its own for 2022
    assert [part.body for part in doc.parts] == LEGACY
    lucca = doc.parts[0]
    # «Aggiornamento con Delibera del Commissario n. 6 del 09/02/2022», the section's last act.
    assert (lucca.version.organ, lucca.version.number, lucca.version.date) == \
        ("Commissario", "6", "09/02/2022")
    assert (lucca.labels.area, lucca.labels.operational, lucca.labels.action) == \
        ("Area strategica", "Progetto", "Azione complessa")


def test_body_and_year_given_replace_the_cover(text: str) -> None:
    doc = read_rpp_text(text, body="CCIAA Toscana Nord-Ovest", year=2023)
    assert (doc.body, doc.year) == ("CCIAA Toscana Nord-Ovest", 2023)
    assert {part.year for part in doc.parts} == {2023}


# -- Lucca: the tree ---------------------------------------------------------------------


def test_lucca_has_the_areas_objectives_projects_actions_and_indicators_of_the_text(
    doc: PlanDocument, lucca_lines: list[str]
) -> None:
    lucca = doc.parts[0]
    areas = {m_.group(1) for line in lucca_lines
             if (m_ := re.match(r"^AREA STRATEGICA (\d+)$", line.strip()))}
    objectives = {m_.group(1).replace(" ", "") for line in lucca_lines
                  if (m_ := re.match(r"^OB+IETTIVO STRATEGICO (\d ?[A-Z])\b", line))}
    eliminated = sum("stato eliminato" in line for line in lucca_lines)
    projects = [line.split("\t")[0].split()[1] for line in lucca_lines
                if re.match(r"^Progetto \d[A-Z]\d{4}\t", line)]
    actions = [re.sub(r"<[^>]+>", "", line).split()[2] for line in lucca_lines
               if re.match(r"^(<p>)?Azione complessa", line)]
    indicators = sum(bool(re.match(r"^(<p>)?indicatore", line, re.I)) for line in lucca_lines)

    assert (len(areas), len(objectives), eliminated) == (3, 17, 1)
    assert [a.code for a in lucca.areas] == sorted(areas)
    assert len(lucca.strategic_objectives()) == len(objectives) - eliminated == 16
    assert "1C" not in {so.code for so in lucca.strategic_objectives()}
    assert [op.code for op in lucca.operational_objectives()] == projects
    assert len(projects) == 28
    assert [a.code for a in lucca.actions()] == actions
    assert len(actions) == 43
    assert len(lucca.indicators()) == indicators == 140
    assert any("1C eliminato" in w for w in doc.warnings)
    # Commercial actions are Lucca's "71" codes: the amounts sit in the commercial column.
    commercial = [a.code for a in lucca.actions() if a.activity == "commercial"]
    assert commercial == [code for code in actions if code[2:4] == "71"]
    assert len(commercial) == 6


def test_a_lucca_project_card_keeps_office_cost_centre_indicators_and_texts(
    doc: PlanDocument,
) -> None:
    lucca = doc.parts[0]
    card = next(op for op in lucca.operational_objectives() if op.code == "1B0103")
    assert card.title == "Piano strategico provinciale 2030"
    assert card.office == "Servizio Studi, Politiche economiche e Regolazione del Mercato"
    assert card.description.startswith("Nell'attuale fase di profondo ripensamento")
    assert "Impatto organizzativo" in card.description
    assert card.expected_impact.startswith("Definizione di un atto di indirizzo")
    assert [i.name for i in card.indicators] == [
        "realizzazione delle attività richieste dalla Cabina di Regia/Gruppo operativo entro "
        "15 giorni o 30 giorni a seconda della complessità"]
    assert card.indicators[0].targets == {}  # a target in words: no value is invented
    (action,) = card.actions
    assert (action.code, action.cost_centre, action.costs, action.contributions) == \
        ("1B010301", "C003", "€ 40.000,00", "€ 40.000,00")
    assert action.office == card.office
    assert {c.code for c in lucca.cost_centres} >= {"C003", "C004", "D003", "A005"}
    # 111300 - Macchine d'ufficio: an investment of 1B010402, not a cost.
    infra = next(a for a in lucca.actions() if a.code == "1B010402")
    assert (infra.costs, infra.investments) == ("€ 12.150,00", "€ 1.750,00")


# -- Lucca: the money against the document's own totals ----------------------------------


def test_lucca_objectives_money_matches_their_printed_totals(
    doc: PlanDocument, lucca_lines: list[str]
) -> None:
    lucca = doc.parts[0]
    by_code = {so.code: so for so in lucca.strategic_objectives()}
    disagreeing = []
    checked = 0
    for no, level, code, measure, printed in _printed(lucca_lines):
        if level != "obiettivo":
            continue
        actions = [a for op in by_code[code].operational for a in op.actions]
        computed = _sums(actions)[measure]
        checked += 1
        if computed != printed:
            disagreeing.append((code, measure, printed - computed))
            assert _warned(doc, no), f"riga {no} non segnalata"
    assert checked == 36
    assert disagreeing == [("2C", "costs", SHORT_2C), ("2C", "income", SHORT_2C)]


def test_lucca_areas_and_budget_match_their_printed_totals(
    doc: PlanDocument, lucca_lines: list[str]
) -> None:
    lucca = doc.parts[0]
    disagreeing = []
    for no, level, code, measure, printed in _printed(lucca_lines):
        if level != "area":
            continue
        area = next(a for a in lucca.areas if a.code == code)
        computed = _sums([a for so in area.objectives for op in so.operational
                          for a in op.actions])[measure]
        if computed != printed:
            disagreeing.append((code, measure, printed - computed))
            assert _warned(doc, no)
    assert disagreeing == [("2", "costs", SHORT_2C), ("2", "income", SHORT_2C)]

    budget = next(i for i, line in enumerate(lucca_lines) if line.startswith("TOTALE BUDGET"))
    figures = re.findall(r"€\s*([\d.,]+)", " ".join(lucca_lines[budget + 1 : budget + 5]))
    income, costs, investments = (parse_money(f) for f in figures)
    assert (income, costs, investments) == (
        Decimal("1418965.00"), Decimal("1674400.00"), Decimal("47750.00"))
    total = _sums(lucca.actions())
    assert total == {"income": income - SHORT_2C, "costs": costs - SHORT_2C,
                     "investments": investments}
    line = budget + 3  # the figures' line, 1-based
    assert len(_warned(doc, line)) == 2


def test_lucca_totals_the_document_gets_wrong_are_warned_by_line(
    doc: PlanDocument, lucca_lines: list[str]
) -> None:
    # The summary at the top prints area 2's costs as 1.533.400, its own section 1.493.400.
    summary = next(no for no, line in enumerate(lucca_lines, start=1)
                   if "COSTI ESTERNI 2022" in line and "1.533.400,00" in line)
    assert any("€ 1.533.400,00" in w for w in _warned(doc, summary))
    # Spreadsheet errors printed in place of a total: said, never read as a figure.
    broken = [no for no, line in enumerate(lucca_lines, start=1) if "#RIF!" in line]
    assert len(broken) == 4
    for no in broken:
        assert any("#RIF!" in w for w in _warned(doc, no))
    # 1D710102 prints TOTALE COSTI 2.500,00 under account lines of 2.500,00 and 50,00.
    start = next(i for i, line in enumerate(lucca_lines) if "Azione complessa 1D710102" in line)
    block = lucca_lines[start : start + 10]
    lines = [parse_money(line.split("\t")[-1]) for line in block if re.match(r"^3[23]\d{4}", line)]
    total_no = start + 1 + next(i for i, line in enumerate(block)
                                if line.startswith("TOTALE COSTI"))
    assert sum(lines, Decimal(0)) == Decimal("2550.00")
    assert any("€ 2.500,00" in w and "€ 2.550,00" in w for w in _warned(doc, total_no))


# -- Massa-Carrara: the strategic tree with the catalogue's indicators -------------------


@pytest.fixture(scope="module")
def massa_lines(text: str) -> list[tuple[int, str]]:
    """Massa-Carrara's chapter «2.3 Obiettivi e programmi» up to «2.4 Riepilogo …», with
    line numbers."""
    lines = list(enumerate(text.splitlines(), start=1))
    start = next(i for i, (_, line) in enumerate(lines) if line == "2.3 Obiettivi e programmi")
    end = next(i for i, (_, line) in enumerate(lines) if line.startswith("2.4 Riepilogo"))
    return lines[start:end]


def test_massa_carrara_objectives_and_indicators_are_those_of_chapter_2_3(
    doc: PlanDocument, massa_lines: list[tuple[int, str]], text: str
) -> None:
    massa = doc.parts[1]
    objectives: dict[str, str] = {}  # code → mission printed above it
    indicators: list[str] = []
    mission = ""
    for _, line in massa_lines:
        clean = re.sub(r"</?p>", "", line)
        if found := re.match(r"^MISSIONE - (\d{3})", clean):
            mission = found.group(1)
        elif clean.startswith("PROGRAMMA - "):
            continue
        elif found := re.match(r"^(\d\.\d) - ", clean):
            objectives[found.group(1)] = mission
        elif found := re.match(r"^(DFP [\d.]+|[A-Za-z][\w.]*) - .*\t", clean):
            indicators.append(found.group(1))
    summary = text[text.index("\n2.4 Riepilogo obiettivi strategici"):]
    areas = sorted(set(re.findall(r"\bAS(\d)\b", summary[: summary.index("\n3. IL QUADRO")])))

    assert (len(areas), len(objectives), len(indicators)) == (3, 8, 20)
    assert [a.code for a in massa.areas] == areas
    got = {so.code: so.mission for so in massa.strategic_objectives()}
    assert got == objectives
    # Each objective sits in the area of its code's first digit (chapter 2.4).
    assert all(so.code.startswith(f"{a.code}.") for a in massa.areas for so in a.objectives)
    assert sorted(i.code for i in massa.indicators()) == sorted(indicators)
    catalogue = {i["code"] for i in json.loads(CATALOGUE.read_text(encoding="utf-8"))
                 ["indicators"]}
    assert len([i for i in massa.indicators() if i.code in catalogue]) == 17
    tbs = next(i for i in massa.indicators() if i.code == "OC_TBS_02")
    assert (tbs.name, tbs.unit, tbs.comparator) == \
        ("Grado di adesione al cassetto digitale", "%", ">=")
    assert tbs.targets == {2022: "20,00 %", 2023: "21,00 %", 2024: "22,00 %"}
    assert {(p.mission, p.programme) for p in massa.programmes} == \
        {("011", "005"), ("012", "004"), ("016", "005"), ("032", "003")}


def test_massa_carrara_chapters_that_disagree_are_warned(doc: PlanDocument, text: str) -> None:
    lines = text.splitlines()
    # The summary prints OC_TBS_03's 2022 target as 7, chapter 2.3 as 6.
    summary = next(no for no, line in enumerate(lines, start=1)
                   if line.startswith("OC_TBS_03 Grado") and ">= 7,00 N." in line)
    assert any(w.startswith(f"Massa-Carrara, riga {summary}:") and "OC_TBS_03" in w
               for w in doc.warnings)
    # Table 2.2 files 2.2 and 3.x under area B, 2.1 and 2.3 under area C.
    assert any("2.2 Ambiti strategici" in w for w in doc.warnings)
    assert any("Massa-Carrara" in w and "obiettivo operativo con lo stesso codice" in w
               for w in doc.warnings)
    # Not read yet, and said so with its total.
    assert any("INTERVENTI ECONOMICI 2022" in w and "€ 1.059.500,00" in w and "non importata"
               in w for w in doc.warnings)


# -- Pisa: strategic lines, programmes, projects -----------------------------------------


def test_pisa_has_the_lines_programmes_and_projects_of_its_cards(
    doc: PlanDocument, text: str
) -> None:
    pisa = doc.parts[2]
    lines = text.splitlines()
    cards = [re.match(r"^Programma (\d\.\d) della CCIAA di Pisa", line, re.I)
             for line in lines]
    codes = [card.group(1) for card in cards if card]
    strategic_lines = {line.split(":")[0].split()[-1] for line in lines
                       if line.startswith("LINEA STRATEGICA")}
    assert (len(strategic_lines), len(codes)) == (3, 12)
    assert [a.code for a in pisa.areas] == sorted(strategic_lines)
    assert [so.code for so in pisa.strategic_objectives()] == codes
    assert (pisa.labels.area, pisa.labels.strategic) == ("Linea strategica", "Programma")
    # Projects of 3.9: the «- » bullets between its «Progetti» and «Risultati attesi».
    start = next(i for i, line in enumerate(lines) if line.startswith("Programma 3.9 della"))
    block = lines[start:]
    first = block.index("Progetti")
    last = block.index("Risultati attesi")
    bullets = [line[2:] for line in block[first:last] if line.startswith("- ")]
    card = next(so for so in pisa.strategic_objectives() if so.code == "3.9")
    assert [op.title for op in card.operational] == bullets
    assert [op.code for op in card.operational] == [f"3.9.{n}" for n in range(1, 7)]
    assert card.resources.startswith("90.000 euro Interventi economici")
    assert any("1.2 sospeso" in w for w in doc.warnings)


def test_pisa_resources_that_disagree_are_warned(doc: PlanDocument, text: str) -> None:
    lines = text.splitlines()
    # Programme 1.3: 200.000 + 285.000 + 85.500 in the summary, 250.000 + 85.500 + 285.000
    # in its card; line 3: € 1.070.000,00 for programmes worth 2.000.000 + 15.000 + 20.000 +
    # 40.000 + 90.000.
    card = next(no for no, line in enumerate(lines, start=1)
                if line.startswith("Totale risorse € 250.000+ 85.500 +285.000"))
    line_3 = next(no for no, line in enumerate(lines, start=1)
                  if line == "Risorse 2022: € 1.070.000,00")
    assert any(w.startswith(f"Pisa, riga {card}:") and "€ 620.500,00" in w
               and "€ 570.500,00" in w for w in doc.warnings)
    assert any(w.startswith(f"Pisa, riga {line_3}:") and "€ 2.165.000,00" in w
               for w in doc.warnings)


# -- through the database and JSON -------------------------------------------------------


def _comparable(doc: PlanDocument) -> PlanDocument:
    """The document without what is not stored: the reader's warnings, the indicators' keys
    (the database gives each one)."""
    parts = [_comparable(part) for part in doc.parts]
    doc = dataclasses.replace(doc, warnings=[], parts=parts)
    for indicator in doc.indicators():
        indicator.key = ""
    return doc


@pytest.mark.django_db
def test_stored_as_the_merged_body_with_the_legacy_bodies_and_read_back(
    doc: PlanDocument,
) -> None:
    stored = store_plan(doc)
    merged = stored.version.cycle.body
    assert merged.name == MERGED
    assert sorted(b.name for b in merged.legacy_bodies.all()) == LEGACY
    assert m.Body.objects.count() == 4
    assert stored.counts["azioni"] == 43
    # Lucca's 28 projects, one per Massa-Carrara objective (8), Pisa's 46 projects.
    assert stored.counts["obiettivi operativi"] == 28 + 8 + 46
    assert stored.counts["indicatori"] == 140 + 20
    actions = m.Action.objects.filter(version__cycle__body__name=LUCCA)
    assert sum(a.investments for a in actions) == Decimal("47750.00")
    assert sum(a.costs for a in actions) == Decimal("1674400.00") - SHORT_2C
    lucca = m.Body.objects.get(name=LUCCA)
    assert (lucca.area_label, lucca.action_label) == ("Area strategica", "Azione complessa")
    assert lucca.cost_centres.count() == len(doc.parts[0].cost_centres)

    massa = m.Body.objects.get(name=LEGACY[1])
    assert m.Indicator.objects.filter(version__cycle__body=massa).exclude(code="").count() == 20
    # The 17 coded with a national catalogue code are linked to the catalogue's indicator.
    linked = m.Indicator.objects.filter(version__cycle__body=massa, catalog__isnull=False)
    assert linked.count() == 17
    digital = linked.get(code="OC_TD_01")
    assert digital.catalog is not None and digital.catalog.code == "OC_TD_01"
    assert m.PlanProgramme.objects.filter(version__cycle__body=massa).count() == 4

    back = plan_with_parts(stored.version)
    assert [p.body for p in back.parts] == LEGACY
    assert _comparable(back.parts[0]) == _comparable(doc.parts[0])
    for ours, theirs in zip(back.parts[1:], doc.parts[1:], strict=True):
        again = _comparable(ours)
        assert (again.areas, again.programmes, again.version) == \
            (theirs.areas, theirs.programmes, theirs.version)
    assert back.version == doc.version


def test_json_keeps_the_whole_document(doc: PlanDocument) -> None:
    text = dump_json(doc)
    again = load_json(text)
    assert _comparable(again) == _comparable(doc)
    assert dump_json(again) == text


@pytest.mark.parametrize("kind", ["xlsx", pytest.param("ods", marks=pytest.mark.slow)])
def test_a_workbook_keeps_the_whole_document(doc: PlanDocument, kind: str) -> None:
    data = getattr(workbook, f"dump_{kind}")(doc)
    assert _comparable(getattr(workbook, f"load_{kind}")(data)) == _comparable(doc)


# -- refused when broken -----------------------------------------------------------------


def _replace_line(text: str, pattern: str, new: Callable[[str], str]) -> tuple[str, int]:
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if re.search(pattern, line))
    lines[index] = new(lines[index])
    return "\n".join(lines), index + 1


def _insert_before(text: str, pattern: str, line: str) -> tuple[str, int]:
    lines = text.split("\n")
    index = next(i for i, current in enumerate(lines) if re.search(pattern, current))
    lines.insert(index, line)
    return "\n".join(lines), index + 1


@pytest.mark.parametrize(("break_it", "reason"), [
    (lambda t: _replace_line(t, r"^330042 Studi, ricerche di mercato e indagini\t40\.000,00",
                             lambda line: line.replace("40.000,00", "40.000,0x")),
     "importo «40.000,0x» non leggibile"),
    (lambda t: _insert_before(t, r"^OBIETTIVO STRATEGICO 1A$", "Azione complessa 1A010101\tProva"),
     "fuori dalla scheda di un progetto"),
    (lambda t: _replace_line(t, r"^CdC\tC003 Servizio Regolazione del Mercato",
                             lambda line: line.replace("C003 ", "")),
     "manca il codice del centro di costo"),
    (lambda t: _replace_line(t, r"^\*\*CAMERA DI COMMERCIO$", lambda line: "**CAMERA"),
     "manca la sezione della Camera di Commercio di Massa-Carrara"),
])
@pytest.mark.django_db
def test_a_broken_copy_is_refused_naming_the_line_and_nothing_is_stored(
    text: str, break_it: Callable[[str], tuple[str, int]], reason: str
) -> None:
    broken, line = break_it(text)
    with pytest.raises(PlanTextError) as caught:
        store_plan(read_rpp_text(broken))
    assert reason in caught.value.reason
    if "sezione" in reason:  # named where the search ran into Pisa's heading
        assert "cercata dalla riga" in caught.value.reason
    else:
        assert caught.value.line == line
    assert not m.Body.objects.exists()


@pytest.mark.django_db
def test_a_part_that_cannot_be_stored_leaves_no_body_behind(doc: PlanDocument) -> None:
    # The merged body and Lucca are written before Pisa fails: all of it is rolled back.
    doc.parts[2].cost_centres = []
    doc.parts[2].areas = doc.parts[0].areas
    with pytest.raises(InterchangeError, match="non elencato"):
        store_plan(doc)
    assert not m.Body.objects.exists()


@pytest.mark.django_db
def test_the_command_recognises_the_rpp_and_stores_the_merged_body_with_its_parts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from performa.cli import main

    seed = SEEDS / "002_68b4b20b4f1ef68e.txt"
    assert main(["import-plan", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "Camera di Commercio della Toscana Nord-Ovest, anno 2022" in out
    body = m.Body.objects.get(name="Camera di Commercio della Toscana Nord-Ovest")
    assert body.legacy_bodies.count() == 3
    assert main(["import-plan", str(seed), "--format", "pira"]) == 2  # told the wrong layout
    assert m.Body.objects.count() == 4
