"""Plan files built to exhaust the importer are refused by the limits, before the work.

Every file here is built in the test from the small plan of ``conftest`` with the real
writers (``dump_json``, ``dump_xlsx``, ``dump_ods``), then edited the way an attacker would:
a JSON text nested 200.000 levels deep, an XLSX whose sheet declares 1.048.576 rows or really
has them, a sheet XML of hundreds of MB deflated into a few hundred KB, an ODS that repeats a
row until it has tens of thousands. Limits are lowered with ``monkeypatch`` only where the
real limit would need a large file; the readers and the database are the real ones.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

from performa import filelimits
from performa.cli import main
from performa.interchange.json_format import dump_json, load_json
from performa.interchange.workbook import dump_ods, dump_xlsx, load_ods, load_xlsx
from performa.plans.document import PlanDocument
from performa.plans.errors import InterchangeError
from performa.plans.models import Body, PlanVersion
from zips import rezip

INDICATORS_XLSX = "xl/worksheets/sheet5.xml"  # dump_xlsx writes the sheets in SHEET_NAMES order
# The area its Indicatori sheet declares: a header and six indicators, columns A to R.
INDICATORS_AREA = "A1:R7"


def _edit_member(data: bytes, member: str, edit: Callable[[str], str]) -> bytes:
    text = zipfile.ZipFile(io.BytesIO(data)).read(member).decode("utf-8")
    edited = edit(text)
    assert edited != text, f"the edit of {member} changed nothing"
    return rezip(data, member, edited.encode("utf-8"))


def _peak_memory(call: Callable[[], object]) -> tuple[int, object, BaseException | None]:
    """Peak bytes allocated while ``call`` runs, what it returned and what it raised."""
    result: object = None
    error: BaseException | None = None
    tracemalloc.start()
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - returned to the test, which checks it
        error = exc
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    return peak, result, error


# --------------------------------------------------------------------------------------------
# JSON


@pytest.mark.django_db
def test_json_nested_200000_levels_is_refused_without_recursion_error(
    plan: PlanDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deep = "[" * 200_000 + "]" * 200_000
    text = dump_json(plan).replace('"areas": [', f'"areas": [{deep}, ', 1)
    path = tmp_path / "piano.json"
    path.write_text(text, encoding="utf-8")
    assert main(["import-plan", str(path), "--format", "json"]) == 2  # no RecursionError
    err = capsys.readouterr().err
    assert "oltre 64 livelli" in err, err
    assert "Nessun dato è stato salvato" in err
    assert not Body.objects.exists() and not PlanVersion.objects.exists()


def test_json_depth_error_names_line_and_column() -> None:
    with pytest.raises(InterchangeError) as caught:
        load_json('{"a":\n  ' + "[" * 100 + "]" * 100 + "}")
    # The 65th level is the 64th bracket of line 2 (the object is the first level).
    assert caught.value.location == "riga 2, colonna 66"
    assert str(caught.value).startswith("«riga 2, colonna 66»: oggetti e liste annidati oltre 64")


def test_json_brackets_inside_strings_do_not_count(plan: PlanDocument) -> None:
    title = '[[[{{{ \\"[[[[ ' * 50 + "]]]"
    plan.areas[0].title = title
    assert load_json(dump_json(plan)).areas[0].title == title


def test_json_larger_than_the_limit_is_refused_before_parsing() -> None:
    text = "[" + " " * filelimits.MAX_FILE_BYTES + "]"
    with pytest.raises(InterchangeError) as caught:
        load_json(text)
    assert caught.value.location == "documento"
    assert "oltre il limite di 20,0 MB" in caught.value.reason


@pytest.mark.django_db
def test_the_command_refuses_a_file_too_large_by_its_size_on_disk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The file is not even loaded into memory: its size on disk decides."""
    monkeypatch.setattr(filelimits, "MAX_FILE_BYTES", 1024)
    path = tmp_path / "piano.json"
    path.write_bytes(b" " * 2048)
    assert main(["import-plan", str(path), "--format", "json"]) == 2
    assert "oltre il limite di 0,0 MB per un file da importare" in capsys.readouterr().err
    assert not Body.objects.exists()


def test_json_with_too_many_objects_is_refused(
    plan: PlanDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filelimits, "MAX_JSON_CONTAINERS", 10)
    with pytest.raises(InterchangeError) as caught:
        load_json(dump_json(plan))
    assert "più di 10 oggetti e liste" in caught.value.reason


# --------------------------------------------------------------------------------------------
# XLSX


@pytest.mark.parametrize("ref", ["A1:XFD1048576", "A1:Q20001", "A1:GS7"])
def test_xlsx_with_a_forged_dimension_is_refused_before_reading(
    plan: PlanDocument, ref: str
) -> None:
    data = _edit_member(
        dump_xlsx(plan), INDICATORS_XLSX,
        lambda xml: xml.replace(f'ref="{INDICATORS_AREA}"', f'ref="{ref}"'),
    )
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(data)
    assert caught.value.location == "foglio Indicatori"
    assert f"dichiara l'area {ref}" in caught.value.reason
    assert "oltre il limite di 20.000 righe × 200 colonne" in caught.value.reason


def test_xlsx_dimension_declared_too_small_loses_nothing(plan: PlanDocument) -> None:
    # Some programs write <dimension ref="A1"/>: rows are read as long as they really are.
    data = _edit_member(
        dump_xlsx(plan), INDICATORS_XLSX, lambda xml: xml.replace(INDICATORS_AREA, "A1")
    )
    assert load_xlsx(data) == plan


def _rows_after(xml: str, rows: Iterable[int], column: str = "A") -> str:
    extra = "".join(
        f'<row r="{r}"><c r="{column}{r}" t="inlineStr"><is><t>01_01_02</t></is></c></row>'
        for r in rows
    )
    return xml.replace("</sheetData>", extra + "</sheetData>")


def test_xlsx_row_past_the_limit_is_refused(plan: PlanDocument) -> None:
    # One cell at row 20.001: a tiny file that would make the reader walk 20.001 rows.
    data = _edit_member(dump_xlsx(plan), INDICATORS_XLSX, lambda xml: _rows_after(xml, [20_001]))
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(data)
    assert caught.value.location == "foglio Indicatori, riga 20001"
    assert "oltre il limite di 20.000 righe per foglio" in caught.value.reason


def test_xlsx_cell_past_the_column_limit_is_refused(plan: PlanDocument) -> None:
    data = _edit_member(
        dump_xlsx(plan), INDICATORS_XLSX, lambda xml: _rows_after(xml, [8], column="GS")
    )
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(data)
    assert caught.value.location == "foglio Indicatori, riga 8"
    assert "oltre la colonna GR" in caught.value.reason


def test_xlsx_real_rows_past_the_limit_are_refused_though_the_dimension_lies(
    plan: PlanDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filelimits, "MAX_ROWS", 50)
    data = _edit_member(
        dump_xlsx(plan),
        INDICATORS_XLSX,
        lambda xml: _rows_after(xml.replace(INDICATORS_AREA, "A1:B2"), range(8, 200)),
    )
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(data)
    assert caught.value.location == "foglio Indicatori, riga 51"
    assert "oltre il limite di 50 righe" in caught.value.reason


def _huge_sheet(megabytes: int) -> Iterable[bytes]:
    row = b'<row><c t="inlineStr"><is><t>01_01_02</t></is></c></row>'
    block = row * (1024 * 1024 // len(row))
    yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    yield b"<sheetData>"
    for _ in range(megabytes):
        yield block
    yield b"</sheetData></worksheet>"


def test_xlsx_zip_bomb_is_refused_before_inflating(plan: PlanDocument) -> None:
    data = rezip(dump_xlsx(plan), INDICATORS_XLSX, _huge_sheet(300))
    assert len(data) < 2 * 1024 * 1024  # 300 MB of XML in the zip
    peak, _, error = _peak_memory(lambda: load_xlsx(data))
    assert isinstance(error, InterchangeError)
    assert error.location == "file XLSX"
    assert "oltre 100,0 MB una volta espanso" in error.reason
    assert f"«{INDICATORS_XLSX}»" in error.reason
    assert peak < 20 * 1024 * 1024  # nothing was inflated


def test_xlsx_member_compressed_like_a_bomb_is_refused(plan: PlanDocument) -> None:
    data = rezip(dump_xlsx(plan), INDICATORS_XLSX, _huge_sheet(30))  # under the total limit
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(data)
    assert caught.value.location == "file XLSX"
    assert f"l'elemento «{INDICATORS_XLSX}» si espande" in caught.value.reason
    assert "oltre le 200 volte di un file normale" in caught.value.reason


def test_xlsx_with_a_dtd_is_refused(plan: PlanDocument) -> None:
    def entities(xml: str) -> str:
        doctype = '<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
        return xml.replace("<worksheet", doctype + "<worksheet", 1)

    with pytest.raises(InterchangeError) as caught:
        load_xlsx(_edit_member(dump_xlsx(plan), INDICATORS_XLSX, entities))
    assert caught.value.location == "file XLSX"
    assert "DOCTYPE" in caught.value.reason


def test_xlsx_larger_than_the_limit_is_refused(
    plan: PlanDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filelimits, "MAX_FILE_BYTES", 1000)
    with pytest.raises(InterchangeError) as caught:
        load_xlsx(dump_xlsx(plan))
    assert caught.value.location == "file XLSX"
    assert caught.value.reason.startswith("il file è di ")


@pytest.mark.django_db
def test_refused_workbook_stores_nothing(
    plan: PlanDocument, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "piano.xlsx"
    path.write_bytes(_edit_member(
        dump_xlsx(plan), INDICATORS_XLSX, lambda xml: xml.replace(INDICATORS_AREA, "A1:XFD1048576")
    ))
    assert main(["import-plan", str(path)]) == 2
    err = capsys.readouterr().err
    assert "«foglio Indicatori»: il foglio dichiara l'area A1:XFD1048576" in err, err
    assert "Nessun dato è stato salvato" in err
    assert not Body.objects.exists()


# --------------------------------------------------------------------------------------------
# ODS

TABLE_NS = "urn:oasis:names:tc:opendocument:xmlns:table:1.0"


def _ods_indicator_rows(xml: str, rows: str) -> str:
    """Insert ``rows`` (XML) after the header row of the Indicatori table."""
    start = xml.index('table:name="Indicatori"')
    header_end = xml.index("</table:table-row>", start) + len("</table:table-row>")
    return xml[:header_end] + rows + xml[header_end:]


def _ods_text_cell(text: str, repeated: int = 1) -> str:
    repeat = f' table:number-columns-repeated="{repeated}"' if repeated > 1 else ""
    return f'<table:table-cell office:value-type="string"{repeat}><text:p>{text}</text:p>' \
           "</table:table-cell>"


def test_ods_repeated_rows_past_the_limit_are_refused(plan: PlanDocument) -> None:
    # Three rows repeated 9.000 times each: every repeat is under the old per-row cap.
    row = f'<table:table-row table:number-rows-repeated="9000">{_ods_text_cell("x")}' \
          "</table:table-row>"
    data = _edit_member(
        dump_ods(plan), "content.xml", lambda xml: _ods_indicator_rows(xml, row * 3)
    )
    with pytest.raises(InterchangeError) as caught:
        load_ods(data)
    assert caught.value.location == "foglio Indicatori, riga 20001"
    assert "oltre il limite di 20.000 righe per foglio" in caught.value.reason


def test_ods_value_past_a_million_repeated_empty_cells_is_refused(plan: PlanDocument) -> None:
    row = (
        '<table:table-row><table:table-cell table:number-columns-repeated="1000000"/>'
        f'{_ods_text_cell("x")}</table:table-row>'
    )
    data = _edit_member(dump_ods(plan), "content.xml", lambda xml: _ods_indicator_rows(xml, row))
    with pytest.raises(InterchangeError) as caught:
        load_ods(data)
    assert caught.value.location.startswith("foglio Indicatori, riga 2, colonna ")
    assert "oltre il limite di 200 colonne per foglio" in caught.value.reason


def test_ods_many_empty_cells_are_read_in_little_memory(plan: PlanDocument) -> None:
    # 100.000 empty cells written one by one, each with its own style (a file that compresses
    # like a real one): odfpy built a tree of over 100 MB for them.
    filler = "".join(
        "<table:table-row>"
        + "".join(f'<table:table-cell table:style-name="s{(row * 1000 + cell) * 7919 % 99991}"/>'
                  for cell in range(1000))
        + "</table:table-row>"
        for row in range(100)
    )
    notes = f'<table:table table:name="Note">{filler}</table:table>'
    data = _edit_member(
        dump_ods(plan), "content.xml",
        lambda xml: xml.replace("</office:spreadsheet>", notes + "</office:spreadsheet>"),
    )
    peak, loaded, error = _peak_memory(lambda: load_ods(data))
    assert error is None
    assert loaded == plan  # the extra sheet is ignored, as before
    assert peak < 30 * 1024 * 1024


def test_ods_spaces_repeated_a_billion_times_are_refused(plan: PlanDocument) -> None:
    cell = ('<table:table-cell office:value-type="string"><text:p>a<text:s text:c="1000000000"/>'
            "b</text:p></table:table-cell>")
    row = f"<table:table-row>{cell}</table:table-row>"
    data = _edit_member(dump_ods(plan), "content.xml", lambda xml: _ods_indicator_rows(xml, row))
    with pytest.raises(InterchangeError) as caught:
        load_ods(data)
    assert caught.value.location == "foglio Indicatori, riga 2, colonna Obiettivo operativo"
    assert "1.000.000.000 spazi di fila" in caught.value.reason


def test_ods_zip_bomb_is_refused_before_inflating(plan: PlanDocument) -> None:
    def content() -> Iterable[bytes]:
        yield b'<?xml version="1.0"?><office:document-content>'
        block = b"<table:table-row><table:table-cell/></table:table-row>" * 20_000
        for _ in range(150):
            yield block
        yield b"</office:document-content>"

    data = rezip(dump_ods(plan), "content.xml", content())
    peak, _, error = _peak_memory(lambda: load_ods(data))
    assert isinstance(error, InterchangeError)
    assert error.location == "file ODS"
    assert "oltre 100,0 MB una volta espanso (elemento «content.xml»)" in error.reason
    assert peak < 20 * 1024 * 1024


def test_ods_with_too_many_xml_elements_is_refused(
    plan: PlanDocument, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(filelimits, "MAX_XML_ELEMENTS", 500)
    with pytest.raises(InterchangeError) as caught:
        load_ods(dump_ods(plan))
    assert caught.value.location == "file ODS"
    assert "più di 500 elementi XML" in caught.value.reason


def test_limits_are_documented() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "interchange.md").read_text()
    section = docs[docs.index("## 4. Limiti"):]
    for figure in ("20 MB", "64 livelli", "100 MB", "200 volte", "20.000 righe",
                   "200 colonne", "2.000.000"):
        assert figure in section, figure
