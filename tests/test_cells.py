"""performa.cells: a spreadsheet cell's value and number format → the text the engine reads,
and back: what Performa writes into XLSX and ODS files reads back as the same value."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree

import pytest
from openpyxl import load_workbook

from performa.cells import Sheet, cell_text, figure_cell, ods, text_cell, value_cell, xlsx
from performa.engine.values import parse_value


@pytest.mark.parametrize(
    ("value", "number_format", "text"),
    [
        (0.125, "0.0%", "12,5%"),
        (0.125, "0%", "12,5%"),  # shown 13%: the digits the value has are kept
        (0.125, "0.00%;[Red]-0.00%", "12,5%"),
        (0.125, '0.000" %"', "0,125"),  # a quoted % is literal text: Excel does not multiply
        (0.125, "0.000\\%", "0,125"),
        (129000, '#,##0.00 "€"', "€ 129.000,00"),
        (129000, "[$€-410] #,##0.00", "€ 129.000,00"),
        (1500.0, "#,##0.0", "1500"),
        (0.1 + 0.2, "General", "0,3"),
        (1e-05, None, "0,00001"),
        (Decimal("2.50"), "", "2,5"),
        (True, "General", "si"),
        (dt.datetime(2022, 11, 30), "dd/mm/yyyy", "30/11/2022"),  # noqa: DTZ001 (naive, as read)
        (dt.datetime(2022, 11, 30, 9, 30), "dd/mm/yyyy hh:mm", "30/11/2022 09:30"),  # noqa: DTZ001
        (dt.time(9, 30), "hh:mm", "09:30"),
        ("12,5%", "@", "12,5%"),
        (None, "0.0%", ""),
    ],
)
def test_the_number_format_decides(value: object, number_format: str | None, text: str) -> None:
    assert cell_text(value, number_format) == text


# --------------------------------------------------------------------------------------------
# Writing, and reading back what was written


def test_figures_get_the_format_that_shows_their_text() -> None:
    assert [(c.kind, c.value, c.number_format) for c in map(figure_cell, (
        "12,5%", "€ 129.000,00", "1.500", "2,0", "100%", "30/11/2022",
    ))] == [
        ("percent", Decimal("0.125"), "0.0%"),
        ("money", Decimal("129000.00"), '"€ "#,##0.00'),
        ("number", Decimal("1500"), "#,##0"),
        ("number", Decimal("2.0"), "#,##0.0"),
        ("percent", Decimal("1"), "0%"),
        ("date", dt.date(2022, 11, 30), "DD/MM/YYYY"),
    ]


@pytest.mark.parametrize("text", [
    "≥ 80", "n.d.", "si", "011", "2022", "1500", "-0", "12.5%", "4 su 8", "=SOMMA(A1:A9)", "",
])
def test_only_a_figure_written_the_engine_s_way_is_typed(text: str) -> None:
    # «011» is a code (a number would lose its zero), «2022» a year (not 2.022).
    assert figure_cell(text) == text_cell(text)


def test_a_value_keeps_its_value_and_the_format_of_its_text() -> None:
    assert [(c.kind, c.number_format) for c in (
        value_cell(0.75, "75,0%"),
        value_cell(Decimal("150000.00"), "150.000,00"),
        value_cell(150000, "€ 150.000"),
        value_cell(2022, "2022"),  # shown without a thousands separator: so is the cell
        value_cell(dt.date(2022, 6, 30), "30/06/2022"),
        value_cell(dt.datetime(2022, 6, 30, 9, 30), "30/06/2022 09:30"),  # noqa: DTZ001
        value_cell(True, "sì"),
        value_cell(None, "n.d."),
        value_cell(float("nan"), "n.d."),
    )] == [
        ("percent", "0.0%"), ("number", "#,##0.00"), ("money", '"€ "#,##0'),
        ("number", "0"), ("date", "DD/MM/YYYY"), ("datetime", "DD/MM/YYYY HH:MM"),
        ("text", "General"), ("text", "General"), ("text", "General"),
    ]


# (cell written, text the reading rule gives back): the same text for a percent, an amount
# and a date; a plain number as its value, without thousands separator or trailing zeros.
ROUND_TRIP = [
    (figure_cell("12,5%"), "12,5%"),
    (figure_cell("€ 129.000,00"), "€ 129.000,00"),
    (figure_cell("30/11/2022"), "30/11/2022"),
    (figure_cell("-6,3%"), "-6,3%"),
    (figure_cell("33,3%"), "33,3%"),
    (figure_cell("25,0%"), "25%"),
    (figure_cell("1.500"), "1500"),
    (figure_cell("2,5"), "2,5"),
    (figure_cell("≥ 80"), "≥ 80"),
    (figure_cell("n.d."), "n.d."),
    (figure_cell("=SOMMA(A1:A9)"), "=SOMMA(A1:A9)"),
    (figure_cell(" due  spazi "), " due  spazi "),
    (figure_cell("prima riga\nseconda riga"), "prima riga\nseconda riga"),
    (value_cell(0.125, "12,5%"), "12,5%"),
    (value_cell(Decimal("129000.00"), "€ 129.000,00"), "€ 129.000,00"),
    (value_cell(dt.date(2022, 11, 30), "30/11/2022"), "30/11/2022"),
    (value_cell(dt.datetime(2022, 11, 30, 9, 30), "30/11/2022 09:30"),  # noqa: DTZ001
     "30/11/2022 09:30"),
    (value_cell(-0.0634, "-6,3%"), "-6,34%"),  # the value's digits, never rounded away
    (value_cell(Decimal("150000.00"), "150.000,00"), "150000"),
    (value_cell(True, "sì"), "sì"),
]


def _sheet() -> Sheet:
    """Each cell, and beside it its text as a text cell."""
    return Sheet("Prova", [[text_cell("Cella"), text_cell("Testo")],
                           *[[cell, text_cell(cell.text)] for cell, _ in ROUND_TRIP]])


def _read_back(written: list[str], read: list[str]) -> None:
    assert read == [text for _, text in ROUND_TRIP]
    for (cell, _), text in zip(ROUND_TRIP, read, strict=True):
        assert written.pop(0) == cell.text
        # The engine reads the text read back as the value written.
        if cell.kind in ("number", "percent", "money"):
            assert isinstance(cell.value, int | float | Decimal)
            assert parse_value(text).number == pytest.approx(float(cell.value))
        elif cell.kind == "date":
            assert parse_value(text).day == cell.value


def test_xlsx_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "prova.xlsx"
    path.write_bytes(xlsx.write([_sheet()]))
    sheet = load_workbook(path).active
    assert (sheet.freeze_panes, sheet["A1"].font.b, sheet["A2"].number_format) == (
        "A2", True, "0.0%")
    assert sheet["A10"].data_type == "s"  # «=SOMMA(A1:A9)» is text, not a formula
    rows = list(sheet.iter_rows(min_row=2))
    _read_back([str(row[1].value) for row in rows], [xlsx.text(row[0]) for row in rows])


def test_ods_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "prova.ods"
    path.write_bytes(ods.write([_sheet()]))
    with zipfile.ZipFile(path) as archive:
        content = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 (ours)
        assert b'config:name="Prova"' in archive.read("settings.xml")  # header frozen
    rows = content.iter(f"{{{ods.TABLE_NS}}}table-row")
    next(rows)  # the header
    cells = [list(row.iter(f"{{{ods.TABLE_NS}}}table-cell")) for row in rows]
    assert [row[0].get(ods.VALUE_TYPE) for row in cells][:4] == [
        "percentage", "currency", "date", "percentage"]
    _read_back([ods.text(row[1], max_spaces=10) for row in cells],
               [ods.text(row[0], max_spaces=10) for row in cells])


def test_a_template_formats_even_empty_cells_as_text(tmp_path: Path) -> None:
    sheet = Sheet("Modello", [[text_cell("Codice"), text_cell("Nome")],
                              [text_cell("01"), text_cell("")]], template=True)
    book = load_workbook(io.BytesIO(xlsx.write([sheet])))
    assert [(c.value, c.number_format) for c in book.active[2]] == [("01", "@"), (None, "@")]
