"""XLSX and ODS: one sheet per table, for offices that reuse the figures.

A figure is a number or a date the spreadsheet can sum and sort, and shows exactly the text
of the document: «12,5%» is 0.125 shown as a percent with one decimal, «€ 129.000,00» an
amount, «30/11/2022» a date (``performa.cells.figure_cell``). Only a figure written the one
way the engine writes it back is typed, so the cell always shows what every other document
shows (DOMAIN.md §9): «≥ 80», «n.d.», a code like «011» and a year like «2022» stay text. The
first sheet is the cover with an index of the sheets; every table sheet has its header in
row 1 (bold, frozen), the rows below, and its numbered notes after a blank row.
"""

from __future__ import annotations

from performa import cells
from performa.cells import Cell, Sheet, figure_cell, text_cell

from .model import Document, Table
from .render import cover_fields, sheet_names

COVER_SHEET = "Frontespizio"


def render(doc: Document, fmt: str) -> bytes:
    sheets = _sheets(doc)
    if fmt == "xlsx":
        return cells.xlsx.write(sheets)
    if fmt == "ods":
        return cells.ods.write(sheets)
    raise ValueError(f"formato di foglio di calcolo sconosciuto: {fmt}")


def _sheets(doc: Document) -> list[Sheet]:
    tables = doc.tables()
    names = sheet_names(tables)
    # The cover's name must not clash with a table's.
    cover_name = COVER_SHEET
    while cover_name.casefold() in {n.casefold() for n in names}:
        cover_name = f"_{cover_name}"[: cells.SHEET_NAME_MAX]
    cover_rows = [[label, value] for label, value in cover_fields(doc)]
    if tables:
        cover_rows += [[], ["Foglio", "Contenuto"]]
        cover_rows += [[name, table.caption or name] for name, table in zip(names, tables,
                                                                                strict=True)]
    bold = {len(cover_rows) - len(tables) - 1} if tables else set()
    cover = Sheet(cover_name, [[text_cell(text) for text in row] for row in cover_rows], bold,
                  frozen=False)
    return [cover] + [_table_sheet(name, table) for name, table in zip(names, tables,
                                                                        strict=True)]


def _table_sheet(name: str, table: Table) -> Sheet:
    rows: list[list[Cell]] = []
    bold: set[int] = set()
    if table.header:
        rows.append([text_cell(text) for text in table.header])
        bold.add(0)
    offset = len(rows)
    rows += [[figure_cell(text) for text in row] for row in table.rows]
    bold |= {offset + index for index in table.total_rows if 0 <= index < len(table.rows)}
    # Notes are long single cells: they must not widen the first column.
    widths = cells.column_widths(rows, bold)
    if table.footnotes:
        rows.append([])
        rows += [[text_cell(f"[{number}] {note}")] for number, note in enumerate(table.footnotes,
                                                                                  1)]
    return Sheet(name, rows, bold, widths, frozen=bool(table.header))
