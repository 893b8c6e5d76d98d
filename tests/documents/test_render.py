"""Every renderer on one hand-made document, read back with an independent reader: the PDF with
poppler (pdftotext, pdftoppm), DOCX with python-docx, ODT and ODS with odfpy, XLSX with
openpyxl, the CSV zip with zipfile + csv, JSON with json.

No database: a Document is plain data. The first page of the PDF is saved as a PNG under
test-output/documents/ for people to look at.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from performa.documents.model import (
    Cover,
    Document,
    Heading,
    KeyValues,
    PageBreak,
    Paragraph,
    Table,
)
from performa.documents.render import (
    CONTENT_TYPES,
    EXTENSIONS,
    FORMATS,
    filename,
    render,
    sheet_names,
)

OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "documents"
BODY = "Camera di Commercio di Pistoia-Prato"
HEADER = ["Indicatore", "Tipologia", "UdM", "Stato 2021", "Target 2022", "Peso"]
ROWS = [
    ["Bando PID", "Volume", "n.", "426", "≥ 80", "25,0%"],
    ["Risorse umane dedicate", "Volume", "n.", "2,0", "≤ 2,0", "25,0%"],
    ["Grado di utilizzo delle risorse [1]", "Salute economica", "%", "100%", "≥ 80%", "25,0%"],
    ["Customer satisfaction", "Qualità", "n.", "7,4", "≥ 7,4", "25,0%"],
    ["Totale", "", "", "", "", "100,0%"],
]
FOOTNOTE = "Risorse utilizzate/risorse stanziate a budget al 30/09/2022."


def sample(demo: bool = True) -> Document:
    """A card of the Piano (01_01_02) as the builders make it."""
    return Document(
        kind="piano",
        cover=Cover(body=BODY, title="Piano della Performance 2022-2024",
                    subtitle="Sezione 2.2 Performance del PIAO",
                    resolution="Deliberazione di Giunta n. 12/22 del 23/02/2022",
                    date="23/02/2022"),
        blocks=[
            Heading("Gli obiettivi operativi"),
            Paragraph("Ogni scheda riporta indicatori, target e pesi.", "lead"),
            Heading("01_01_02 PID - Punto Impresa Digitale", 2),
            KeyValues([("Codice", "01_01_02"), ("Titolo", "PID - Punto Impresa Digitale"),
                       ("Risorse economiche", "335.000,00 €"),
                       ("Ufficio", "Punto Impresa Digitale")]),
            Table(HEADER, ROWS, caption="Indicatori dell'obiettivo 01_01_02",
                  sheet="01_01_02", footnotes=[FOOTNOTE], total_rows=[4],
                  widths=[4, 2, 1, 1, 1, 1]),
            Paragraph("Valori al 30/09/2022.", "note"),
            PageBreak(),
            Heading("Assegnazioni"),
            Table(["Area", "Peso"], [["Promozione e sviluppo economico", "60%"],
                                     ["Segretario Generale", "40%"]],
                  caption="Pesi per area"),
        ],
        demo=demo,
    )


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    doc = sample()
    return {fmt: render(doc, fmt) for fmt in FORMATS}


def text_of_pdf(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "documento.pdf"
    path.write_bytes(data)
    result = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True,
                            capture_output=True, text=True)
    return result.stdout


def test_pdf_text_pages_and_demo_notice(files: dict[str, bytes], tmp_path: Path) -> None:
    data = files["pdf"]
    assert data.startswith(b"%PDF-")
    text = text_of_pdf(data, tmp_path)
    pages = text.split("\f")
    assert "Piano della Performance 2022-2024" in pages[0]
    assert "Deliberazione di Giunta n. 12/22 del 23/02/2022" in pages[0]
    # Cover, chapter 1, chapter 2 (after an explicit page break: no blank page between).
    assert "Pagina 1 di 3" in pages[0]
    assert "Pagina 3 di 3" in pages[2] and "Assegnazioni" in pages[2]
    # The notice on the cover and in every footer.
    assert all("DATI DIMOSTRATIVI" in page for page in pages if page.strip())
    assert "Grado di utilizzo delle risorse [1]" in text
    assert f"[1] {FOOTNOTE}" in " ".join(text.split())
    assert re.search(r"Bando PID\s+Volume\s+n\.\s+426\s+≥ 80\s+25,0%", text)
    assert re.search(r"Totale\s+100,0%", text)
    assert re.search(r"Risorse economiche\s+335\.000,00 €", text)  # key-value pairs side by side


def test_pdf_is_pdf_a_with_fonts_embedded(files: dict[str, bytes], tmp_path: Path) -> None:
    path = tmp_path / "documento.pdf"
    path.write_bytes(files["pdf"])
    meta = subprocess.run(["pdfinfo", "-meta", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert re.search(r"pdfaid:part(>|=\")2", meta)
    assert re.search(r"pdfaid:conformance(>|=\")B", meta)
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert "Title:           Piano della Performance 2022-2024" in info
    assert f"Author:          {BODY}" in info
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(" yes yes " in line for line in fonts), fonts  # embedded, subset


def test_pdf_first_page_as_png(files: dict[str, bytes], tmp_path: Path) -> None:
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "documento.pdf"
    path.write_bytes(files["pdf"])
    prefix = OUTPUT / "copertina"
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", "-singlefile",
                    str(path), str(prefix)], check=True)
    png = prefix.with_suffix(".png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_pdf_without_demo_has_no_notice(tmp_path: Path) -> None:
    text = text_of_pdf(render(sample(demo=False), "pdf"), tmp_path)
    assert "DATI DIMOSTRATIVI" not in text
    assert "Pagina 1 di 3" in text


def test_docx_headings_tables_footer(files: dict[str, bytes]) -> None:
    import docx

    word = docx.Document(io.BytesIO(files["docx"]))
    headings = [(p.style.name, p.text) for p in word.paragraphs
                if p.style.name.startswith("Heading") or p.style.name == "Title"]
    assert headings == [
        ("Title", "Piano della Performance 2022-2024"),
        ("Heading 1", "Gli obiettivi operativi"),
        ("Heading 2", "01_01_02 PID - Punto Impresa Digitale"),
        ("Heading 1", "Assegnazioni"),
    ]
    key_values, indicators, areas = word.tables
    assert [c.text for c in key_values.rows[2].cells] == ["Risorse economiche", "335.000,00 €"]
    assert [c.text for c in indicators.rows[0].cells] == HEADER
    assert [c.text for c in indicators.rows[1].cells] == ROWS[0]
    assert indicators.rows[0]._tr.trPr.xml.count("tblHeader") == 1  # repeated on each page
    total = indicators.rows[5].cells[5].paragraphs[0]
    assert total.text == "100,0%" and total.style.name == "Totale tabella"
    texts = [p.text for p in word.paragraphs]
    assert f"[1] {FOOTNOTE}" in texts
    assert "Indicatori dell'obiettivo 01_01_02" in texts
    assert len(areas.rows) == 3
    footer = word.sections[0].footer.paragraphs[0]._p.xml
    assert 'w:instr=" PAGE "' in footer and 'w:instr=" NUMPAGES "' in footer
    assert "DATI DIMOSTRATIVI" in footer
    assert word.core_properties.author == BODY


def odf_tables(data: bytes) -> dict[str, list[list[str]]]:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import Table as OdfTable
    from odf.table import TableCell, TableRow

    document = load(io.BytesIO(data))
    found = {}
    for table in document.getElementsByType(OdfTable):
        rows = []
        for row in table.getElementsByType(TableRow):
            rows.append([teletype.extractText(cell) for cell in row.getElementsByType(TableCell)])
        found[table.getAttribute("name")] = rows
    return found


def test_odt_headings_tables_footer(files: dict[str, bytes]) -> None:
    from odf import teletype
    from odf.opendocument import load
    from odf.table import TableHeaderRows
    from odf.text import H, P, PageCount, PageNumber

    document = load(io.BytesIO(files["odt"]))
    headings = [(h.getAttribute("outlinelevel"), teletype.extractText(h))
                for h in document.getElementsByType(H)]
    assert headings == [("1", "Gli obiettivi operativi"),
                        ("2", "01_01_02 PID - Punto Impresa Digitale"), ("1", "Assegnazioni")]
    tables = list(odf_tables(files["odt"]).values())
    assert tables[0][2] == ["Risorse economiche", "335.000,00 €"]
    assert tables[1][0] == HEADER and tables[1][1:] == ROWS
    assert len(document.getElementsByType(TableHeaderRows)) == 2
    paragraphs = [teletype.extractText(p) for p in document.getElementsByType(P)]
    assert f"[1] {FOOTNOTE}" in paragraphs
    assert any(p.startswith("DATI DIMOSTRATIVI") for p in paragraphs)  # the cover
    master = document.masterstyles
    assert master.getElementsByType(PageNumber) and master.getElementsByType(PageCount)
    assert "DATI DIMOSTRATIVI — Pagina" in teletype.extractText(master)


def test_xlsx_one_sheet_per_table(files: dict[str, bytes]) -> None:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(files["xlsx"]))
    assert workbook.sheetnames == ["Frontespizio", "01_01_02", "Pesi per area"]
    cover = {row[0]: row[1] for row in workbook["Frontespizio"].iter_rows(values_only=True)
             if row[0]}
    assert cover["Ente"] == BODY
    assert cover["Atto di adozione"] == "Deliberazione di Giunta n. 12/22 del 23/02/2022"
    assert cover["Avvertenza"].startswith("DATI DIMOSTRATIVI")
    assert cover["01_01_02"] == "Indicatori dell'obiettivo 01_01_02"
    sheet = workbook["01_01_02"]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == HEADER
    # Figures are numbers Excel can sum, shown as the document shows them; the rest is text.
    assert values[1] == ["Bando PID", "Volume", "n.", 426, "≥ 80", 0.25]
    assert [sheet[ref].number_format for ref in ("D2", "D3", "D4", "F2")] == [
        "#,##0", "#,##0.0", "0%", "0.0%"]
    assert sheet["E2"].data_type == "s"
    assert values[5][0] == "Totale" and values[5][5] == 1
    assert sheet["F6"].number_format == "0.0%"
    assert values[7][0] == f"[1] {FOOTNOTE}"
    assert sheet["A1"].font.bold and sheet["F6"].font.bold and not sheet["A2"].font.bold
    assert sheet.freeze_panes == "A2"


def test_ods_one_sheet_per_table(files: dict[str, bytes]) -> None:
    tables = odf_tables(files["ods"])
    assert list(tables) == ["Frontespizio", "01_01_02", "Pesi per area"]
    assert ["Ente", BODY] in tables["Frontespizio"]
    assert tables["01_01_02"][0] == HEADER
    assert tables["01_01_02"][1:6] == ROWS  # what each cell shows
    assert tables["01_01_02"][7] == [f"[1] {FOOTNOTE}"]
    assert tables["Pesi per area"][1] == ["Promozione e sviluppo economico", "60%"]


def test_ods_figures_are_typed_and_headers_frozen(files: dict[str, bytes]) -> None:
    from odf.namespaces import OFFICENS
    from odf.opendocument import load
    from odf.table import Table as OdfTable
    from odf.table import TableCell, TableRow

    document = load(io.BytesIO(files["ods"]))
    sheet = next(t for t in document.getElementsByType(OdfTable)
                 if t.getAttribute("name") == "01_01_02")
    bando = sheet.getElementsByType(TableRow)[1].getElementsByType(TableCell)
    assert [(c.getAttrNS(OFFICENS, "value-type"), c.getAttrNS(OFFICENS, "value"))
            for c in bando] == [("string", None), ("string", None), ("string", None),
                                ("float", "426"), ("string", None), ("percentage", "0.250")]
    settings = zipfile.ZipFile(io.BytesIO(files["ods"])).read("settings.xml").decode()
    assert 'config:name="01_01_02"' in settings and 'config:name="Frontespizio"' not in settings


def test_sheets_read_back_as_the_document_shows_them(files: dict[str, bytes]) -> None:
    """Through the one reading rule (performa.cells), each figure of a document sheet is the
    value of the document's text: «25,0%» is read 25%, «426» 426, and text stays text."""
    from xml.etree import ElementTree

    from openpyxl import load_workbook

    from performa.cells import ods, xlsx
    from performa.engine.values import parse_value

    sheet = load_workbook(io.BytesIO(files["xlsx"]))["01_01_02"]
    from_xlsx = [[xlsx.text(cell) for cell in row] for row in sheet.iter_rows(min_row=2,
                                                                               max_row=6)]
    with zipfile.ZipFile(io.BytesIO(files["ods"])) as archive:
        content = ElementTree.fromstring(archive.read("content.xml"))  # noqa: S314 (ours)
    table = next(t for t in content.iter(f"{{{ods.TABLE_NS}}}table")
                 if t.get(f"{{{ods.TABLE_NS}}}name") == "01_01_02")
    from_ods = [[ods.text(cell, max_spaces=10) for cell in row]
                for row in table.iter(f"{{{ods.TABLE_NS}}}table-row")][1:6]
    assert from_xlsx == from_ods
    assert from_xlsx[0] == ["Bando PID", "Volume", "n.", "426", "≥ 80", "25%"]
    for read, shown in zip(sum(from_xlsx, []), sum(ROWS, []), strict=True):
        if read != shown:  # the same value, without the trailing zeros
            assert (parse_value(read).kind, parse_value(read).number) == (
                parse_value(shown).kind, parse_value(shown).number)


def test_csv_zip_with_readme(files: dict[str, bytes]) -> None:
    archive = zipfile.ZipFile(io.BytesIO(files["csv"]))
    assert archive.namelist() == ["README.txt", "01-01-02.csv", "pesi-per-area.csv"]
    raw = archive.read("01-01-02.csv")
    assert raw.startswith(b"Indicatore,Tipologia,") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    assert rows[0] == HEADER and rows[1:] == ROWS
    readme = archive.read("README.txt").decode("utf-8")
    assert "01-01-02.csv" in readme and "Colonne: Indicatore; Tipologia; UdM" in readme
    assert f"Nota [1]: {FOOTNOTE}" in readme
    assert "DATI DIMOSTRATIVI" in readme
    assert render(sample(), "csv") == files["csv"]  # same document, same bytes


def test_json(files: dict[str, bytes]) -> None:
    data = json.loads(files["json"])
    assert data["documento"] == "piano"
    assert data["ente"] == BODY
    assert data["titolo"] == "Piano della Performance 2022-2024"
    assert data["dati_dimostrativi"] is True
    first = data["tabelle"][0]
    assert first["nome"] == "01_01_02" and first["colonne"] == HEADER
    assert first["righe"] == ROWS and first["note"] == [FOOTNOTE]


def test_formats_and_names() -> None:
    assert set(CONTENT_TYPES) == set(EXTENSIONS) == {"pdf", "odt", "docx", "xlsx", "ods",
                                                      "csv", "json"}
    assert filename("piano", BODY, 2022, "pdf") == "piano_pistoia-prato_2022.pdf"
    assert filename("opendata", BODY, 2022, "csv") == "opendata_pistoia-prato_2022.csv.zip"
    with pytest.raises(ValueError, match="Formato «rtf» sconosciuto"):
        render(sample(), "rtf")


def test_sheet_names_are_valid_and_unique() -> None:
    long = "Indicatori dell'obiettivo strategico 01_01 Digitalizzazione"
    tables = [Table(["a"], [], caption=long), Table(["a"], [], caption=long),
              Table(["a"], [], sheet="Area: 1/2 [bis]"), Table(["a"], [])]
    names = sheet_names(tables)
    assert names == ["Indicatori dell'obiettivo strat", "Indicatori dell'obiettivo s (2)",
                     "Area 1 2 bis", "Tabella 4"]
    assert all(len(name) <= 31 for name in names)


def test_wide_tables_go_landscape(tmp_path: Path) -> None:
    wide = Document("pira", Cover(BODY, "PIRA"), [
        Table([f"Colonna {n}" for n in range(12)], [[str(n) for n in range(12)]]),
    ])
    path = tmp_path / "pira.pdf"
    path.write_bytes(render(wide, "pdf"))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info  # landscape


def test_a_builder_may_ask_for_landscape(tmp_path: Path) -> None:
    doc = Document("rpp", Cover(BODY, "RPP"), [Table(["Codice", "Oneri"], [["1B010301", "0"]])],
                   landscape=True)
    path = tmp_path / "rpp.pdf"
    path.write_bytes(render(doc, "pdf"))
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True,
                          text=True).stdout
    assert "841.89 x 595.276 pts (A4)" in info


FIGURES = ["€ 2.314.115,97", "-1.004.659,40", "30/11/2022", "03_01_08", ">= 6.000.000",
           "≥ 8.934.921", "1B010301", "OC_TD_01"]


def test_figures_are_never_split_across_lines(tmp_path: Path) -> None:
    """Columns narrower than the figures they hold (a portrait page of nine): each amount,
    date, code and target still reads whole on one line of the PDF's text, in a cell of its
    own and amid words."""
    header = [f"Col. {n}" for n in range(len(FIGURES) + 1)]
    rows = [[*FIGURES, "testo"], [*(f"({figure})" for figure in FIGURES), "fine"]]
    sentence = ("Il calcolo: " + " più ".join(FIGURES) + ".") * 3
    doc = Document("rpp", Cover(BODY, "Cifre"), [
        Table(header, rows, widths=[1] * len(header)),
        KeyValues([("Calcolo", sentence)]),
        Table(["Voce", "Calcolo"], [["Indice", sentence]], widths=[5, 1]),
    ])
    path = tmp_path / "cifre.pdf"
    path.write_bytes(render(doc, "pdf"))
    text = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True,
                          text=True).stdout
    for figure in FIGURES:
        # twice in the first table, three times in each sentence
        assert text.count(figure) == 2 + 3 + 3, (figure, text)


def test_poppler_is_installed() -> None:
    # scripts/ensure-apt.sh installs it: without it the PDF tests above cannot read back.
    assert shutil.which("pdftotext") and shutil.which("pdftoppm")
