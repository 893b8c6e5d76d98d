"""Values → spreadsheet cells: the typed cell every writer stores, and the sheet it lays out.

A figure that a page or a document shows («12,5%», «€ 129.000,00», «1.500», «30/11/2022») is
stored as what it is — a number with the format that shows it so, a date — so that Excel and
LibreOffice can sum, sort and chart it, and the cell shows the very text the page showed. The
format comes from that text (its decimals, its thousands separator, ``%`` or ``€``), so the
writer of a list, which holds the real value, and the writer of a document, which holds only
the text, pick the same format for the same figure. Anything else is a text cell, never a
formula. Read back by the reading rule (``reading.cell_text``), a typed cell gives the same
value, and the same text for a percent, an amount and a date.

``xlsx.write`` and ``ods.write`` turn :class:`Sheet` objects into files; the layout rules
they share (column widths, wrapping, bold rows, the frozen first row, sheet names) are here.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Final, Literal

from performa.engine.values import Kind, ValueParseError, format_value, parse_value

__all__ = [
    "MAX_WIDTH",
    "MIN_WIDTH",
    "SHEET_NAME_MAX",
    "Cell",
    "Sheet",
    "column_widths",
    "figure_cell",
    "is_long",
    "sheet_name",
    "text_cell",
    "value_cell",
]

CellKind = Literal["text", "number", "percent", "money", "date", "datetime"]
Number = int | float | Decimal

# Column widths in characters: the longest line of the column, within these bounds (longer
# text wraps). Bold text is wider, so it gets two more characters.
MIN_WIDTH: Final = 8
MAX_WIDTH: Final = 60
_MARGIN, _BOLD_MARGIN = 2, 4

DATE_FORMAT: Final = "DD/MM/YYYY"
DATETIME_FORMAT: Final = "DD/MM/YYYY HH:MM"

# Characters Excel and LibreOffice refuse in a sheet name, and its length limit.
_SHEET_NAME_FORBIDDEN: Final = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX: Final = 31

# A figure as it is shown: "€ 150.000,00", "-6,3%", "1.500", "150.000,00 €".
_SHOWN: Final = re.compile(r"(?:€\s*)?-?([\d.]+)(?:,(\d+))?\s*[%€]?")
_ENGINE_KINDS: Final[dict[Kind, CellKind]] = {
    Kind.NUMBER: "number",
    Kind.PERCENT: "percent",
    Kind.MONEY: "money",
}


@dataclass(frozen=True, slots=True)
class Cell:
    """One cell as every writer stores it: the text it shows and, for a figure, its value.

    ``value`` is a number (a percent as its fraction: 12,5% is 0.125), a date or a naive
    datetime (spreadsheets have no time zones). ``decimals``, ``grouped`` (thousands
    separator) and ``symbol_first`` (``€ 5`` or ``5 €``) say how ``text`` shows the number,
    so that the cell's format shows that very text.
    """

    text: str
    kind: CellKind = "text"
    value: Number | dt.date | None = None
    decimals: int = 0
    grouped: bool = True
    symbol_first: bool = True

    @property
    def number_format(self) -> str:
        """The XLSX number format that shows ``value`` as ``text`` (in an Italian Excel)."""
        if self.kind == "date":
            return DATE_FORMAT
        if self.kind == "datetime":
            return DATETIME_FORMAT
        digits = ("#,##0" if self.grouped else "0") + (
            "." + "0" * self.decimals if self.decimals else ""
        )
        if self.kind == "percent":
            return f"{digits}%"
        if self.kind == "money":
            return f'"€ "{digits}' if self.symbol_first else f'{digits}" €"'
        if self.kind == "number":
            return digits
        return "General"


def text_cell(text: str) -> Cell:
    return Cell(text)


def value_cell(value: object, text: str) -> Cell:
    """A value that a page shows as ``text``: a number or a date keeps its value, with the
    format that shows ``text``; anything else (text, yes/no, n.d.) is the text.

    ``text`` decides the kind: ``75,0%`` makes 0.75 a percent, ``€ 150.000`` an amount.
    """
    if isinstance(value, bool):
        return Cell(text)
    if isinstance(value, dt.datetime):
        return Cell(text, "datetime", value)
    if isinstance(value, dt.date):
        return Cell(text, "date", value)
    if isinstance(value, int | float | Decimal):
        if isinstance(value, float) and not math.isfinite(value):
            return Cell(text)
        shown = text.strip()
        kind: CellKind = (
            "percent" if shown.endswith("%") else "money" if "€" in shown else "number"
        )
        return _shaped(text, kind, value)
    return Cell(text)


def figure_cell(text: str) -> Cell:
    """``text`` as a number or a date when it is a figure written the one way the engine
    writes figures back (``engine.values.format_value``): «12,5%», «€ 129.000,00»,
    «1.500», «30/11/2022». Any other text stays text: «≥ 80», «n.d.», «si», «011» (a code:
    a number would lose its zero), «2022» (a year, not 2.022).
    """
    try:
        parsed = parse_value(text)
    except ValueParseError:
        return Cell(text)
    if format_value(parsed) != text:
        return Cell(text)
    if parsed.kind is Kind.DATE and parsed.day is not None:
        return Cell(text, "date", parsed.day)
    kind = _ENGINE_KINDS.get(parsed.kind)
    if kind is None:
        return Cell(text)
    # The written digits, not the parsed float: 33,3% is 0.333, not 0.33299999999999996.
    number = Decimal(re.sub(r"[€%\s.]", "", text).replace(",", "."))
    return _shaped(text, kind, number.scaleb(-2) if kind == "percent" else number)


def _shaped(text: str, kind: CellKind, value: Number) -> Cell:
    """The cell of a number shown as ``text``: its decimals and separators decide the format.

    A text without a thousands separator and four or more digits shows none (``1500``), so
    neither does the cell; with fewer digits the text cannot tell, and an amount or a number
    gets one (as pages write them: ``1.500``), a percent none.
    """
    match = _SHOWN.fullmatch(text.strip())
    integer, fraction = (match.group(1), match.group(2) or "") if match else ("", "")
    if "." in integer:
        grouped = True
    elif len(integer) >= 4:
        grouped = False
    else:
        grouped = kind != "percent"
    symbol_first = not text.rstrip().endswith("€")
    return Cell(text, kind, value, len(fraction), grouped, symbol_first)


def is_long(text: str) -> bool:
    """Text that wraps in its cell: more than one line, or wider than a column may be."""
    return "\n" in text or len(text) > MAX_WIDTH


def column_widths(rows: Sequence[Sequence[Cell]], bold_rows: Collection[int] = ()) -> list[int]:
    """Each column as wide as its longest line, within ``MIN_WIDTH`` and ``MAX_WIDTH``."""
    count = max((len(row) for row in rows), default=0)
    widths = [MIN_WIDTH] * count
    for index, row in enumerate(rows):
        margin = _BOLD_MARGIN if index in bold_rows else _MARGIN
        for column, cell in enumerate(row):
            longest = max((len(line) for line in cell.text.split("\n")), default=0)
            widths[column] = max(widths[column], min(MAX_WIDTH, longest + margin))
    return widths


def sheet_name(text: str) -> str:
    """``text`` without the characters a sheet name may not hold, spaces collapsed; not cut to
    ``SHEET_NAME_MAX`` (a caller that makes names unique cuts after adding its suffix)."""
    return " ".join(_SHEET_NAME_FORBIDDEN.sub(" ", text).split()).strip("'")


@dataclass(frozen=True)
class Sheet:
    """One sheet as both writers lay it out.

    Bold rows (the header, totals) stay in place; the first row stays in view when
    ``frozen``. A long cell wraps, aligned to the top, and so does every cell of
    ``wrapped_columns`` outside the bold rows. ``widths`` default to :func:`column_widths` of
    every row. A ``template`` is a sheet an office fills in (the plan workbook): every cell of
    its rows, empty ones too, is formatted as text and styled as its row and column, so what
    is typed there stays text and looks like the rest; a typed cell in it (an amount) keeps the
    format that shows it.
    """

    name: str
    rows: list[list[Cell]]
    bold_rows: Collection[int] = (0,)
    widths: list[int] | None = None
    frozen: bool = True
    wrapped_columns: Collection[int] = ()
    template: bool = False

    def column_widths(self) -> list[int]:
        return self.widths if self.widths is not None else column_widths(self.rows,
                                                                         self.bold_rows)

    def wraps(self, row: int, column: int) -> bool:
        return is_long(self.rows[row][column].text) or (
            column in self.wrapped_columns and row not in self.bold_rows
        )
