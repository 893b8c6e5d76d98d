"""Values printed in a document — a monitoring report laid out as the Piano's cards, a PIRA a
consuntivo — imported as the values of their period, with the document's own achievement
kept beside Performa's (``performa values import FILE.txt``).

None of the seeds prints measured values, so the documents are built here from the real
seeds: the Piano 2022 of Pistoia-Prato (``000_…``) with two columns added to card 01_01_02's
table, the way its cards print headers («Valore al 30/09/2022», «% raggiungimento»), and the
PIRA 2021 of Frosinone Latina (``004_…``) with «Stato 2021: 3» in VALORI OSSERVATI and a «%
raggiungimento» row under two KPIs of objective A1. Rows and lines are found in the raw text
here, by its own patterns, not by the reader.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse

from performa.accounts.access import SYSTEM
from performa.accounts.models import Membership, Role
from performa.cli import main
from performa.interchange.pira_text import read_pira_text
from performa.interchange.seed_text import read_plan_text
from performa.measures import actions
from performa.measures.models import IndicatorResult, MeasuredValue, Period, SourceResult
from performa.plans import models as plans
from performa.plans.store import store_plan

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

SEEDS = Path(__file__).resolve().parents[2].parent / "shared" / "seeds"
PIANO = SEEDS / "000_7c03116ef0aec330.txt"
PIRA = SEEDS / "004_b237edd194eb8dfa.txt"
HEADER = "\tValore al 30/09/2022\t% raggiungimento"
# Rows of card 01_01_02 by the first words of their first cell.
SURVEY = "Ampiezza delle attività di assesment"  # n., >= 60
CALL = "Bando PID"  # n., >= 80
USE = "Grado di utilizzo delle risorse"  # computed from resources used and the budget
SATISFACTION = "Customer satisfaction"


# --- the documents, built from the seeds ------------------------------------------------------


def _card_table(lines: list[str], code: str) -> tuple[int, list[int]]:
    """The header's index and the rows' indexes of a card's table: the first «Indicatori»
    line after the card's code alone on its line, then the lines up to the next blank one."""
    start = lines.index(code)
    header = next(i for i in range(start, len(lines)) if lines[i].startswith("Indicatori\t"))
    rows = []
    for index in range(header + 1, len(lines)):
        if not lines[index].strip():
            break
        rows.append(index)
    return header, rows


def _monitoring(added: dict[str, str], header: str = HEADER) -> tuple[str, dict[str, int]]:
    """Seed 000 with ``header`` after card 01_01_02's «Peso indicatori» and ``added`` cells
    after the weight of the rows starting with each key; the line number of each such row."""
    lines = PIANO.read_text(encoding="utf-8").splitlines()
    at, rows = _card_table(lines, "01_01_02")
    lines[at] += header
    numbers = {}
    for prefix, cells in added.items():
        index = next(i for i in rows if lines[i].startswith(prefix))
        lines[index] += "\t" + cells
        numbers[prefix] = index + 1
    numbers["header"] = at + 1
    return "\n".join(lines) + "\n", numbers


def _write(tmp_path: Path, text: str, name: str = "monitoraggio-30-09.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def pistoia() -> dict:
    text = PIANO.read_text(encoding="utf-8")
    version = store_plan(read_plan_text(text), body="Camera di Commercio di Pistoia-Prato").version
    september = Period.objects.create(cycle=version.cycle, date=date(2022, 9, 30),
                                      state="open")
    reader = User.objects.create_user("lettore", password="x-Secret-9")
    Membership.objects.create(user=reader, body=version.cycle.body, role=Role.READER)
    return {"version": version, "body": version.cycle.body, "september": september,
            "reader": reader}


def _indicator(version: plans.PlanVersion, code: str, start: str) -> plans.Indicator:
    return plans.Indicator.objects.get(version=version, operational_objective__code=code,
                                       name__startswith=start)


def _import(path: Path, body: str, year: int, *extra: str) -> int:
    return main(["values", "import", str(path), "--body", body, "--year", str(year), *extra])


def _result_row(page: str, name: str) -> str:
    """The row of the card's «Risultati nelle rilevazioni» table for the indicator ``name``."""
    results = page.split("Valori e grado di raggiungimento per rilevazione", 1)[1]
    rows = re.findall(r"<tr>.*?</tr>", results, re.S)
    return next(row for row in rows if f'class="fw-normal">{name}' in row)


# --- the Piano's cards with a 30/09 column -----------------------------------------------------


def test_a_monitoring_report_stores_the_30_09_values_and_keeps_its_achievements(
    pistoia: dict, tmp_path: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    text, lines = _monitoring({SURVEY: "45\t75%", CALL: "70\t85%", USE: "62%\t78%"})
    assert _import(_write(tmp_path, text), "Pistoia-Prato", 2022) == 0
    out = capsys.readouterr().out
    assert "Importati 2 valori" in out and "(rilevazione al 30/09/2022)" in out
    assert "raggiungimenti del documento conservati per il confronto: 3" in out
    assert f"01_01_02 n. 7 «{USE}» (riga {lines[USE]})" in out  # computed: kept to compare

    version, september = pistoia["version"], pistoia["september"]
    survey, call, use = (_indicator(version, "01_01_02", name) for name in (SURVEY, CALL, USE))
    stored = {v.indicator_id: v for v in MeasuredValue.objects.filter(period=september)}
    assert {k: (v.value_text, v.number) for k, v in stored.items()} == {
        survey.pk: ("45", 45.0), call.pk: ("70", 70.0)}
    assert stored[call.pk].history.first().history_change_reason == \
        "importazione da «monitoraggio-30-09.txt»"
    sources = {s.indicator_id: s for s in SourceResult.objects.filter(period=september)}
    assert {k: (s.value_text, s.achievement_text, s.achievement, s.line)
            for k, s in sources.items()} == {
        survey.pk: ("45", "75%", 0.75, lines[SURVEY]),
        call.pk: ("70", "85%", 0.85, lines[CALL]),
        use.pk: ("62%", "78%", 0.78, lines[USE])}
    assert sources[call.pk].history.count() == 1
    performa = {r.indicator_id: r.achievement for r in IndicatorResult.objects.filter(
        result_set__period=september, result_set__current=True)}
    assert (performa[survey.pk], performa[call.pk]) == (0.75, 0.875)  # 45/60, 70/80

    client.force_login(pistoia["reader"])
    page = client.get(reverse("web:card", args=[pistoia["body"].pk, "01_01_02"])).content.decode()
    row = _result_row(page, CALL)
    assert "Raggiungimento nel documento: 85%" in row
    assert "differisce di 2,5 punti da Performa (88%)" in row
    row = _result_row(page, survey.name)
    assert "Raggiungimento nel documento: 75%" in row and "differisce" not in row
    row = _result_row(page, USE)  # Performa has no resources used yet: nothing to compare
    assert "Valore nel documento: 62%" in row and "Raggiungimento nel documento: 78%" in row
    assert "differisce" not in row
    listing = client.get(reverse("web:indicators", args=[pistoia["body"].pk]),
                         {"esporta": "csv", "indicatore": CALL}).content.decode("utf-8-sig")
    table = list(csv.reader(io.StringIO(listing), delimiter=";"))
    row = dict(zip(table[0], next(r for r in table[1:] if r[1] == CALL), strict=True))
    assert (row["Raggiungimento"], row["Raggiungimento nel documento"]) == ("88%", "85%")


def test_a_second_report_replaces_values_and_drops_an_achievement_it_no_longer_prints(
    pistoia: dict, tmp_path: Path
) -> None:
    september = pistoia["september"]
    first, _ = _monitoring({CALL: "70\t85%"})
    assert _import(_write(tmp_path, first), "Pistoia-Prato", 2022) == 0
    second, _ = _monitoring({CALL: "80"})
    assert _import(_write(tmp_path, second, "monitoraggio-bis.txt"), "Pistoia-Prato", 2022) == 0
    value = MeasuredValue.objects.get(period=september)
    assert (value.value_text, value.revision) == ("80", 2)
    assert not SourceResult.objects.filter(period=september).exists()
    call = _indicator(pistoia["version"], "01_01_02", CALL)
    history = SourceResult.history.filter(indicator_id=call.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_change_reason == "importazione da «monitoraggio-bis.txt»"


def test_a_column_without_a_date_takes_the_period_given_and_notes_go_with_the_values(
    pistoia: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, lines = _monitoring({CALL: "70\tdato provvisorio"},
                              header="\tValore rilevato\tNote")
    path = _write(tmp_path, text)
    assert _import(path, "Pistoia-Prato", 2022) == 2
    assert (f"riga {lines['header']}: «Valore rilevato» non dice a quale data si riferisce"
            in capsys.readouterr().err)
    assert _import(path, "Pistoia-Prato", 2022, "--period", "30/09/2022") == 0
    value = MeasuredValue.objects.get(period=pistoia["september"])
    assert (value.value_text, value.note) == ("70", "dato provvisorio")
    assert not SourceResult.objects.exists()  # the document printed no achievement


# --- the PIRA a consuntivo ---------------------------------------------------------------------


def _consuntivo(states: dict[str, str], achievements: dict[str, str]) -> tuple[str, dict]:
    """Seed 004 with, under the first KPI whose name starts with each key (objective A1's),
    the VALORI OSSERVATI cell set to ``states[key]`` and a «% raggiungimento» row after it."""
    lines = PIRA.read_text(encoding="utf-8").splitlines()
    where = {}
    for name, state in states.items():
        kpi = next(i for i, line in enumerate(lines) if re.search(rf"KPI(</b>)?\t{name}", line))
        observed = next(i for i in range(kpi, len(lines)) if "VALORI OSSERVATI" in lines[i])
        lines[observed] = lines[observed].split("\t")[0] + "\t<b>VALORI OSSERVATI</b>\t" + state
        lines.insert(observed + 1, f"\t<b>% raggiungimento</b>\t{achievements[name]}")
        where[name] = observed
    # Found top-down in the text as it is being changed: each index already counts the rows
    # inserted above it.
    assert list(where.values()) == sorted(where.values())
    return "\n".join(lines) + "\n", {name: index + 1 for name, index in where.items()}


AGREEMENTS = "Intese con altri Enti/organismi"  # A1, >= 2
CALLS = "Predisposizione, emanazione e gestione bandi"  # A1, >= 2 (B1 and B2 print it too)


@pytest.fixture
def frosinone() -> dict:
    version = store_plan(read_pira_text(PIRA.read_text(encoding="utf-8"))).version
    year_end = Period.objects.create(cycle=version.cycle, date=date(2021, 12, 31),
                                     state="open")
    reader = User.objects.create_user("lettore", password="x-Secret-9")
    Membership.objects.create(user=reader, body=version.cycle.body, role=Role.READER)
    return {"version": version, "body": version.cycle.body, "year_end": year_end,
            "reader": reader}


def test_a_pira_a_consuntivo_stores_the_year_end_values_with_its_achievements(
    frosinone: dict, tmp_path: Path, client: Client, capsys: pytest.CaptureFixture[str]
) -> None:
    text, lines = _consuntivo(
        {AGREEMENTS: "Stato I sem 2020: Stato 2021: 3", CALLS: "Stato 2021: 1"},
        {AGREEMENTS: "100%", CALLS: "100%"})
    assert _import(_write(tmp_path, text, "pira-consuntivo.txt"), "Frosinone", 2021) == 0
    out = capsys.readouterr().out
    assert "Importati 2 valori" in out and "(rilevazione al 31/12/2021)" in out
    version, year_end = frosinone["version"], frosinone["year_end"]
    agreements, calls = (_indicator(version, "A1", name) for name in (AGREEMENTS, CALLS))
    stored = {v.indicator_id: v.value_text for v in MeasuredValue.objects.filter(period=year_end)}
    assert stored == {agreements.pk: "3", calls.pk: "1"}  # not B1's or B2's «… bandi»
    sources = {s.indicator_id: (s.achievement, s.line)
               for s in SourceResult.objects.filter(period=year_end)}
    assert sources == {agreements.pk: (1.0, lines[AGREEMENTS] + 1),
                       calls.pk: (1.0, lines[CALLS] + 1)}
    performa = {r.indicator_id: r.achievement for r in IndicatorResult.objects.filter(
        result_set__period=year_end, result_set__current=True)}
    assert (performa[agreements.pk], performa[calls.pk]) == (1.0, 0.5)  # 3 >= 2; 1 of 2

    client.force_login(frosinone["reader"])
    page = client.get(reverse("web:card", args=[frosinone["body"].pk, "A1"])).content.decode()
    row = _result_row(page, agreements.name)
    assert "Raggiungimento nel documento: 100%" in row and "differisce" not in row
    row = _result_row(page, CALLS)
    assert "Raggiungimento nel documento: 100%" in row
    assert "differisce di 50 punti da Performa (50%)" in row


# --- malformed copies: refused with the line, nothing stored ----------------------------------


def _nothing_stored(period: Period, before: dict) -> None:
    assert {v.indicator_id: (v.value_text, v.revision)
            for v in MeasuredValue.objects.filter(period=period)} == before
    assert not SourceResult.objects.exists()
    assert not SourceResult.history.exists()


# (cells added after the weight, header added, (row or "header", column), reason)
MALFORMED_REPORTS = [
    ({SURVEY: "45\t75%", CALL: "settanta\t85%"}, HEADER, (CALL, "Valore al 30/09/2022"),
     "Valore «settanta» non leggibile"),
    ({CALL: "70\ttanto"}, HEADER, (CALL, "% raggiungimento"), "Valore «tanto» non leggibile"),
    ({CALL: "70\tsi"}, HEADER, (CALL, "% raggiungimento"), "«si» non è una percentuale"),
    ({SATISFACTION: "7,4 su 10 circa\t100%"}, HEADER, (SATISFACTION, "Valore al 30/09/2022"),
     "Valore «7,4 su 10 circa» non leggibile"),
    ({SURVEY: "45\t75%", CALL: "70\t85%"}, "\tValore al 31/10/2022\t% raggiungimento",
     ("header", "Valore al 31/10/2022"), "nessuna rilevazione al 31/10/2022 nel ciclo 2022"),
    ({CALL: "70\t85%"}, "\tValore al 30/09/2021\t% raggiungimento", ("header", ""),
     "«Valore al 30/09/2021»: il 30/09/2021 non è nell'anno 2022 del ciclo"),
    ({CALL: "70\t85%"}, "\tValore al 30/09/2022\tScostamento", ("header", ""),
     "colonna «Scostamento» dopo «Peso indicatori» non riconosciuta"),
    ({CALL: "70\t85%\t3"}, HEADER, (CALL, ""), "celle in più dopo il peso («3»)"),
    # Good rows stored first, the last one refused as it is stored (its note is too long):
    # the good ones are not kept either.
    ({SURVEY: "45\t75%\t", CALL: "70\t85%\t", SATISFACTION: "7,4\t100%\t" + "x" * 2001},
     HEADER + "\tNote", (SATISFACTION, "Note"), "La nota può avere al massimo 2.000"),
]


def test_malformed_reports_are_refused_with_their_line_and_nothing_is_stored(
    pistoia: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    september = pistoia["september"]
    call = _indicator(pistoia["version"], "01_01_02", CALL)
    actions.enter_value(SYSTEM, september, call, "50")
    path = tmp_path / "monitoraggio-30-09.txt"
    for added, header, (row, column), reason in MALFORMED_REPORTS:
        text, lines = _monitoring(added, header)
        assert _import(_write(tmp_path, text), "Pistoia-Prato", 2022) == 2, reason
        err = capsys.readouterr().err
        where = f"riga {lines[row]}, colonna «{column}»" if column else f"riga {lines[row]}"
        assert f"errore in «{path}», {where}: " in err, err
        assert reason in err and "Nessun valore è stato salvato." in err, err
        _nothing_stored(september, {call.pk: ("50", 1)})


def test_a_row_that_is_not_in_the_plan_is_refused(
    pistoia: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text, lines = _monitoring({SURVEY: "45\t75%", CALL: "70\t85%"})
    text = text.replace(f"{CALL} Numero di domande", "Bando PIR Numero di domande", 1)
    assert _import(_write(tmp_path, text), "Pistoia-Prato", 2022) == 2
    err = capsys.readouterr().err
    assert (f"riga {lines[CALL]}: «Bando PIR Numero di domande gestite su bando Pid» non è un "
            "indicatore dell'obiettivo 01_01_02 nel piano 2022; in quella posizione (4) il "
            "piano ha «Bando PID»") in err
    _nothing_stored(pistoia["september"], {})


def test_a_closed_period_is_refused_until_it_is_opened(
    pistoia: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    september = pistoia["september"]
    actions.move_period(SYSTEM, september, Period.State.CLOSED)
    text, lines = _monitoring({CALL: "70\t85%"})
    path = _write(tmp_path, text)
    assert _import(path, "Pistoia-Prato", 2022) == 2
    assert (f"riga {lines['header']}, colonna «Valore al 30/09/2022»: la rilevazione al "
            "30/09/2022 non è aperta all'inserimento (chiusa): aprirla (pagina Rilevazioni) "
            "prima di importare i valori") in capsys.readouterr().err
    _nothing_stored(september, {})
    actions.move_period(SYSTEM, september, Period.State.OPEN, reason="valori del monitoraggio")
    assert _import(path, "Pistoia-Prato", 2022) == 0


@pytest.mark.parametrize(
    ("state", "achievement", "line_of", "reason"),
    [
        ("Stato 2021: tre", "100%", 0, "Valore «tre» non leggibile"),
        ("Stato 2021: 3", "molto", 1, "Valore «molto» non leggibile"),
        ("Stato 2022: 3", "100%", 0, "«Stato 2022»: il 31/12/2022 non è nell'anno 2021 del ciclo"),
        ("Stato al 30/09/2021: 3", "100%", 0, "nessuna rilevazione al 30/09/2021 nel ciclo 2021"),
    ],
)
def test_a_malformed_consuntivo_is_refused_with_its_line_and_nothing_is_stored(
    frosinone: dict, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    state: str, achievement: str, line_of: int, reason: str,
) -> None:
    text, lines = _consuntivo({AGREEMENTS: "Stato 2021: 3", CALLS: state},
                              {AGREEMENTS: "100%", CALLS: achievement})
    assert _import(_write(tmp_path, text, "pira.txt"), "Frosinone", 2021) == 2
    err = capsys.readouterr().err
    assert f", riga {lines[CALLS] + line_of}" in err and reason in err, err
    _nothing_stored(frosinone["year_end"], {})
