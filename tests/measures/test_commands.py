"""`performa compute`, `performa values import` and the demo's invented measures."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from performa.cli import main
from performa.measures.models import MeasuredValue, Period, ResultSet
from performa.plans import models as plans
from performa.plans.document import PlanDocument, VariableDoc
from performa.plans.store import store_plan

pytestmark = pytest.mark.django_db

BODY = "Camera di Commercio di Prova"


@pytest.fixture
def june(plan: PlanDocument) -> Period:
    plan.variables = [VariableDoc("N_ImprAtt", "Numero imprese attive al 31/12", "n.")]
    version = store_plan(plan).version
    return Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")


def _csv(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "valori.csv"
    path.write_text(text, encoding="utf-8")
    return path


def test_values_import_from_csv_then_compute_prints_the_tree(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _csv(tmp_path, "Data;Obiettivo;Indicatore;Variabile;Valore;Nota;Motivo n.d.\n"
                          "30/06/2022;01_01_02;1;;60;da Priamo;\n"
                          "30/06/2022;01_01_02;2;;2,5;;\n"
                          "30/06/2022;01_01_02;4;;n.d.;;indagine a ottobre\n"
                          "30/06/2022;;;N_ImprAtt;33.201;;\n")
    assert main(["values", "import", str(path)]) == 0
    assert "Importati 4 valori" in capsys.readouterr().out
    value = MeasuredValue.objects.get(indicator__name="Bando PID")
    assert (value.value_text, value.note, value.author) == ("60", "da Priamo", None)
    assert value.history.first().history_change_reason == "importazione da «valori.csv»"
    assert MeasuredValue.objects.get(variable__name="N_ImprAtt").number == 33201
    assert main(["compute", "--body", BODY, "--year", "2022"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{BODY} — rilevazione al 30/06/2022 (aperta)"
    assert "        78%  01_01_02 PID - Punto Impresa Digitale" in out  # (75% + 80%) / 2
    assert any(line.strip().startswith("n.d.  Customer satisfaction: n.d.") and
               "indagine a ottobre" in line for line in out)


def test_a_part_of_the_name_is_enough_for_values_import_and_compute(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """«--body prova» as «--body Pistoia-Prato» on the demo: one body's name holds it."""
    plans.Body.objects.create(name="Camera di Commercio della Maremma e del Tirreno")
    path = _csv(tmp_path, "Data;Obiettivo;Indicatore;Valore\n30/06/2022;01_01_02;1;60\n")
    assert main(["values", "import", str(path)]) == 2  # two bodies: which one?
    assert "indicare --body tra «Camera di Commercio della Maremma" in capsys.readouterr().err
    assert main(["values", "import", str(path), "--body", "prova"]) == 0
    assert main(["compute", "--body", "Prova", "--year", "2022"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == f"{BODY} — rilevazione al 30/06/2022 (aperta)"
    assert main(["compute", "--body", "Commercio", "--year", "2022"]) == 2
    assert capsys.readouterr().err == (
        "errore: «Commercio» indica più enti: «Camera di Commercio della Maremma e del "
        f"Tirreno», «{BODY}»: scrivere il nome per intero\n")


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ("30/06/2022;01_01_02;1;;sessanta", "riga 3, colonna «Valore»: Valore «sessanta»"),
        ("31/07/2022;01_01_02;1;;60", "riga 3, colonna «Data»: nessuna rilevazione al 31/07"),
        ("30/06/2022;01_09_09;1;;60", "riga 3, colonna «Obiettivo»: obiettivo «01_09_09»"),
        ("30/06/2022;01_01_02;9;;60", "riga 3, colonna «Indicatore»: la scheda 01_01_02 ha 4"),
        ("30/06/2022;;;Non_Esiste;60", "riga 3, colonna «Variabile»: variabile «Non_Esiste»"),
        ("30/06/2022;01_01_02;4;;n.d.", "riga 3, colonna «Motivo n.d.»"),
        ("30/06/2022;01_01_02;1;;6\x000", "riga 3, colonna «Valore»: il testo contiene il "
                                           "carattere nullo"),
    ],
)
def test_values_import_is_all_or_nothing_and_names_row_and_column(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str], rows: str, message: str
) -> None:
    path = _csv(tmp_path, "Data;Obiettivo;Indicatore;Variabile;Valore\n"
                          f"30/06/2022;01_01_02;2;;2,5\n{rows}\n")
    assert main(["values", "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert message in err, err
    assert "Nessun valore è stato salvato" in err
    assert not MeasuredValue.objects.exists()  # the good first row was not kept either


def test_values_import_from_xlsx_with_typed_cells(june: Period, tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    sheet.append(["Data", "Obiettivo", "Indicatore", "Valore"])
    sheet.append([date(2022, 6, 30), "01_01_02", 1, 60])  # a date and numbers, as Excel has
    sheet.append([date(2022, 6, 30), "01_01_02", 4, 7.4])
    path = tmp_path / "valori.xlsx"
    book.save(path)
    assert main(["values", "import", str(path)]) == 0
    assert sorted(MeasuredValue.objects.values_list("value_text", flat=True)) == ["60", "7,4"]


def test_values_import_reads_a_percent_cell_by_its_number_format(
    plan: PlanDocument, tmp_path: Path
) -> None:
    """12,5% typed in Excel is 0.125 with a percent format: stored as 12,5%, not 0,125%."""
    plan.variables = [VariableDoc("Quota_PEC", "Quota di imprese con PEC attiva", "%"),
                      VariableDoc("N_ImprAtt", "Numero imprese attive al 31/12", "n.")]
    version = store_plan(plan).version
    Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")
    book = Workbook()
    sheet = book.active
    sheet.append(["Data", "Variabile", "Valore"])
    sheet.append([date(2022, 6, 30), "Quota_PEC", 0.125])
    sheet["C2"].number_format = "0.0%"
    sheet.append([date(2022, 6, 30), "N_ImprAtt", 33201])
    sheet["C3"].number_format = "#,##0"  # shown 33.201: a number, whatever the grouping
    path = tmp_path / "valori.xlsx"
    book.save(path)
    assert main(["values", "import", str(path)]) == 0
    value = MeasuredValue.objects.get(variable__name="Quota_PEC")
    assert value.value_text == "12,5%"
    assert value.number == pytest.approx(0.125)
    assert MeasuredValue.objects.get(variable__name="N_ImprAtt").number == 33201


def test_unknown_column_is_refused(june: Period, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    path = _csv(tmp_path, "Data;Valore;Colore\n30/06/2022;1;rosso\n")
    assert main(["values", "import", str(path)]) == 2
    assert "riga 1, colonna «colore»: colonna sconosciuta" in capsys.readouterr().err


def test_demo_has_invented_june_and_september_values(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["demo"]) == 0
    assert "dati dimostrativi" in capsys.readouterr().out
    periods = list(Period.objects.order_by("date"))
    assert [(f"{p.date:%d/%m}", p.state, p.demo) for p in periods] == [
        ("30/06", "closed", True), ("30/09", "open", True), ("31/12", "planned", True)]
    values = MeasuredValue.objects.filter(period=periods[1])
    assert values.count() > 300
    assert set(values.values_list("note", flat=True)) == {"dati dimostrativi"}
    body = ResultSet.objects.get(period=periods[1], current=True).nodes.get(key="body")
    assert 0.5 < body.achievement < 1.0
    pid_use = plans.Indicator.objects.get(operational_objective__code="01_01_02",
                                          name="Grado di utilizzo delle risorse")
    assert not MeasuredValue.objects.filter(indicator=pid_use).exists()  # computed, not typed
    assert main(["compute", "--body", "Camera di Commercio di Pistoia-Prato", "--year", "2022",
                 "--period", "30/06/2022"]) == 0
    assert "(chiusa) — dati dimostrativi" in capsys.readouterr().out.splitlines()[0]
