"""`performa values import` refuses files built to exhaust it, before reading them.

The values files are built in the test (openpyxl, then the sheet's XML edited in the zip, or
plain CSV text) and imported through the real command into the real database; limits are
lowered with ``monkeypatch`` only where the real one would need a large file.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from performa import filelimits
from performa.cli import main
from performa.measures.models import MeasuredValue, Period
from performa.plans.document import PlanDocument
from performa.plans.store import store_plan
from zips import rezip

pytestmark = pytest.mark.django_db

SHEET = "xl/worksheets/sheet1.xml"


@pytest.fixture
def june(plan: PlanDocument) -> Period:
    version = store_plan(plan).version
    return Period.objects.create(cycle=version.cycle, date=date(2022, 6, 30), state="open")


def _workbook(rows: int = 2) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Valori"
    sheet.append(["Data", "Obiettivo", "Indicatore", "Valore"])
    for _ in range(rows):
        sheet.append([date(2022, 6, 30), "01_01_02", 1, 60])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _edit_sheet(data: bytes, edit: Callable[[str], str]) -> bytes:
    xml = zipfile.ZipFile(io.BytesIO(data)).read(SHEET).decode("utf-8")
    return rezip(data, SHEET, edit(xml).encode("utf-8"))


def _import(tmp_path: Path, data: bytes, name: str = "valori.xlsx") -> int:
    path = tmp_path / name
    path.write_bytes(data)
    return main(["values", "import", str(path)])


def _refused(capsys: pytest.CaptureFixture[str], message: str) -> None:
    err = capsys.readouterr().err
    assert message in err, err
    assert "Nessun valore è stato salvato" in err
    assert not MeasuredValue.objects.exists()


def test_forged_dimension_is_refused_before_reading(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _edit_sheet(_workbook(), lambda xml: xml.replace('ref="A1:D3"', 'ref="A1:XFD1048576"'))
    assert _import(tmp_path, data) == 2
    _refused(capsys, "riga 1: foglio «Valori»: il foglio dichiara l'area A1:XFD1048576 "
                     "(1.048.576 righe × 16.384 colonne), oltre il limite di 20.000 righe × "
                     "200 colonne")


def test_dimension_declared_too_small_loses_no_value(june: Period, tmp_path: Path) -> None:
    # Read-only openpyxl cut every row to the declared area: here, the first cell.
    data = _edit_sheet(_workbook(), lambda xml: xml.replace('ref="A1:D3"', 'ref="A1"'))
    assert _import(tmp_path, data) == 0
    assert MeasuredValue.objects.get().value_text == "60"


def test_rows_past_the_limit_are_refused_though_the_dimension_lies(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(filelimits, "MAX_ROWS", 10)
    data = _edit_sheet(_workbook(rows=30), lambda xml: xml.replace('ref="A1:D31"', 'ref="A1:D3"'))
    assert _import(tmp_path, data) == 2
    _refused(capsys, "riga 11: foglio «Valori»: il foglio ha righe oltre la 10ª")


def test_one_cell_at_a_far_row_is_refused(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    far = '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    data = _edit_sheet(_workbook(), lambda xml: xml.replace("</sheetData>", far + "</sheetData>"))
    assert _import(tmp_path, data) == 2
    _refused(capsys, "riga 1048576: foglio «Valori»: il foglio ha righe oltre la 20.000ª")


def test_zip_bomb_is_refused_before_inflating(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def sheet() -> Iterable[bytes]:
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        yield b"<sheetData>"
        block = b'<row><c t="inlineStr"><is><t>60</t></is></c></row>' * 20_000
        for _ in range(250):
            yield block
        yield b"</sheetData></worksheet>"

    data = rezip(_workbook(), SHEET, sheet())
    assert len(data) < 2 * 1024 * 1024
    assert _import(tmp_path, data) == 2
    _refused(capsys, f"oltre 100,0 MB una volta espanso (elemento «{SHEET}»)")


def test_file_larger_than_the_limit_is_refused(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(filelimits, "MAX_FILE_BYTES", 100)
    assert _import(tmp_path, _workbook()) == 2
    _refused(capsys, "il file è di ")  # from its size on disk: the command never reads it


def test_not_a_workbook_is_refused_with_a_message(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _import(tmp_path, b"PK\x03\x04 not really a zip") == 2
    _refused(capsys, "riga 1: il file non è una cartella di lavoro Excel (.xlsx) leggibile")


def test_csv_rows_and_columns_past_the_limits_are_refused(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(filelimits, "MAX_ROWS", 5)
    text = "Data;Obiettivo;Indicatore;Valore\n" + "30/06/2022;01_01_02;1;60\n" * 10
    assert _import(tmp_path, text.encode(), "valori.csv") == 2
    _refused(capsys, "riga 6: oltre il limite di 5 righe")

    wide = "Data;Obiettivo;Indicatore;Valore\n30/06/2022;01_01_02;1;60" + ";" * 300 + "\n"
    assert _import(tmp_path, wide.encode(), "valori.csv") == 2
    _refused(capsys, "riga 2: 304 colonne, oltre il limite di 200")


def test_csv_field_longer_than_the_csv_limit_is_refused(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = 'Data;Obiettivo;Indicatore;Valore\n30/06/2022;01_01_02;1;"' + "6" * 200_000 + '"\n'
    assert _import(tmp_path, text.encode(), "valori.csv") == 2
    _refused(capsys, "riga 2: CSV non leggibile")


def test_a_short_row_is_read_as_empty_cells(
    june: Period, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # XLSX rows are now read as long as they are, like CSV records: a row that ends early
    # has empty cells after its end (it was a KeyError for a CSV row without "Valore").
    text = "Data;Obiettivo;Indicatore;Valore;Nota\n30/06/2022;01_01_02;1;60\n"
    assert _import(tmp_path, text.encode(), "valori.csv") == 0
    assert MeasuredValue.objects.get().note == ""
    text = "Data;Obiettivo;Indicatore;Valore\n30/06/2022;01_01_02;2\n"
    assert _import(tmp_path, text.encode(), "valori.csv") == 2
    assert "riga 2, colonna «Valore»: Valore «» non leggibile: il valore è vuoto" in (
        capsys.readouterr().err
    )
