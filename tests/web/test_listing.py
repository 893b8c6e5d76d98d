"""Lists: filters, sorting with n.d. last, CSV for Italian Excel, XLSX and ODS with real numbers."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.etree import ElementTree

import pytest
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from openpyxl import load_workbook

from performa import cells
from performa.engine.values import format_percent
from performa.web import listing
from performa.web.listing import Column, Table


@dataclass
class Row:
    """An indicator of the demo plan at 30/06 as the pages list it."""

    code: str
    name: str
    office: str
    achievement: float | None
    budget: Decimal | None
    deadline: date | None


ROWS = [
    Row("01_01_02", "Bando PID", "Punto Impresa Digitale", 0.75, Decimal("150000.00"),
        date(2022, 12, 31)),
    Row("01_01_02", "Customer satisfaction", "Punto Impresa Digitale", None,
        Decimal("150000.00"), None),
    Row("01_03_03", "Attrattività eventi realizzati", "Segreteria Generale", 0.8, None,
        date(2022, 11, 30)),
    Row("01_01_02", "Risorse umane dedicate", "Punto Impresa Digitale", 1.0,
        Decimal("150000.00"), date(2022, 6, 30)),
    Row("03_01_10", "=SOMMA(A1:A9) scritto da un utente", "Segreteria Generale", -0.0634,
        None, None),
]

COLUMNS = [
    Column("codice", "Codice", lambda r: r.code, filter="text"),
    Column("indicatore", "Indicatore", lambda r: r.name, filter="text",
           link=lambda r: f"/indicatori/{r.code}/"),
    Column("ufficio", "Ufficio", lambda r: r.office, filter="choice"),
    Column("raggiungimento", "Raggiungimento", lambda r: r.achievement,
           display=lambda r: format_percent(r.achievement, 1)),
    Column("risorse", "Risorse (€)", lambda r: r.budget),
    Column("scadenza", "Scadenza", lambda r: r.deadline),
]


def listed(query: str = "", rows: list[Row] | None = None) -> Table | HttpResponse:
    request = RequestFactory().get("/elenco/" + query)
    return listing.table(request, ROWS if rows is None else rows, COLUMNS,
                         caption="Indicatori al 30/06/2022", filename="indicatori 30-06")


def names(found: Table | HttpResponse) -> list[str]:
    assert isinstance(found, Table)
    return [r.name for r in found.rows]


def test_percent_column_sorts_with_not_available_last_both_ways() -> None:
    assert names(listed("?ordina=raggiungimento")) == [
        "=SOMMA(A1:A9) scritto da un utente", "Bando PID", "Attrattività eventi realizzati",
        "Risorse umane dedicate", "Customer satisfaction"]
    assert names(listed("?ordina=-raggiungimento")) == [
        "Risorse umane dedicate", "Attrattività eventi realizzati", "Bando PID",
        "=SOMMA(A1:A9) scritto da un utente", "Customer satisfaction"]


def test_dates_text_and_unknown_sort() -> None:
    assert names(listed("?ordina=scadenza"))[:3] == [
        "Risorse umane dedicate", "Attrattività eventi realizzati", "Bando PID"]
    assert names(listed("?ordina=-indicatore"))[0] == "Risorse umane dedicate"
    unsorted = listed("?ordina=password")
    assert isinstance(unsorted, Table) and unsorted.sort == ""
    assert names(unsorted) == [r.name for r in ROWS]  # the caller's order


def test_filters_text_is_case_insensitive_choice_is_exact_and_they_combine() -> None:
    assert names(listed("?indicatore=pid")) == ["Bando PID"]
    found = listed("?ufficio=Segreteria+Generale")
    assert isinstance(found, Table)
    assert (len(found.rows), found.total) == (2, 5)
    assert found.choices["ufficio"] == ["Punto Impresa Digitale", "Segreteria Generale"]
    assert names(listed("?ufficio=Segreteria")) == []  # exact, not contains
    assert names(listed("?codice=01_01&ufficio=Punto+Impresa+Digitale&ordina=-raggiungimento")) \
        == ["Risorse umane dedicate", "Bando PID", "Customer satisfaction"]


def test_urls_toggle_the_order_and_keep_filters_and_page_parameters() -> None:
    found = listed("?anno=2022&ufficio=Segreteria+Generale&ordina=raggiungimento")
    assert isinstance(found, Table)
    assert found.header_url("raggiungimento") == \
        "?anno=2022&ufficio=Segreteria+Generale&ordina=-raggiungimento"
    assert found.header_url("codice") == "?anno=2022&ufficio=Segreteria+Generale&ordina=codice"
    assert found.export_url("csv") == \
        "?anno=2022&ufficio=Segreteria+Generale&ordina=raggiungimento&esporta=csv"


def test_italian_formatting_of_values() -> None:
    assert [listing.italian(v) for v in (
        None, 1500, 2.5, 1 / 3, Decimal("150000.00"), date(2022, 6, 30), True, "testo",
    )] == ["n.d.", "1.500", "2,5", "0,33", "150.000,00", "30/06/2022", "sì", "testo"]


def test_csv_has_bom_semicolons_the_shown_text_and_no_formulas() -> None:
    response = listed("?ordina=codice&esporta=csv")
    assert isinstance(response, HttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="indicatori-30-06.csv"'
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = response.content
    assert content.startswith(b"\xef\xbb\xbf")
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert lines[0] == ["Codice", "Indicatore", "Ufficio", "Raggiungimento", "Risorse (€)",
                        "Scadenza"]
    assert lines[1] == ["01_01_02", "Bando PID", "Punto Impresa Digitale", "75,0%",
                        "150.000,00", "31/12/2022"]
    assert lines[2][3:] == ["n.d.", "150.000,00", "n.d."]
    last = lines[-1]
    assert last[1] == "'=SOMMA(A1:A9) scritto da un utente"  # text never runs as a formula
    assert last[3] == "-6,3%"  # a negative figure stays a figure
    assert len(lines) == 6


def test_xlsx_has_a_bold_header_real_numbers_and_dates() -> None:
    response = listed("?ufficio=Punto+Impresa+Digitale&esporta=xlsx")
    assert isinstance(response, HttpResponse)
    assert response["Content-Disposition"] == 'attachment; filename="indicatori-30-06.xlsx"'
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Codice", "Indicatore", "Ufficio", "Raggiungimento", "Risorse (€)",
                       "Scadenza")
    assert sheet["A1"].font.b is True
    assert len(rows) == 4  # the filter applies to the export too
    bando = rows[1]
    assert bando[3] == 0.75 and bando[4] == 150000.0
    assert bando[5].date() == date(2022, 12, 31)
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["E2"].number_format == "#,##0.00"
    assert sheet["F2"].number_format == "DD/MM/YYYY"
    assert rows[2][3] == "n.d."  # as on screen; text, so Excel's sums skip it


def test_xlsx_never_writes_a_formula() -> None:
    response = listed("?codice=03_01_10&esporta=xlsx")
    assert isinstance(response, HttpResponse)
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet["B2"].data_type == "s"
    assert sheet["B2"].value == "=SOMMA(A1:A9) scritto da un utente"
    assert sheet["D2"].value == pytest.approx(-0.0634)


def test_xlsx_and_ods_read_back_as_the_page_shows_them() -> None:
    """Through the reading rule every reader of Performa uses (performa.cells), a percent
    comes back as the page's percent (with the value's own digits), an amount as its value,
    a date as the page's date; n.d. and text as written."""
    xlsx_file = listed("?ordina=codice&esporta=xlsx")
    ods_file = listed("?ordina=codice&esporta=ods")
    assert isinstance(xlsx_file, HttpResponse) and isinstance(ods_file, HttpResponse)
    assert ods_file["Content-Type"] == "application/vnd.oasis.opendocument.spreadsheet"
    assert ods_file["Content-Disposition"] == 'attachment; filename="indicatori-30-06.ods"'
    sheet = load_workbook(io.BytesIO(xlsx_file.content)).active
    from_xlsx = [[cells.xlsx.text(cell) for cell in row] for row in sheet.iter_rows()]
    with zipfile.ZipFile(io.BytesIO(ods_file.content)) as archive:
        content = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 (ours)
    from_ods = [[cells.ods.text(cell, max_spaces=10)
                 for cell in row.iter(f"{{{cells.ods.TABLE_NS}}}table-cell")]
                for row in content.iter(f"{{{cells.ods.TABLE_NS}}}table-row")]
    assert from_xlsx == from_ods
    assert from_xlsx[1] == ["01_01_02", "Bando PID", "Punto Impresa Digitale", "75%", "150000",
                            "31/12/2022"]
    assert from_xlsx[2][3:] == ["n.d.", "150000", "n.d."]
    assert from_xlsx[-1][1:4] == ["=SOMMA(A1:A9) scritto da un utente", "Segreteria Generale",
                                  "-6,34%"]  # shown -6,3%: the value's digits are kept


def test_partial_renders_labelled_filters_sortable_headers_and_exports() -> None:
    found = listed("?ordina=-raggiungimento&ufficio=Punto+Impresa+Digitale")
    html = render_to_string("web/partials/table.html", {"table": found})
    assert "<caption>Indicatori al 30/06/2022</caption>" in html
    assert '<label class="form-label" for="filtro-indicatore">Indicatore</label>' in html
    assert '<option value="Punto Impresa Digitale" selected>' in html
    assert '<th scope="col" aria-sort="descending"><a href="?ufficio=Punto+Impresa+Digitale' \
           '&amp;ordina=raggiungimento">Raggiungimento' in html
    assert '<a href="/indicatori/01_01_02/">Bando PID</a>' in html
    assert '<td class="text-muted">n.d.</td>' in html  # Scadenza of Customer satisfaction
    assert "3 di 5 righe" in html
    assert "Esporta CSV" in html and "Esporta XLSX" in html and "Esporta ODS" in html
    assert 'href="?ufficio=Punto+Impresa+Digitale&amp;ordina=-raggiungimento&amp;esporta=xlsx"' \
        in html


def test_empty_list() -> None:
    found = listed(rows=[])
    html = render_to_string("web/partials/table.html", {"table": found})
    assert "Nessuna riga." in html and "0 righe" in html
