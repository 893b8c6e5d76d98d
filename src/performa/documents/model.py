"""A document as plain blocks, so one builder serves PDF, ODT, DOCX and spreadsheets alike.

Builders (``documents/<kind>.py``) turn plan + results into a :class:`Document`; renderers
(``documents/render_*.py``) turn any document into a file format. Text is final Italian text
(numbers already formatted the Italian way): renderers never format figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal


@dataclass
class Heading:
    text: str
    level: int = 1  # 1 = chapter (starts a new page in paged formats), 2, 3


@dataclass
class Paragraph:
    text: str
    style: Literal["normal", "note", "lead"] = "normal"


@dataclass
class KeyValues:
    """Label/value pairs, as the top of a card: «Codice: 01_01_02»."""

    pairs: list[tuple[str, str]]


@dataclass
class Table:
    """A table; ``sheet`` names it in spreadsheet and CSV renderings.

    ``footnotes`` are numbered notes referenced from cells as ``[1]``, ``[2]``… (the
    renderer prints them under the table); ``total_rows`` are indices of rows to emphasise
    (totals); ``widths`` are relative column widths.
    """

    header: list[str]
    rows: list[list[str]]
    caption: str = ""
    sheet: str = ""
    footnotes: list[str] = field(default_factory=list)
    total_rows: list[int] = field(default_factory=list)
    widths: list[float] = field(default_factory=list)


@dataclass
class PageBreak:
    pass


Block = Heading | Paragraph | KeyValues | Table | PageBreak


@dataclass
class Cover:
    body: str  # "Camera di Commercio di Pistoia-Prato"
    title: str  # "Piano della Performance 2022-2024"
    subtitle: str = ""  # "Sezione 2.2 Performance del PIAO"
    resolution: str = ""  # "Deliberazione di Giunta n. 12/22 del 23/02/2022"
    date: str = ""  # "23/02/2022"


@dataclass
class Document:
    kind: str  # "piano", "pira", "pira-consuntivo", "rpp", "monitoraggio", "relazione"
    cover: Cover
    blocks: list[Block] = field(default_factory=list)
    demo: bool = False  # built from invented values: every rendering says so
    # Paged renderings on a landscape page whatever the tables (the RPP's action tables:
    # nine columns, four of them amounts that must not wrap).
    landscape: bool = False

    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]
