"""XLSX through openpyxl: a cell read as its Italian text, sheets of typed cells written.

Both XLSX readers (the plan workbook and the values file) read a cell with :func:`text` and
walk a sheet with :func:`rows`; every XLSX writer (the plan workbook, the list exports, the
document sheets) writes with :func:`write`. openpyxl is imported only by the functions that
write, so that importing ``performa.cells`` costs nothing.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from decimal import Decimal
from typing import Any, Final

from .reading import cell_text
from .writing import Cell, Sheet

__all__ = ["TEXT_FORMAT", "is_error", "rows", "text", "write"]

# Excel's «Testo» format: what is typed into such a cell stays text.
TEXT_FORMAT: Final = "@"


def text(cell: Any) -> str:
    """The Italian text of an openpyxl cell, by its value and its number format.

    An error cell (``#DIV/0!``) gives its text: whether to refuse it is the caller's business
    (:func:`is_error` tells).
    """
    return cell_text(cell.value, str(getattr(cell, "number_format", "") or ""))


def is_error(cell: Any) -> bool:
    return getattr(cell, "data_type", None) == "e"


def rows(sheet: Any) -> Iterator[tuple[int, tuple[Any, ...]]]:
    """A read-only sheet's rows numbered from 1, each as long as it really is.

    Read-only mode sizes rows by the ``<dimension>`` the file declares, which some programs
    write wrong (too small would drop cells): the declared size is forgotten first. The file
    limits (``performa.filelimits``) are the caller's to check, before openpyxl opens the file.
    """
    sheet.reset_dimensions()
    yield from enumerate(sheet.iter_rows(), start=1)


def write(sheets: Sequence[Sheet]) -> bytes:
    """The workbook of ``sheets``: typed cells, bold rows, fitted widths, frozen headers."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    workbook = Workbook()
    for default_sheet in list(workbook.worksheets):
        workbook.remove(default_sheet)
    for sheet in sheets:
        ws = workbook.create_sheet(sheet.name)
        for row_index, row in enumerate(sheet.rows):
            for col_index, cell in enumerate(row):
                if not cell.text and not sheet.template:
                    continue
                target = ws.cell(row=row_index + 1, column=col_index + 1)
                if cell.text:
                    put(target, cell)
                if sheet.template and cell.kind == "text":
                    target.number_format = TEXT_FORMAT  # a typed cell keeps its own format
                if row_index in sheet.bold_rows:
                    target.font = bold
                if sheet.wraps(row_index, col_index):
                    target.alignment = wrap
        for col_index, width in enumerate(sheet.column_widths()):
            ws.column_dimensions[get_column_letter(col_index + 1)].width = width
        if sheet.frozen:
            ws.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def put(target: Any, cell: Cell) -> None:
    """Store ``cell`` into the openpyxl cell ``target``: a typed value with its format, or
    text — even «=A1» or «= si», which openpyxl would otherwise make a formula."""
    if cell.kind == "text" or cell.value is None:
        target.value = cell.text
        target.data_type = "s"
        return
    target.value = float(cell.value) if isinstance(cell.value, Decimal) else cell.value
    target.number_format = cell.number_format
