"""A context table as a document prints it: plain data, no database (the readers use it)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Cell:
    row: int
    column: int
    row_label: str
    column_label: str
    text: str
    number: Decimal | None = None


@dataclass
class Table:
    """A printed table: ``heading`` is the header of the row labels, ``columns`` the others'."""

    title: str
    chapter: str
    heading: str
    line: int
    columns: list[str] = field(default_factory=list)
    cells: list[Cell] = field(default_factory=list)
    year: int | None = None  # the document's, once stored

    def rows(self) -> list[tuple[str, list[Cell]]]:
        """(row label, its cells in column order), in the printed order."""
        grouped: dict[int, tuple[str, list[Cell]]] = {}
        for cell in sorted(self.cells, key=lambda c: (c.row, c.column)):
            grouped.setdefault(cell.row, (cell.row_label, []))[1].append(cell)
        return list(grouped.values())

    def cell(self, row_label: str, column_label: str) -> Cell:
        """The first cell of that row and column (for tests and callers that know the print)."""
        return next(c for c in self.cells
                    if c.row_label == row_label and c.column_label == column_label)
