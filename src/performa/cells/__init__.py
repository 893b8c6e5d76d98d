"""Spreadsheet cells both ways: one rule for every XLSX and ODS cell Performa reads or writes.

**Reading** (``reading``, with ``xlsx.text`` and ``ods.text`` adapting the libraries' cells).
A planning office types ``12,5%`` in Excel, which stores the number 0.125 with a percent
number format; ``129000`` shown as ``€ 129.000,00``; a date as a serial number with a date
format. Whatever reads a spreadsheet — the plan workbook (``performa.interchange.workbook``,
XLSX and ODS) and the values file of ``performa values import``
(``performa.measures.values_file``) — turns such cells back into the text the engine reads
(``performa.engine.values``), and the **number format decides** what the number means (in an
ODS, the cell's value type):

- a percent format: value × 100 with ``%`` (``0.125`` → ``"12,5%"``, never ``"0,125"``, which
  under a ``%`` unit would be read as 0,125%);
- a euro format: ``"€ 129.000,00"``;
- a date or time (openpyxl gives them as ``datetime``): ``"30/11/2022"``, ``"09:30"``;
- any other number: its Italian decimal form with the digits it has (``"12,5"``, ``"1500"``);
- TRUE / FALSE: ``"si"`` / ``"no"``.

**Writing** (``writing``, with ``xlsx.write`` and ``ods.write``). Every sheet Performa writes —
the plan workbook, the list exports (``performa.web.listing``), the document sheets
(``performa.documents.render_sheets``) — is a :class:`Sheet` of :class:`Cell` objects. A
figure is stored as a number or a date with the format that shows the text the page showed
(``0.125`` with ``0.0%`` shows ``12,5%``), so a spreadsheet can sum it and the reading rule
gives it back: ``12,5%``, ``€ 129.000,00`` and ``30/11/2022`` come back as written, a plain
number as its value (``1.500`` → ``1500``). Other text is a text cell, never a formula. The
plan workbook writes every cell as text on purpose (it is a template that must give back
what was imported, ``"≥"`` and ``"n.d."`` included), but the amounts of its actions, which read
back as the very text they were written from (``€ 40.000,00``).

Why a top-level package: ``measures`` sits below ``interchange`` and ``documents`` in the
layers (engine < catalog < plans < accounts < measures < interchange < documents < web), so
no reader or writer can hold the rule for the others. Like ``performa.filelimits`` it imports
nothing of Performa but the engine's value grammar (``engine.values``, the bottom layer), no
Django; openpyxl and odfpy only inside the functions that use them. Documented in
``docs/interchange.md`` («Numbers and dates typed in a spreadsheet», «Spreadsheets
Performa writes»).
"""

from __future__ import annotations

from . import ods, xlsx
from .reading import cell_text, datetime_text, number_text, percent_text
from .writing import (
    MAX_WIDTH,
    MIN_WIDTH,
    SHEET_NAME_MAX,
    Cell,
    Sheet,
    column_widths,
    figure_cell,
    is_long,
    sheet_name,
    text_cell,
    value_cell,
)

__all__ = [
    "MAX_WIDTH",
    "MIN_WIDTH",
    "SHEET_NAME_MAX",
    "Cell",
    "Sheet",
    "cell_text",
    "column_widths",
    "datetime_text",
    "figure_cell",
    "is_long",
    "number_text",
    "ods",
    "percent_text",
    "sheet_name",
    "text_cell",
    "value_cell",
    "xlsx",
]
