"""XLSX (openpyxl) and ODS (odfpy): one sheet per table, for offices that reuse the figures.

Figures stay text, exactly as the document shows them («12,5%», «≥ 80», «n.d.»): a number
typed once must read the same in every document (DOMAIN.md §9), and a spreadsheet that turned
«30/11/2022» into a date serial or «1.500» into 1,5 would not. The first sheet is the cover
with an index of the sheets; every table sheet has its header in row 1 (bold, frozen), the
rows below, and its numbered notes after a blank row.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from .model import Document, Table
from .render import cover_fields, sheet_names

COVER_SHEET = "Frontespizio"
MIN_WIDTH, MAX_WIDTH = 8, 60  # column widths, in characters
CM_PER_CHAR = 0.21


def render(doc: Document, fmt: str) -> bytes:
    sheets = _sheets(doc)
    if fmt == "xlsx":
        return _xlsx(sheets)
    if fmt == "ods":
        return _ods(sheets)
    raise ValueError(f"formato di foglio di calcolo sconosciuto: {fmt}")


@dataclass
class _Sheet:
    name: str
    rows: list[list[str]]
    bold_rows: set[int]  # header, totals, labels
    widths: list[int]
    frozen: bool = True


def _sheets(doc: Document) -> list[_Sheet]:
    tables = doc.tables()
    names = sheet_names(tables)
    # The cover's name must not clash with a table's.
    cover_name = COVER_SHEET
    while cover_name.casefold() in {n.casefold() for n in names}:
        cover_name = f"_{cover_name}"[:31]
    cover_rows = [[label, value] for label, value in cover_fields(doc)]
    if tables:
        cover_rows += [[], ["Foglio", "Contenuto"]]
        cover_rows += [[name, table.caption or name] for name, table in zip(names, tables,
                                                                                strict=True)]
    bold = {len(cover_rows) - len(tables) - 1} if tables else set()
    cover = _Sheet(cover_name, cover_rows, bold, _widths(cover_rows), frozen=False)
    return [cover] + [_table_sheet(name, table) for name, table in zip(names, tables,
                                                                        strict=True)]


def _table_sheet(name: str, table: Table) -> _Sheet:
    rows: list[list[str]] = []
    bold: set[int] = set()
    if table.header:
        rows.append(list(table.header))
        bold.add(0)
    offset = len(rows)
    rows += [list(row) for row in table.rows]
    bold |= {offset + index for index in table.total_rows if 0 <= index < len(table.rows)}
    if table.footnotes:
        rows.append([])
        rows += [[f"[{number}] {note}"] for number, note in enumerate(table.footnotes, 1)]
    # Notes are long single cells: they must not widen the first column.
    measured = rows[: offset + len(table.rows)]
    return _Sheet(name, rows, bold, _widths(measured), frozen=bool(table.header))


def _widths(rows: list[list[str]]) -> list[int]:
    count = max((len(row) for row in rows), default=0)
    widths = [MIN_WIDTH] * count
    for row in rows:
        for index, text in enumerate(row):
            longest = max((len(line) for line in text.split("\n")), default=0)
            widths[index] = max(widths[index], min(MAX_WIDTH, longest + 2))
    return widths


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index + 1))


# --- XLSX ------------------------------------------------------------------------------------


def _xlsx(sheets: list[_Sheet]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    workbook.remove(workbook.active)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        for row_index, row in enumerate(sheet.rows, start=1):
            is_bold = row_index - 1 in sheet.bold_rows
            for col_index, text in enumerate(row, start=1):
                if not text:
                    continue
                cell = ws.cell(row=row_index, column=col_index)
                cell.value = text
                cell.data_type = "s"  # text as shown, even «=A1» (openpyxl makes formulas)
                if is_bold:
                    cell.font = bold
                if "\n" in text or len(text) > MAX_WIDTH:
                    cell.alignment = wrap
        for index, width in enumerate(sheet.widths):
            ws.column_dimensions[_column_letter(index)].width = width
        if sheet.frozen:
            ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- ODS -------------------------------------------------------------------------------------


def _ods(sheets: list[_Sheet]) -> bytes:
    from odf import teletype
    from odf.opendocument import OpenDocumentSpreadsheet
    from odf.style import Style, TableCellProperties, TableColumnProperties, TextProperties
    from odf.table import Table as OdfTable
    from odf.table import TableCell, TableColumn, TableRow
    from odf.text import P

    document = OpenDocumentSpreadsheet()
    bold = Style(name="Grassetto", family="table-cell")
    bold.addElement(TextProperties(fontweight="bold", fontweightasian="bold",
                                   fontweightcomplex="bold"))
    bold.addElement(TableCellProperties(verticalalign="top"))
    document.automaticstyles.addElement(bold)
    plain = Style(name="Testo", family="table-cell")
    plain.addElement(TableCellProperties(verticalalign="top"))
    document.automaticstyles.addElement(plain)
    wrapped = Style(name="TestoLungo", family="table-cell")
    wrapped.addElement(TableCellProperties(wrapoption="wrap", verticalalign="top"))
    document.automaticstyles.addElement(wrapped)
    column_styles: dict[int, Any] = {}

    def column_style(width: int) -> Any:
        if width not in column_styles:
            style = Style(name=f"colonna{width}", family="table-column")
            style.addElement(TableColumnProperties(columnwidth=f"{width * CM_PER_CHAR:.2f}cm"))
            document.automaticstyles.addElement(style)
            column_styles[width] = style
        return column_styles[width]

    for sheet in sheets:
        table = OdfTable(name=sheet.name)
        for width in sheet.widths:
            table.addElement(TableColumn(stylename=column_style(width)))
        for row_index, row in enumerate(sheet.rows):
            table_row = TableRow()
            is_bold = row_index in sheet.bold_rows
            for text in row or [""]:
                if not text:
                    table_row.addElement(TableCell())
                    continue
                if is_bold:
                    style = bold
                elif "\n" in text or len(text) > MAX_WIDTH:
                    style = wrapped
                else:
                    style = plain
                cell = TableCell(valuetype="string", stylename=style)
                paragraph = P()
                teletype.addTextToElement(paragraph, text)
                cell.addElement(paragraph)
                table_row.addElement(cell)
            table.addElement(table_row)
        document.spreadsheet.addElement(table)
    buffer = io.BytesIO()
    document.write(buffer)
    return buffer.getvalue()
