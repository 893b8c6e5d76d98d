"""A budget document into the body's series, and the series back into a document.

Storing is all or nothing (one transaction) and replaces, for each scheme, year and kind the
document carries, what the body had: an amount the document no longer has is deleted, a
changed one updated, a new one created, an equal one left alone, each with its history row
(who and why, ``performa.audit``). Importing the same file twice changes nothing; the years and
schemes a file does not carry are kept (a consuntivo loaded later does not erase the
preventivo of the same year).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from performa import audit
from performa.accounts import access
from performa.plans.models import Body, CostCentre

from .document import BudgetDocument, BudgetError, BudgetLine, check_lines
from .models import BudgetEntry

Key = tuple[str, str, str, str, int, str]


@dataclass
class StoredBudget:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    unchanged: int = 0

    @property
    def counts(self) -> dict[str, int]:
        return {"voci create": self.created, "voci aggiornate": self.updated,
                "voci eliminate": self.deleted, "voci invariate": self.unchanged}


def _key(entry: BudgetEntry) -> Key:
    centre = entry.cost_centre.code if entry.cost_centre_id else ""
    return (entry.scheme, entry.item, entry.function, centre, entry.year, entry.kind)


def _centres(body: Body, lines: list[BudgetLine]) -> dict[str, CostCentre]:
    centres = {c.code: c for c in CostCentre.objects.filter(body=body)}
    for line in lines:
        if line.cost_centre and line.cost_centre not in centres:
            known = ", ".join(sorted(centres)) or "nessuno"
            raise BudgetError(line.place or f"voce «{line.name}»",
                              f"il centro di costo «{line.cost_centre}» non esiste per "
                              f"l'ente (centri di costo: {known})")
    return centres


def _positions(body: Body, lines: list[BudgetLine]) -> dict[tuple[str, str], int]:
    """Where each item goes on the page: an item the body has keeps its place (a partial file
    reorders nothing), a new one follows the others in the order of the file."""
    known: dict[tuple[str, str], int] = {}
    for scheme, item, position in (BudgetEntry.objects.filter(body=body)
                                   .values_list("scheme", "item", "position")
                                   .order_by("position")):
        known.setdefault((scheme, item), position)
    following = max(known.values(), default=0)
    for line in lines:
        if (line.scheme, line.item) not in known:
            following += 1
            known[(line.scheme, line.item)] = following
    return known


@transaction.atomic
def store_budget(user: Any, body: Body, doc: BudgetDocument, reason: str = "") -> StoredBudget:
    """Store ``doc`` as the body's series for the schemes, years and kinds it carries.

    The planning office's (or an administrator's) to do; a problem raises
    :class:`BudgetError` naming the line, and nothing changes.
    """
    access.require(access.can_plan(user, body), "Riservato al controllo di gestione.")
    check_lines(doc.lines)
    centres = _centres(body, doc.lines)
    reason = reason or "importazione del bilancio"
    scopes = {(line.scheme, line.year, line.kind) for line in doc.lines}
    existing: dict[Key, BudgetEntry] = {}
    for entry in BudgetEntry.objects.filter(body=body).select_related("cost_centre"):
        if (entry.scheme, entry.year, entry.kind) in scopes:
            existing[_key(entry)] = entry
    order = _positions(body, doc.lines)
    result = StoredBudget()
    wanted: set[Key] = set()
    created: list[BudgetEntry] = []
    updated: list[BudgetEntry] = []
    for line in doc.lines:
        key = line.key()
        wanted.add(key)
        values = {"label": line.label, "amount": line.amount,
                  "position": order[(line.scheme, line.item)]}
        entry = existing.get(key)
        if entry is None:
            created.append(BudgetEntry(body=body, scheme=line.scheme, item=line.item,
                                       function=line.function,
                                       cost_centre=centres.get(line.cost_centre),
                                       year=line.year, kind=line.kind, **values))
        elif any(getattr(entry, name) != value for name, value in values.items()):
            for name, value in values.items():
                setattr(entry, name, value)
            updated.append(entry)
        else:
            result.unchanged += 1
    # One insert for the rows and one for their history rows: a whole bilancio (400
    # amounts) is stored in a blink instead of 800 round trips.
    author = audit.account_of(user)
    if created:
        bulk_create_with_history(created, BudgetEntry, default_user=author,
                                 default_change_reason=reason)
    if updated:
        bulk_update_with_history(updated, BudgetEntry, ["label", "amount", "position"],
                                 default_user=author, default_change_reason=reason)
    result.created, result.updated = len(created), len(updated)
    for key, entry in existing.items():
        if key not in wanted:
            audit.record(entry, user, reason)
            entry.delete()
            result.deleted += 1
    return result


def budget_document(body: Body) -> BudgetDocument:
    """The body's whole series as a document, in the order the source printed it: what the
    CSV and XLSX writers write, and importing it back changes nothing."""
    entries = (BudgetEntry.objects.filter(body=body).select_related("cost_centre")
               .order_by("position", "scheme", "item", "function", "cost_centre__code",
                         "year", "kind"))
    return BudgetDocument(lines=[
        BudgetLine(scheme=e.scheme, item=e.item, label=e.label, year=e.year, kind=e.kind,
                   amount=e.amount, function=e.function,
                   cost_centre=e.cost_centre.code if e.cost_centre_id else "")
        for e in entries])
