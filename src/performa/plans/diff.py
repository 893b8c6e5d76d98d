"""What changed between two versions of a plan, item by item and field by field.

An amendment is adopted by a resolution that lists what it changes ("target 2022 of «Bando
PID» from 80 to 60"); the planning office needs that list before the Giunta votes, and the
OIV after. The comparison reads two :class:`PlanDocument` (plain data), so it needs no
database and compares any two versions, even of different years.

Areas and objectives are matched by code (unique within a version, so a code that moved to
another parent is a move, not a removal plus an addition). Indicators are matched by ``key``
(their lineage, kept across amendments), falling back to the name within the same card for
documents that carry no keys. Values are compared as printed: ``≥`` and ``>=`` differ on paper.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar

from performa.plans.document import (
    IndicatorDoc,
    OperationalObjectiveDoc,
    PlanDocument,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
)

__all__ = [
    "ADDED", "AREA", "CARD", "CHANGED", "INDICATOR", "REMOVED", "STRATEGIC", "Change", "diff",
]

_T = TypeVar("_T")
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
AREA, STRATEGIC, CARD, INDICATOR = (
    "ambito", "obiettivo strategico", "obiettivo operativo", "indicatore"
)


@dataclass(frozen=True)
class Change:
    """One difference. ``path`` names the item from the top: area code, strategic objective
    code, card code, indicator name (as in the newer version when it exists)."""

    kind: str  # "added" | "removed" | "changed"
    level: str  # "ambito" | "obiettivo strategico" | "obiettivo operativo" | "indicatore"
    path: tuple[str, ...]
    field: str = ""  # Italian label of the field ("target 2022", "peso"); "" for add/remove
    old: str = ""
    new: str = ""

    @property
    def label(self) -> str:
        """The item's own code (or the indicator's name)."""
        return self.path[-1]

    @property
    def card(self) -> str:
        """The card the change belongs to ("" above the card level), to group a report."""
        return self.path[2] if len(self.path) > 2 else ""

    def __str__(self) -> str:
        item = f"{self.level} «{self.label}»"
        if self.kind == ADDED:
            return f"{item}: aggiunto"
        if self.kind == REMOVED:
            return f"{item}: eliminato"
        return f"{item}: {self.field} {self.old or '—'} → {self.new or '—'}"


def diff(old: PlanDocument, new: PlanDocument) -> list[Change]:
    """Every difference from ``old`` to ``new``, in the order of the newer plan; items that
    only the older plan has come after the items of their former parent."""
    return list(_Comparison(old, new).run())


# Fields compared at each level: (label, reader).
_AREA_FIELDS: list[tuple[str, Callable[[StrategicAreaDoc], str]]] = [
    ("titolo", lambda a: a.title),
]
_STRATEGIC_FIELDS: list[tuple[str, Callable[[StrategicObjectiveDoc], str]]] = [
    ("titolo", lambda s: s.title),
    ("missione", lambda s: s.mission),
    ("programma", lambda s: s.programme),
    ("funzione istituzionale", lambda s: s.function),
    ("prospettiva", lambda s: s.perspective),
    ("obiettivo comune", lambda s: s.common_objective),
]
_CARD_FIELDS: list[tuple[str, Callable[[OperationalObjectiveDoc], str]]] = [
    ("titolo", lambda c: c.title),
    ("descrizione", lambda c: c.description),
    ("impatto atteso", lambda c: c.expected_impact),
    ("risorse", lambda c: c.resources),
    ("area di responsabilità", lambda c: c.area),
    ("ufficio", lambda c: c.office),
    ("obiettivo trasversale", lambda c: _yes_no(c.transversal)),
    ("obiettivo comune di sistema", lambda c: _yes_no(c.common_objective)),
]
_INDICATOR_FIELDS: list[tuple[str, Callable[[IndicatorDoc], str]]] = [
    ("nome", lambda i: i.name),
    ("descrizione", lambda i: i.description),
    ("tipologia", lambda i: i.kind),
    ("unità di misura", lambda i: i.unit),
    ("stato anno precedente", lambda i: i.baseline),
    ("comparatore", lambda i: i.comparator),
    ("peso", lambda i: i.weight),
    ("formula", lambda i: i.formula),
    ("fonte", lambda i: i.source),
    ("ufficio che rileva", lambda i: i.office),
]


class _Comparison:
    def __init__(self, old: PlanDocument, new: PlanDocument) -> None:
        self.old, self.new = old, new
        self.old_strategic = {s.code: (a, s) for a in old.areas for s in a.objectives}
        self.new_strategic = {s.code: (a, s) for a in new.areas for s in a.objectives}
        self.old_cards = {c.code: (a, s, c) for a in old.areas for s in a.objectives
                          for c in s.operational}
        self.new_cards = {c.code for a in new.areas for s in a.objectives for c in s.operational}
        self.pairs = self._pair_indicators()
        self.paired = {id(old) for _, old in self.pairs.values()}

    def run(self) -> Iterator[Change]:
        old_areas = {a.code: a for a in self.old.areas}
        new_codes = {a.code for a in self.new.areas}
        for area in self.new.areas:
            before = old_areas.get(area.code)
            path = (area.code,)
            if before is None:
                yield Change(ADDED, AREA, path, new=area.title)
            else:
                yield from _fields(AREA, path, _AREA_FIELDS, before, area)
            for objective in area.objectives:
                yield from self._strategic(area, objective)
            if before is not None:
                yield from self._gone_strategic(before, area)
        for area in self.old.areas:
            if area.code not in new_codes:
                # Its contents go with it; whatever moved elsewhere is reported there.
                yield Change(REMOVED, AREA, (area.code,), old=area.title)

    def _strategic(self, area: StrategicAreaDoc, objective: StrategicObjectiveDoc) -> Iterator[
        Change
    ]:
        path = (area.code, objective.code)
        found = self.old_strategic.get(objective.code)
        if found is None:
            yield Change(ADDED, STRATEGIC, path, new=objective.title)
        else:
            old_area, before = found
            if old_area.code != area.code:
                yield Change(CHANGED, STRATEGIC, path, "ambito", old_area.code, area.code)
            yield from _fields(STRATEGIC, path, _STRATEGIC_FIELDS, before, objective)
        for card in objective.operational:
            yield from self._card(path, objective, card)
        if found is not None:
            for gone in found[1].operational:
                if gone.code not in self.new_cards:
                    yield Change(REMOVED, CARD, (*path, gone.code), old=gone.title)

    def _gone_strategic(self, before: StrategicAreaDoc, area: StrategicAreaDoc) -> Iterator[
        Change
    ]:
        for objective in before.objectives:
            if objective.code in self.new_strategic:
                continue
            yield Change(REMOVED, STRATEGIC, (area.code, objective.code), old=objective.title)

    def _card(
        self, parent: tuple[str, str], objective: StrategicObjectiveDoc,
        card: OperationalObjectiveDoc,
    ) -> Iterator[Change]:
        path = (*parent, card.code)
        found = self.old_cards.get(card.code)
        if found is None:
            yield Change(ADDED, CARD, path, new=card.title)
        else:
            _, old_objective, before = found
            if old_objective.code != objective.code:
                yield Change(CHANGED, CARD, path, "obiettivo strategico", old_objective.code,
                             objective.code)
            yield from _fields(CARD, path, _CARD_FIELDS, before, card)
        for indicator in card.indicators:
            match = self.pairs.get(id(indicator))
            ind_path = (*path, indicator.name)
            if match is not None:
                old_card, old_indicator = match
                if old_card != card.code:
                    yield Change(CHANGED, INDICATOR, ind_path, "obiettivo operativo", old_card,
                                 card.code)
                yield from _indicator_fields(ind_path, old_indicator, indicator)
            elif found is not None:  # in a new card, its indicators come with it
                yield Change(ADDED, INDICATOR, ind_path, new=indicator.name)
        if found is not None:
            for gone in found[2].indicators:
                if id(gone) not in self.paired:
                    yield Change(REMOVED, INDICATOR, (*path, gone.name), old=gone.name)

    def _pair_indicators(self) -> dict[int, tuple[str, IndicatorDoc]]:
        """New indicator (by identity) → (old card code, old indicator)."""
        old_by_key: dict[str, tuple[str, IndicatorDoc]] = {}
        for _, _, card in self.old_cards.values():
            for indicator in card.indicators:
                if indicator.key:
                    old_by_key.setdefault(indicator.key, (card.code, indicator))
        pairs: dict[int, tuple[str, IndicatorDoc]] = {}
        taken: set[int] = set()
        unpaired: list[tuple[str, IndicatorDoc]] = []
        for card in self.new.operational_objectives():
            for indicator in card.indicators:
                match = old_by_key.get(indicator.key) if indicator.key else None
                if match is not None and id(match[1]) not in taken:
                    pairs[id(indicator)] = match
                    taken.add(id(match[1]))
                else:
                    unpaired.append((card.code, indicator))
        for code, indicator in unpaired:  # no key in common: the same name in the same card
            found = self.old_cards.get(code)
            if found is None:
                continue
            for candidate in found[2].indicators:
                if id(candidate) not in taken and _same(candidate.name, indicator.name):
                    pairs[id(indicator)] = (code, candidate)
                    taken.add(id(candidate))
                    break
        return pairs


def _fields(
    level: str, path: tuple[str, ...], fields: list[tuple[str, Callable[[_T], str]]],
    old: _T, new: _T,
) -> Iterator[Change]:
    for label, read in fields:
        before, after = read(old).strip(), read(new).strip()
        if before != after:
            yield Change(CHANGED, level, path, label, before, after)


def _indicator_fields(
    path: tuple[str, ...], old: IndicatorDoc, new: IndicatorDoc
) -> Iterator[Change]:
    yield from _fields(INDICATOR, path, _INDICATOR_FIELDS, old, new)
    for year in sorted(set(old.targets) | set(new.targets)):
        before = old.targets.get(year, "").strip()
        after = new.targets.get(year, "").strip()
        if before != after:
            yield Change(CHANGED, INDICATOR, path, f"target {year}", before, after)


def _same(a: str, b: str) -> bool:
    return _key(a) == _key(b)


def _key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


def _yes_no(flag: bool) -> str:
    return "sì" if flag else "no"
