"""What the readers of the RPP 2022 of Toscana Nord-Ovest share: rows, cells, amounts, dates.

The seed is a PDF of three chambers' *Relazioni Previsionali e Programmatiche* turned into
text: table rows are lines with tab-separated cells, some cells wrapped in HTML (``<p>…</p>``,
``<u>``), some headings in markdown bold (``**CAMERA DI COMMERCIO``). Every reader works on
:class:`Row` (the line number as an editor shows it, and the cleaned cells), so an error or a
warning can always name the line of the whole file, not of a section.

Amounts are read with :func:`performa.engine.values.parse_money`, the one reader of money; a
spreadsheet error printed in place of an amount (``#RIF!``) is not a figure the reader can
check, so it is said in a warning, while anything else that is not an amount is refused.
"""

from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from typing import Final

from performa.engine.values import ValueParseError, format_money, parse_money

from .seed_text import PlanTextError

__all__ = [
    "PlanTextError",
    "Row",
    "SpreadsheetError",
    "amount",
    "fold",
    "money_text",
    "by_line",
    "rows_of",
    "short",
    "text_date",
]

_BREAK_RE: Final = re.compile(r"</p>\s*<p[^>]*>|<br\s*/?>|</li>|</?ul[^>]*>", re.I)
_TAG_RE: Final = re.compile(r"</?(?:p|i|b|u|em|strong|span|div|ul|li|ol|sup|sub)\b[^>]*>", re.I)
_SPACES_RE: Final = re.compile(r"[ \t\u00a0]+")
_RULER_RE: Final = re.compile(r"^[\s\-–—_]*-{2,}[\s\-–—_]*$")
# What a spreadsheet prints where a formula broke: "#RIF!", "#DIV/0!", "#VALORE!", "#REF!".
_SPREADSHEET_ERROR_RE: Final = re.compile(r"^#[A-Z/0!?]+[!?]$|^#N/D$", re.I)


def clean(text: str) -> str:
    """A cell as people read it: markup dropped, paragraphs on their own lines, spaces single."""
    text = _BREAK_RE.sub("\n", text)
    text = html.unescape(_TAG_RE.sub("", text)).replace("**", "")
    lines = (_SPACES_RE.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


@dataclass(frozen=True)
class Row:
    """One line of the file: ``no`` is 1-based over the whole file; ``cells`` are cleaned."""

    no: int
    cells: tuple[str, ...]

    @property
    def blank(self) -> bool:
        return not any(self.cells)

    @property
    def first(self) -> str:
        return self.cells[0] if self.cells else ""

    @property
    def rest(self) -> tuple[str, ...]:
        return self.cells[1:]

    @property
    def text(self) -> str:
        """The non-empty cells joined by a space: a line of prose or a heading."""
        return " ".join(cell for cell in self.cells if cell)


def rows_of(lines: list[str], first_no: int) -> list[Row]:
    """The lines (numbered from ``first_no``) as rows; table rulers (``---⇥--``) are blank.

    Trailing empty cells are kept: they tell a table's row from a line of its own."""
    rows = []
    for offset, line in enumerate(lines):
        raw = line.rstrip(" \r\n")
        if _RULER_RE.match(raw.replace("\t", " ")):
            raw = ""
        rows.append(Row(first_no + offset, tuple(clean(cell) for cell in raw.split("\t"))))
    return rows


class SpreadsheetError(ValueError):
    """An amount cell holding a spreadsheet error (``#RIF!``): no figure to read or check."""


def amount(text: str, line: int) -> Decimal | None:
    """An amount as printed (``40.000,00``, ``€ 1.750,00``, ``15.000``); None when blank.

    Raises :class:`SpreadsheetError` for ``#RIF!`` and the like (the caller warns), and
    :class:`PlanTextError` naming the line for anything else that is not an amount.
    """
    text = text.strip()
    if not text:
        return None
    if _SPREADSHEET_ERROR_RE.match(text):
        raise SpreadsheetError(text)
    try:
        return parse_money(text)
    except ValueParseError as error:
        raise PlanTextError(line, f"importo «{text}» non leggibile: {error.reason}") from None


def money_text(value: Decimal) -> str:
    """An action's amount as the plan document keeps it: empty when none, else ``€ 1.750,00``."""
    return format_money(value) if value else ""


_MONTHS: Final = {
    name: number
    for number, name in enumerate(
        ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto",
         "settembre", "ottobre", "novembre", "dicembre"),
        start=1,
    )
}
_NUMERIC_DATE_RE: Final = re.compile(r"(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})")
_WORDS_DATE_RE: Final = re.compile(r"(\d{1,2})\s+([a-zà]+)\s+(\d{4})", re.I)


def text_date(text: str) -> str:
    """The first date in a text as ``dd/mm/yyyy`` (``13 ottobre 2022``, ``28/10 /2021``,
    ``dell'1/04/2022``); empty when there is none."""
    numeric = _NUMERIC_DATE_RE.search(text)
    if numeric:
        day, month, year = numeric.groups()
        return f"{int(day):02d}/{int(month):02d}/{year}"
    words = _WORDS_DATE_RE.search(text)
    if words and words.group(2).casefold() in _MONTHS:
        return f"{int(words.group(1)):02d}/{_MONTHS[words.group(2).casefold()]:02d}/" \
               f"{words.group(3)}"
    return ""


def fold(text: str) -> str:
    """A key for names the document spells in several ways: case, accents, apostrophes and
    punctuation aside ("COMPETITIVITA' DELL'ENTE" = "Competitività dell'Ente")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    letters = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]+", "", letters)


def short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


_LINE_RE: Final = re.compile(r"^(?:riga|righe) (\d+)")


def by_line(warnings: list[str]) -> list[str]:
    """Warnings in the order of the lines they name (those naming none last, as they came):
    a reader checks totals after reading, so its findings come out of order."""
    def line(warning: str) -> int:
        found = _LINE_RE.match(warning)
        return int(found.group(1)) if found else 10**9

    return sorted(warnings, key=line)
