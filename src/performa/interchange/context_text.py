"""The context tables of a Relazione previsionale e programmatica, from the seeds' text.

The layout is the one of the RPP 2022 of the Camera di Commercio di Massa-Carrara (seed
``002_…``, chapter «1. ANALISI DEL CONTESTO DI RIFERIMENTO», up to «2. LINEE DI INTERVENTO»):
tab-separated tables, the first line of each its header. :data:`LAYOUT` lists them in order
with the title the pages give them (the print heads most of them only with «RISORSE UMANE»).
The smart-working table prints no header: its values get the column «Valore». The block of
tabs that closes the chapter is the organisation chart of the participations drawn with
tabs, not a table, and is left out on purpose.

All or nothing: a missing or unexpected table, a row with more or fewer cells than its
header, an empty cell, each raises :class:`BudgetError` naming the line, and nothing is read.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Final

from performa.budget.context_document import Cell, Table
from performa.budget.document import BudgetError
from performa.engine.values import Kind, ValueParseError, parse_value

__all__ = ["CHAPTER", "LAYOUT", "read_context_text"]

CHAPTER: Final = "1. ANALISI DEL CONTESTO DI RIFERIMENTO"
_END: Final = "2. LINEE DI INTERVENTO"
# (first header cell as printed, title on the pages: the printed one where there is one).
LAYOUT: Final[tuple[tuple[str, str], ...]] = (
    ("Argomento", "I numeri della circoscrizione territoriale di Massa – Carrara nel 2021 e "
                  "tendenze annuali"),
    ("Funzioni istituzionali", "Personale per funzioni istituzionali"),
    ("Categorie", "Personale per categoria"),
    ("Classi d'età", "Personale per classi d'età"),
    ("Anzianità di servizio", "Personale per anzianità di servizio"),
    ("Tipo di contratto", "Personale per tipo di contratto"),
    ("Titolo di studio", "Personale per titolo di studio"),
    ("Sesso", "Personale per sesso"),
    ("NUMERO PERSONALE TOTALE", "Personale in presenza e in smart working al 18/03/2022"),
    ("Sedi", "Immobili"),
    ("Settore attività", "Società partecipate"),
)
_HEADERLESS: Final = {"NUMERO PERSONALE TOTALE"}
_SKIPPED: Final = {"Camera di Commercio di Massa-Carrara"}  # the chart of participations
_TAG_RE: Final = re.compile(r"</?(?:i|b)>", re.I)
_PLAIN_RE: Final = re.compile(r"[+-]?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?\s?%?")


def _number(text: str) -> Decimal | None:
    """The number of a cell that is only a number or a percent, else ``None``."""
    if not _PLAIN_RE.fullmatch(text):
        return None
    try:
        value = parse_value(text)
    except ValueParseError:
        return None
    if value.kind not in (Kind.NUMBER, Kind.PERCENT) or value.number is None:
        return None
    return Decimal(repr(value.number)).quantize(Decimal("0.00000001"))


def _blocks(lines: list[str], start: int, end: int) -> list[list[tuple[int, list[str]]]]:
    """Runs of tab-separated lines: blank lines inside a run do not break it (the print splits
    tables across pages), a header of :data:`LAYOUT` starts a new one (tables follow each other
    with only a blank line between), and so does a line repeating the current header's columns."""
    headers = {first for first, _ in LAYOUT} | _SKIPPED
    blocks: list[list[tuple[int, list[str]]]] = []
    current: list[tuple[int, list[str]]] = []
    for index in range(start, end):
        text = lines[index].rstrip("\r\n")
        if "\t" in text:
            cells = [_TAG_RE.sub("", c).strip() for c in text.split("\t")]
            # A line printing the current header's columns again is a header too: a table
            # whose first header cell was renamed is then refused at its own line.
            repeated = bool(current) and [c.replace(" ", "") for c in cells[1:]] == [
                c.replace(" ", "") for c in current[0][1][1:]]
            if (cells[0] in headers or repeated) and current:
                blocks.append(current)
                current = []
            current.append((index + 1, cells))
        elif text.strip() and current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def read_context_text(text: str) -> list[Table]:
    """The context tables of the chapter, in the printed order; :class:`BudgetError` else."""
    lines = text.splitlines()
    try:
        start = next(i for i, line in enumerate(lines) if line.strip() == CHAPTER)
    except StopIteration:
        raise BudgetError("", f"manca il capitolo «{CHAPTER}»") from None
    end = next((i for i in range(start + 1, len(lines)) if lines[i].startswith(_END)),
               len(lines))
    blocks = [b for b in _blocks(lines, start + 1, end) if b[0][1][0] not in _SKIPPED]
    tables: list[Table] = []
    for position, (first, title) in enumerate(LAYOUT):
        if position >= len(blocks):
            raise BudgetError(f"Riga {end + 1}", f"manca la tabella «{title}» (intestata "
                                                 f"«{first}») prima della fine del capitolo")
        block = blocks[position]
        number, header = block[0]
        if header[0] != first:
            raise BudgetError(f"Riga {number}", f"attesa la tabella «{title}», intestata "
                                                f"«{first}», trovato «{header[0]}»")
        if first in _HEADERLESS:
            heading, columns, rows = "Voce", ["Valore"], block
        else:
            heading, columns, rows = header[0], header[1:], block[1:]
        table = Table(title, CHAPTER, heading, number, columns)
        for row, (where, cells) in enumerate(rows, start=1):
            if len(cells) != len(columns) + 1:
                raise BudgetError(f"Riga {where}", f"la tabella «{title}» ha "
                                                   f"{len(columns) + 1} colonne, la riga "
                                                   f"{len(cells)}")
            if not all(cells):
                raise BudgetError(f"Riga {where}", f"la tabella «{title}» ha una cella vuota")
            table.cells.extend(Cell(row, column, cells[0], label, cell, _number(cell))
                               for column, (label, cell) in enumerate(
                                   zip(columns, cells[1:], strict=True), start=1))
        tables.append(table)
    if len(blocks) > len(LAYOUT):
        where = blocks[len(LAYOUT)][0][0]
        raise BudgetError(f"Riga {where}", "tabella non prevista nel capitolo del contesto")
    return tables
