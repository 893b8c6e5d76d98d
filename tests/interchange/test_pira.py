"""The PIRA reader on the real PIRA 2021 of the Camera di Commercio Frosinone Latina (seed
``004_…``), through the database, JSON and the command line, and on copies broken on purpose.

The expected figures are counted on the raw text here, with patterns independent of the
reader (counted by hand too, 398 lines):

* missions: the ``MISSIONE - 0xx`` rows opening the card tables → 011, 016, 012, 032 (4);
* programmes: the ``PROGRAMMA DI SPESA`` headings of the first part → 5 (032 has two);
* objectives: the ``TITOLO`` rows, each with its code in parentheses → 13, the same codes the
  first part lists as «Obiettivo strategico (X)»;
* indicators: the ``KPI…`` label cells → 35, as many as the ``RISULTATI ATTESI`` rows; the
  ``INDICATORE`` cells are no count (the conversion repeats or moves that merged cell: 36
  occurrences, 23 of them in bold).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from performa.interchange.json_format import dump_json, load_json
from performa.interchange.layouts import LAYOUTS, UnknownLayoutError, recognise
from performa.interchange.pira_text import (
    TargetCell,
    TargetCellError,
    read_pira_text,
    read_target_cell,
)
from performa.interchange.seed_text import PlanTextError
from performa.plans.document import IndicatorDoc, PlanDocument, StrategicObjectiveDoc

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
SEED = SEEDS / "004_b237edd194eb8dfa.txt"
BODY = "Camera di Commercio Frosinone Latina"
TAGS = re.compile(r"</?b>")


@pytest.fixture(scope="module")
def text() -> str:
    return SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def plan(text: str) -> PlanDocument:
    return read_pira_text(text)


def _cells(line: str) -> list[str]:
    return [" ".join(TAGS.sub("", cell).split()) for cell in line.split("\t")]


def _objective(plan: PlanDocument, code: str) -> StrategicObjectiveDoc:
    return next(so for so in plan.strategic_objectives() if so.code == code)


def _indicator(plan: PlanDocument, name: str) -> IndicatorDoc:
    return next(ind for ind in plan.indicators() if ind.name == name)


def _text_cards(text: str) -> dict[str, tuple[str, int]]:
    """Objective code → (mission of the MISSIONE row above it, number of KPI rows after it)."""
    cards: dict[str, tuple[str, int]] = {}
    mission, current = "", ""
    for line in text.splitlines():
        cells = [c for c in _cells(line) if c]
        if "\t" not in line or not cells:
            continue
        found = re.fullmatch(r"MISSIONE\s*[-–]\s*(\d{3})", cells[0])
        if found:
            mission = found.group(1)
        elif len(cells) > 2 and cells[1] == "TITOLO":
            current = re.match(r"\((\w+)\)", cells[2]).group(1)  # type: ignore[union-attr]
            cards[current] = (mission, 0)
        elif any(cell.startswith("KPI") for cell in cells):
            cards[current] = (cards[current][0], cards[current][1] + 1)
    return cards


# --- the plan as read ------------------------------------------------------------------------


def test_counts_match_an_independent_count_of_the_text(plan: PlanDocument, text: str) -> None:
    lines = text.splitlines()
    table_missions = {m for line in lines if "\t" in line
                      for m in re.findall(r"^MISSIONE\s*[-–]\s*(\d{3})$", _cells(line)[0])}
    assert table_missions == {"011", "012", "016", "032"}
    headings = [line for line in lines
                if line.startswith("#") and "programma di spesa" in line.casefold()]
    assert len(headings) == 5
    kpi_rows = [line for line in lines if any(c.startswith("KPI") for c in _cells(line))]
    assert len(kpi_rows) == len(re.findall(r"RISULTATI ATTESI", text)) == 35
    listed = re.findall(r"Obiettivo strategico \((\w+)\)", text)
    cards = _text_cards(text)
    assert sorted(listed) == sorted(cards) and len(cards) == 13

    assert {so.mission for so in plan.strategic_objectives()} == table_missions
    assert len(plan.programmes) == len(headings)
    assert len(plan.indicators()) == len(kpi_rows)
    assert {so.code: (so.mission, len(so.operational[0].indicators))
            for so in plan.strategic_objectives()} == cards
    assert all(indicator.published for indicator in plan.indicators())


def test_body_year_and_title_come_from_the_text(plan: PlanDocument) -> None:
    assert (plan.body, plan.year, plan.triennium) == (BODY, 2021, (2021, 2023))
    assert plan.version.title == ("Piano degli indicatori e dei risultati attesi di Bilancio ai "
                                  "sensi dell'art. 19 del D.Lgs. 91/2011")
    assert (plan.labels.area, plan.labels.strategic) == ("Area strategica",
                                                         "Obiettivo strategico")


def test_programmes_with_their_codes_titles_and_narratives(plan: PlanDocument) -> None:
    assert [(p.mission, p.programme, p.title) for p in plan.programmes] == [
        ("011", "005", "Promozione e attuazione di politiche di sviluppo, competitività e "
                       "innovazione, di responsabilità sociale d'impresa e movimento cooperativo"),
        ("012", "004", "Vigilanza sui mercati e sui prodotti, promozione della concorrenza e "
                       "tutela dei consumatori"),
        ("016", "005", "Sostegno all'internazionalizzazione delle imprese e promozione del Made "
                       "in Italy"),
        ("032", "002", "Indirizzo politico"),
        ("032", "003", "Servizi e affari generali per le amministrazioni di competenza"),
    ]
    competitiveness = plan.programmes[0].narrative
    assert competitiveness.startswith("Nella missione “Competitività e sviluppo delle imprese” "
                                      "confluiscono, ad eccezione di quelle inerenti")
    assert competitiveness.endswith("in collaborazione con altri organismi e Istituzioni locali).")
    assert "Gli obiettivi in cui si articola" not in competitiveness
    # 032: the mission's paragraph, then the programme's own; the page header is not text.
    politics = plan.programmes[3].narrative.split("\n\n")
    assert [p[:40] for p in politics] == ["In questa Missione rientrano le funzioni",
                                          "In tale programma rientrano le attività "]
    assert "FROSINONE" not in plan.programmes[3].narrative


def test_areas_follow_the_table_of_raccordo(plan: PlanDocument) -> None:
    assert [(a.code, a.title, [so.code for so in a.objectives]) for a in plan.areas] == [
        ("1", "Competitività del Territorio", ["A1", "A2", "A3"]),
        ("2", "Competitività dell'Ente", ["C1", "C2", "C3", "C4", "C5", "C6", "C7"]),
        ("3", "Competitività delle Imprese", ["B1", "B2", "B3"]),
    ]


def test_an_objective_card_as_printed(plan: PlanDocument) -> None:
    a1 = _objective(plan, "A1")
    assert (a1.title, a1.mission, a1.programme, a1.function) == (
        "Valorizzare le peculiarità/potenzialità del territorio", "011", "005", "D")
    assert a1.description.startswith("Ambito progettuale: Governance e sviluppo locale. "
                                      "Realizzare iniziative")
    assert (a1.time_span, a1.stakeholders, a1.resources, a1.related) == (
        "2021/2023 (triennale)", "Cittadini, imprese ed Enti locali.", "€ 460.000,00",
        "AA 101 AA 102 AA 103 AA 104 AA105")
    assert a1.responsible_centre == ("CDR 3 - Studi, formazione, informazione e promozione "
                                     "economica.")
    [card] = a1.operational
    assert (card.code, card.title, card.area) == (a1.code, a1.title, a1.responsible_centre)
    c3 = _objective(plan, "C3")
    assert (c3.programme, c3.function, c3.resources, c3.related) == ("003", "B", "", "")
    assert _objective(plan, "C6").stakeholders == ""


def test_indicators_with_targets_per_year_units_and_sources(plan: PlanDocument) -> None:
    a1 = _objective(plan, "A1").operational[0]
    tenders = a1.indicators[1]
    assert (tenders.name, tenders.description, tenders.baseline, tenders.unit) == (
        "Predisposizione, emanazione e gestione bandi",
        "n. di bandi predisposti, emanati e gestiti", "", "n.")
    assert (tenders.comparator, tenders.targets) == (">=", {2021: "2", 2022: "2", 2023: "3"})
    assert tenders.source == "Rilevazione interna della Camera"
    women = _indicator(plan, "Realizzazione di iniziative per sostenere l'imprenditoria femminile")
    assert (women.comparator, women.targets, women.unit) == (
        "", {2021: "70%", 2022: "70%", 2023: "70%"}, "%")
    pid = _indicator(plan, "Punto Impresa Digitale - diffusione delle informazioni sul PID e "
                           "coinvolgimento delle imprese sul tema della digitalizzazione")
    assert pid.targets == {2021: "4"}  # «Target 2022: --- Target 2023: ---»
    payments = _indicator(plan, "Tempo medio di pagamento delle fatture passive")
    assert (payments.code, payments.comparator, payments.targets, payments.unit) == (
        "KPI STD 225", "<", {2021: "30", 2022: "30", 2023: "30"}, "gg")
    assert payments.description.startswith("∑ gg intercorsi")
    online = _indicator(plan, "Servizi offerti online")
    assert (online.code, online.kind) == ("KPI STD 76", "Qualità/accessibilità multicanale")
    # Its INDICATORE cell comes after the first rows, past a page break (lines 338-341).
    cycle = _indicator(plan, "Attuazione Ciclo della Performance")
    assert (cycle.comparator, cycle.targets) == (">=", {2021: "2", 2022: "2", 2023: "2"})


def test_what_the_reader_had_to_guess_is_said_with_the_line(plan: PlanDocument) -> None:
    assert "Riga 120: «Stato I sem 2020:» senza valore: stato di partenza lasciato vuoto" in \
        plan.warnings
    assert "Riga 267: il KPI non ha un nome: usato «KPI STD 166 (Qualità/tempestività)»" in \
        plan.warnings
    no_unit = [w for w in plan.warnings if "unità di misura non deducibile" in w]
    assert [w.split(":")[0] for w in no_unit] == ["Riga 277", "Riga 291", "Riga 338", "Riga 344",
                                                  "Riga 376", "Riga 387"]
    assert sum(1 for ind in plan.indicators() if not ind.unit) == len(no_unit)


# --- target cells ----------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "expected"), [
    ("Target 2021: >=2 Target 2022: >=2 Target 2023: >=3",
     TargetCell(">=", {2021: "2", 2022: "2", 2023: "3"})),
    ("Anno 2015: >= 2.355  Anno 2016: >= 2.355", TargetCell(">=", {2015: "2.355", 2016: "2.355"})),
    ("<= 10 gg.", TargetCell("<=", {0: "10"}, "gg.")),
    ("Target 2021:<30 gg Target 2022: < 30 gg", TargetCell("<", {2021: "30", 2022: "30"}, "gg")),
    ("maggiore o uguale a 90,00%", TargetCell(">=", {0: "90,00%"})),
    ("Target 2021: entro il 30/06/2021", TargetCell("<=", {2021: "30/06/2021"})),
    ("Kpi non definito", TargetCell("", {0: "n.d."}, not_defined=True)),
    ("Target 2021: 70% Target 2022: 70%", TargetCell("", {2021: "70%", 2022: "70%"})),
    ("Target 2021: >=4 Target 2022: --- Target 2023: ---", TargetCell(">=", {2021: "4"})),
    ("Target 2021:= 100% Target 2022:=100%", TargetCell("=", {2021: "100%", 2022: "100%"})),
    ("Target 2021: >=2 Target 2022: <=3", TargetCell("", {2021: ">=2", 2022: "<=3"})),
    ("<b>Target 2021: > 1</b>", TargetCell(">", {2021: "1"})),
    ("-----", TargetCell("", {})),
])
def test_target_cells_in_the_forms_real_piras_print(cell: str, expected: TargetCell) -> None:
    assert read_target_cell(cell) == expected


@pytest.mark.parametrize(("cell", "reason"), [
    ("Target 2021: >=abc", "target 2021 «>=abc» non leggibile"),
    ("Target 2021: >=2 Target 2021: >=3", "l'anno 2021 compare due volte"),
    ("circa 5 Target 2021: 3", "«circa 5» prima del primo anno"),
    ("Target 2021: 5 gg Target 2022: 5 ore", "unità diverse negli anni"),
    ("Target 2021: >=", "manca il valore del target"),
])
def test_target_cells_that_say_nothing_readable_are_refused(cell: str, reason: str) -> None:
    with pytest.raises(TargetCellError, match=re.escape(reason)):
        read_target_cell(cell)


# --- recognising the layout ------------------------------------------------------------------


def test_each_seed_is_recognised_as_its_layout(text: str) -> None:
    assert recognise(text) == "pira"
    assert recognise((SEEDS / "000_7c03116ef0aec330.txt").read_text(encoding="utf-8")) == "piano"
    rpp = (SEEDS / "002_68b4b20b4f1ef68e.txt").read_text(encoding="utf-8")
    assert recognise(rpp) == "rpp"
    assert [name for name, layout in LAYOUTS.items() if layout.looks_like(rpp)] == ["rpp"]
    with pytest.raises(UnknownLayoutError, match="nessun documento conosciuto"):
        recognise("Verbale della Giunta\n\nLa Giunta delibera.\n")


# --- broken copies -----------------------------------------------------------------------------

BROKEN = [
    (126, lambda line: line.replace("Target 2021: >=2", "Target 2021: >=abc"),
     "Riga 126: risultati attesi: target 2021 «>=abc» non leggibile"),
    (128, lambda line: line.replace("<b>TITOLO</b>", ""),
     "Riga 128: riga «Obiettivo» senza «TITOLO»"),
    (128, lambda line: "", "Riga 129: «DESCRIZIONE» fuori da una scheda"),
    (223, lambda line: line.replace("012", "099"),
     "Riga 223: missione «099» non presente nel catalogo"),
    (55, lambda line: line.replace("Vigilanza", "Sorveglianza"),
     "Riga 55: programma «Sorveglianza sui mercati"),
    (141, lambda line: line.replace("(A3)", "(A2)"), "Riga 141: obiettivo A2 già presente alla "
                                                      "riga 128"),
    (160, lambda line: line.replace("<b>KPI</b>", "<b>KPO</b>"),
     "Riga 160: riga non riconosciuta: «KPO»"),
]


def _broken(text: str, line_no: int, change: object) -> str:
    lines = text.split("\n")
    lines[line_no - 1] = change(lines[line_no - 1])  # type: ignore[operator]
    assert lines != text.split("\n")
    return "\n".join(lines)


@pytest.mark.parametrize(("line_no", "change", "message"), BROKEN)
def test_a_broken_copy_is_refused_naming_the_line(text: str, line_no: int, change: object,
                                                  message: str) -> None:
    with pytest.raises(PlanTextError) as caught:
        read_pira_text(_broken(text, line_no, change))
    assert str(caught.value).startswith(message)


# --- through the database and the command line ---------------------------------------------


@pytest.mark.django_db
def test_stored_plan_reads_back_as_it_was_read(plan: PlanDocument) -> None:
    from decimal import Decimal

    from performa.plans import models as m
    from performa.plans.store import plan_document, store_plan

    stored = store_plan(plan)
    assert (stored.counts["ambiti"], stored.counts["obiettivi strategici"],
            stored.counts["indicatori"]) == (3, 13, 35)
    back = plan_document(stored.version)
    for indicator in back.indicators():
        indicator.key = ""
    assert back.areas == plan.areas
    assert back.programmes == plan.programmes
    assert (back.body, back.year, back.triennium) == (plan.body, plan.year, plan.triennium)
    a1 = m.StrategicObjective.objects.get(version=stored.version, code="A1")
    assert a1.resources_amount == Decimal("460000.00")
    assert (a1.mission.code, a1.programme.code, a1.function.code) == ("011", "005", "D")
    assert m.Indicator.objects.filter(version=stored.version, published=True).count() == 35
    # JSON keeps all of it.
    text = dump_json(back)
    again = load_json(text)
    assert again.areas == plan.areas and again.programmes == plan.programmes
    assert dump_json(again) == text


def test_json_round_trip_of_the_plan_as_read(plan: PlanDocument) -> None:
    again = load_json(dump_json(plan))
    assert again.areas == plan.areas
    assert again.programmes == plan.programmes
    assert again.labels == plan.labels


@pytest.mark.django_db
@pytest.mark.parametrize("fmt", [[], ["--format", "pira"], ["--format", "text"]])
def test_import_plan_recognises_the_pira_or_is_told(
    fmt: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    from performa.cli import main
    from performa.plans import models as m

    assert main(["import-plan", str(SEED), "--body", BODY, "--year", "2021", *fmt]) == 0
    out = capsys.readouterr().out
    assert "obiettivi strategici: 13" in out and "indicatori: 35" in out
    assert "Riga 267: il KPI non ha un nome" in out
    version = m.Cycle.objects.get(body__name=BODY, year=2021).current_version()
    assert version is not None
    assert m.PlanProgramme.objects.filter(version=version).count() == 5


@pytest.mark.django_db
def test_import_plan_told_the_wrong_layout_says_so(capsys: pytest.CaptureFixture[str]) -> None:
    from performa.cli import main
    from performa.plans import models as m

    assert main(["import-plan", str(SEED), "--body", BODY, "--format", "piano"]) == 2
    assert "non è un piano della performance" in capsys.readouterr().err
    assert not m.Body.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(("line_no", "change", "message"), BROKEN[:4])
def test_import_plan_refuses_a_broken_copy_and_saves_nothing(
    text: str, line_no: int, change: object, message: str, tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    from performa.cli import main
    from performa.plans import models as m

    broken = tmp_path / "pira.txt"
    broken.write_text(_broken(text, line_no, change), encoding="utf-8")
    assert main(["import-plan", str(broken), "--body", BODY, "--year", "2021"]) == 2
    err = capsys.readouterr().err
    assert message in err and "Nessun dato è stato salvato" in err
    assert not m.Body.objects.exists()


@pytest.mark.django_db
@pytest.mark.slow
def test_demo_loads_the_pira_as_a_second_body_once(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.contrib.auth.models import User

    from performa.accounts.models import Membership
    from performa.cli import main
    from performa.cli.plans import DEMO_BODY, DEMO_PIRA_BODY
    from performa.plans import models as m

    monkeypatch.setenv("PERFORMA_DEMO_PASSWORD", "prova-Demo-2021")
    assert DEMO_PIRA_BODY == BODY
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert "Camera di Commercio Frosinone Latina, anno 2021" in out
    pira = m.Cycle.objects.get(body__name=BODY, year=2021).current_version()
    assert pira is not None
    assert m.Indicator.objects.filter(version=pira).count() == 35
    fl_users = set(Membership.objects.filter(body__name=BODY)
                   .values_list("user__username", flat=True))
    assert fl_users == {"fl.amministratore", "fl.pianificazione", "fl.dirigente.cdr3", "fl.oiv",
                        "fl.lettore"}
    head = User.objects.get(username="fl.dirigente.cdr3")
    assert head.check_password("prova-Demo-2021")
    assert head.memberships.get().org_unit.name.startswith("CDR 3 - Studi")  # type: ignore[union-attr]
    # Each demo account belongs to one body only.
    assert not Membership.objects.filter(body__name=DEMO_BODY, user__username__in=fl_users)
    before = (m.PlanVersion.objects.count(), User.objects.count(), Membership.objects.count())

    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert f"già caricato ({DEMO_BODY}, 2022)" in out
    assert f"già caricato ({BODY}, 2021)" in out
    assert (m.PlanVersion.objects.count(), User.objects.count(),
            Membership.objects.count()) == before
    # Piano, PIRA, and the RPP's merged body with its three predecessors; 7 + 5 + 4 accounts.
    assert before == (6, 16, 16)

    # Each body is checked on its own: without the PIRA's cycle, only the PIRA comes back.
    m.Cycle.objects.filter(body__name=BODY).delete()
    assert main(["demo"]) == 0
    out = capsys.readouterr().out
    assert f"già caricato ({DEMO_BODY}, 2022)" in out and "indicatori: 35" in out
    assert m.PlanVersion.objects.count() == 6
