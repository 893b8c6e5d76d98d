"""The context tables of a document into the body's data, and back out for the pages.

Storing replaces, all or nothing, the body's tables of that document year: the same tables
again change nothing; different ones delete the old rows and create the new, each change with
its history row (who and why, ``performa.audit``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from performa import audit
from performa.accounts import access
from performa.plans.models import Body

from .context_document import Cell, Table
from .models import ContextCell, ContextTable


def _shape(tables: list[Table]) -> list[tuple[Any, ...]]:
    return [(t.title, t.chapter, t.heading, t.line,
             tuple((c.row, c.column, c.row_label, c.column_label, c.text,
                    None if c.number is None else Decimal(c.number).normalize())
                   for c in sorted(t.cells, key=lambda c: (c.row, c.column))))
            for t in tables]


@transaction.atomic
def store_context(user: Any, body: Body, year: int, tables: list[Table],
                  reason: str = "") -> int:
    """Make ``tables`` the body's context tables of the ``year`` document; how many rows
    (tables and cells) changed, 0 when they were already there. Planning office only."""
    access.require(access.can_plan(user, body), "Riservato al controllo di gestione.")
    reason = reason or "importazione delle tabelle di contesto"
    old = context_tables(body, year)
    if _shape(old) == _shape(tables):
        return 0
    changed = 0
    for stored in ContextTable.objects.filter(body=body, year=year):
        for cell in stored.cells.all():
            audit.record(cell, user, reason)
            cell.delete()
            changed += 1
        audit.record(stored, user, reason)
        stored.delete()
        changed += 1
    author = audit.account_of(user)
    rows = bulk_create_with_history(
        [ContextTable(body=body, year=year, position=position, title=t.title,
                      chapter=t.chapter, heading=t.heading, line=t.line)
         for position, t in enumerate(tables, start=1)],
        ContextTable, default_user=author, default_change_reason=reason)
    if not all(row.pk for row in rows):  # backends that do not return ids
        rows = list(ContextTable.objects.filter(body=body, year=year).order_by("position"))
    cells = [ContextCell(table=row, row=c.row, column=c.column, row_label=c.row_label,
                         column_label=c.column_label, text=c.text, number=c.number)
             for row, t in zip(rows, tables, strict=True) for c in t.cells]
    bulk_create_with_history(cells, ContextCell, default_user=author,
                             default_change_reason=reason)
    return changed + len(rows) + len(cells)


def context_tables(body: Body, year: int | None = None) -> list[Table]:
    """The body's tables (of ``year``, else of its latest document), in the printed order."""
    stored = ContextTable.objects.filter(body=body)
    if year is None:
        year = stored.order_by("-year").values_list("year", flat=True).first()
    tables = []
    for row in stored.filter(year=year).order_by("position").prefetch_related("cells"):
        cells = [Cell(c.row, c.column, c.row_label, c.column_label, c.text, c.number)
                 for c in row.cells.all()]
        columns: dict[int, str] = {}
        for cell in cells:
            columns.setdefault(cell.column, cell.column_label)
        tables.append(Table(row.title, row.chapter, row.heading, row.line,
                            [columns[k] for k in sorted(columns)], cells, row.year))
    return tables
