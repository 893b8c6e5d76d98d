"""The Pisa part of the RPP 2022 of Toscana Nord-Ovest: lines, programmes and their projects.

Pisa plans by *Linea strategica* (1 Promuovere la competitività …) and *Programma* (1.1, 1.3
…); each programme's card lists its *Progetti* (bullets, no code), expected results, resources
in words and amounts («Totale risorse € 250.000+ 85.500 da maggiorazione D.A.») and the
parties involved. There are no indicators. Three chapters print the tree:

* the priorities («Priorità 1: … 1. Rafforzare … 2. *Programma sospeso …*»), numbered by
  position: a suspended programme is skipped with a warning, and a listed programme with no
  card is said;
* «IL QUADRO RIASSUNTIVO DELLE RISORSE 2022»: each line's total and each programme's title
  and resources;
* «I PROGRAMMI, I RISULTATI ATTESI E LE RISORSE 2022»: one card per programme.

The tree is read from the cards, the lines from the summary. Programme → strategic objective
(description, expected results as benefits, parties as stakeholders, resources as printed);
project → operational objective, coded by its order in the card (1.1.1, 1.1.2 …), since the
document gives projects no code (a warning says so). A programme's resources in the summary
and in its card, and a line's total against its programmes', are compared as sums of the
amounts joined by «+» (amounts in brackets detail the one before them): a difference is a
warning naming the lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from performa.engine.values import format_money
from performa.plans.document import (
    LevelLabels,
    OperationalObjectiveDoc,
    PlanDocument,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VersionDoc,
)

from .rpp_common import PlanTextError, Row, amount, fold, short

__all__ = ["read_pisa"]

PISA_LABELS: Final = LevelLabels(area="Linea strategica", strategic="Programma",
                                 operational="Progetto")

_PRIORITIES_RE: Final = re.compile(r"^I PROGRAMMI, I RISULTATI ATTESI E LE RISORSE \d{4}$")
_SUMMARY_RE: Final = re.compile(r"^IL QUADRO RIASSUNTIVO DELLE RISORSE \d{4}$")
_PRIORITY_RE: Final = re.compile(r"^Priorità\s+(\d)\s*:?$", re.I)
_ITEM_RE: Final = re.compile(r"^(\d)\.\s+(.+)$")
_LINE_RE: Final = re.compile(r"^LINEA STRATEGICA\s+(\d)\s*:\s*(.+)$", re.I)
_SUMMARY_PROGRAMME_RE: Final = re.compile(r"^Programma\s+(\d\.\d)\.?$", re.I)
_CARD_RE: Final = re.compile(r"^Programma\s+(\d\.\d)\s+della CCIAA di Pisa$", re.I)
_LABELS: Final = {"descrizione": "description", "progetti": "projects",
                  "risultatiattesi": "results", "risorse": "resources",
                  "totalerisorse": "resources", "soggetticoinvolti": "parties"}
_BULLETS_RE: Final = re.compile(r"\s*[•✓]\s*")
_AMOUNT_RE: Final = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d{2})?|\d+,\d{2}")


def _total(text: str, line: int) -> Decimal | None:
    """The amount a resources text states: the first amount plus those joined to it by «+»;
    what is in brackets details it («€ 20.000,00= (€ 10.000 Oneri …, € 10.000 …)»)."""
    plain = re.sub(r"\([^)]*\)", " ", text)
    amounts = list(_AMOUNT_RE.finditer(plain))
    if not amounts:
        return None
    total = amount(amounts[0].group(0), line) or Decimal(0)
    for previous, current in zip(amounts, amounts[1:], strict=False):
        if "+" in plain[previous.end() : current.start()]:
            total += amount(current.group(0), line) or Decimal(0)
        else:
            break
    return total


@dataclass
class _Card:
    code: str
    line: int
    title: str = ""
    fields: dict[str, list[str]] = field(default_factory=dict)
    field_lines: dict[str, int] = field(default_factory=dict)


class _Reader:
    def __init__(self, rows: list[Row]) -> None:
        self.rows = rows
        self.warnings: list[str] = []

    def _index(self, pattern: re.Pattern[str], what: str, after: int) -> int:
        for index in range(after, len(self.rows)):
            if pattern.match(self.rows[index].text):
                return index
        line = self.rows[after].no if after < len(self.rows) else self.rows[-1].no
        raise PlanTextError(line, f"manca il capitolo «{what}» della sezione di Pisa "
                                  f"(cercato dalla riga {line})")

    def read(self, body: str, year: int, version: VersionDoc) -> PlanDocument:
        priorities = self._index(_PRIORITIES_RE, "I PROGRAMMI, I RISULTATI ATTESI E LE RISORSE",
                                 0)
        summary = self._index(_SUMMARY_RE, "IL QUADRO RIASSUNTIVO DELLE RISORSE", priorities)
        cards_at = self._index(_PRIORITIES_RE, "I PROGRAMMI, I RISULTATI ATTESI E LE RISORSE "
                               "(schede)", summary + 1)
        lines, listed = self._summary(self.rows[summary + 1 : cards_at])
        cards = self._cards(self.rows[cards_at + 1 :])
        if not cards:
            raise PlanTextError(self.rows[cards_at].no, "nessuna scheda «Programma N.N della "
                                                        "CCIAA di Pisa»")
        self._priorities(self.rows[priorities + 1 : summary], listed, cards)
        doc = PlanDocument(body=body, year=year, triennium=(year, year + 2), version=version,
                           labels=PISA_LABELS)
        by_line: dict[str, StrategicAreaDoc] = {}
        for code, (title, _, _) in lines.items():
            by_line[code] = StrategicAreaDoc(code=code, title=title)
            doc.areas.append(by_line[code])
        for card in cards:
            area = by_line.get(card.code.split(".")[0])
            if area is None:
                raise PlanTextError(card.line, f"programma {card.code} di una linea strategica "
                                               "assente dal quadro riassuntivo")
            area.objectives.append(self._objective(card, listed))
        self._line_totals(lines, listed)
        self.warnings.append("i progetti non hanno codice nel documento: codificati per "
                             "ordine nella scheda del programma (1.1.1, 1.1.2 …)")
        doc.warnings = self.warnings
        return doc

    # -- the summary of resources ------------------------------------------------------

    def _summary(self, rows: list[Row]) -> tuple[dict[str, tuple[str, str, int]],
                                                  dict[str, tuple[str, str, int]]]:
        """Lines and programmes of «IL QUADRO RIASSUNTIVO»: code → (title, resources, line)."""
        lines: dict[str, tuple[str, str, int]] = {}
        programmes: dict[str, tuple[str, str, int]] = {}
        current: tuple[dict[str, tuple[str, str, int]], str] | None = None
        expect_title = False
        for row in rows:
            if row.blank:
                continue
            text = row.text
            found = _LINE_RE.match(text)
            if found:
                current = (lines, found.group(1))
                lines[found.group(1)] = (found.group(2).strip(), "", row.no)
                continue
            found = _SUMMARY_PROGRAMME_RE.match(text)
            if found:
                current = (programmes, found.group(1))
                programmes[found.group(1)] = ("", "", row.no)
                expect_title = True
                continue
            if current is None:
                continue
            table, code = current
            title, resources, line = table[code]
            if fold(text).startswith("risorse"):
                table[code] = (title, text.split(":", 1)[-1].strip() if ":" in text else text,
                               row.no)
            elif expect_title:
                table[code] = (text, resources, line)
            expect_title = False
        if not lines:
            raise PlanTextError(rows[0].no if rows else 1,
                                "nessuna «LINEA STRATEGICA» nel quadro riassuntivo di Pisa")
        return lines, programmes

    def _line_totals(self, lines: dict[str, tuple[str, str, int]],
                     listed: dict[str, tuple[str, str, int]]) -> None:
        for code, (_, resources, line) in lines.items():
            total = _total(resources, line)
            parts = [_total(text, no) for key, (_, text, no) in listed.items()
                     if key.split(".")[0] == code]
            if total is None or any(p is None for p in parts):
                continue
            summed = sum((p for p in parts if p is not None), Decimal(0))
            if summed != total:
                self.warnings.append(
                    f"riga {line}: linea strategica {code}, risorse stampate "
                    f"{format_money(total)}, somma dei suoi programmi {format_money(summed)} "
                    f"(differenza {format_money(total - summed)})")

    # -- the priorities ----------------------------------------------------------------

    def _priorities(self, rows: list[Row], listed: dict[str, tuple[str, str, int]],
                    cards: list[_Card]) -> None:
        """Suspended programmes, and programmes listed with no card, are said."""
        titles = {card.code: [card.title] for card in cards}
        for code, (title, _, _) in listed.items():
            titles.setdefault(code, []).append(title)
        priority = ""
        for row in rows:
            found = _PRIORITY_RE.match(row.text)
            if found:
                priority = found.group(1)
                continue
            item = _ITEM_RE.match(row.text)
            if not priority or item is None:
                continue
            text = item.group(2)
            if "sospeso" in text.casefold():
                self.warnings.append(f"riga {row.no}: programma {priority}.{item.group(1)} "
                                     f"sospeso («{short(text, 80)}»): non importato")
                continue
            key = fold(text)[:40]
            if not any(fold(title).startswith(key) or key.startswith(fold(title)[:40])
                       for code, known in titles.items() if code.startswith(f"{priority}.")
                       for title in known if title):
                self.warnings.append(f"riga {row.no}: «{short(text, 80)}» è tra i programmi "
                                     f"della priorità {priority} ma non ha una scheda: non "
                                     "importato")

    # -- the cards ---------------------------------------------------------------------

    def _cards(self, rows: list[Row]) -> list[_Card]:
        cards: list[_Card] = []
        card: _Card | None = None
        current = ""
        for row in rows:
            if row.blank:
                continue
            found = _CARD_RE.match(row.text)
            if found:
                if any(c.code == found.group(1) for c in cards):
                    raise PlanTextError(row.no, f"programma {found.group(1)} ripetuto")
                card = _Card(found.group(1), row.no)
                cards.append(card)
                current = ""
                continue
            if card is None:
                continue
            label = _LABELS.get(fold(row.first))
            rest = " ".join(c for c in row.rest if c)
            if label is None and fold(row.first).startswith("totalerisorse"):
                label, rest = "resources", row.text
            if label:
                current = label
                if rest:
                    card.field_lines.setdefault(label, row.no)
                    card.fields.setdefault(label, []).append(rest)
                continue
            if not card.title:
                card.title = row.text
            elif current:
                card.field_lines.setdefault(current, row.no)
                card.fields.setdefault(current, []).append(row.text)
            else:
                self.warnings.append(f"riga {row.no}: riga non riconosciuta nel programma "
                                     f"{card.code}: «{short(row.text, 80)}»")
        return cards

    def _objective(self, card: _Card, listed: dict[str, tuple[str, str, int]]
                   ) -> StrategicObjectiveDoc:
        if not card.title:
            raise PlanTextError(card.line, f"manca il titolo del programma {card.code}")
        fields = card.fields
        resources = " ".join(fields.get("resources", []))
        resources = re.sub(r"^Totale risorse\s*", "", resources, flags=re.I).strip()
        objective = StrategicObjectiveDoc(
            code=card.code, title=short(card.title, 400),
            description="\n".join(fields.get("description", [])),
            benefits="\n".join(self._items(fields.get("results", []))),
            stakeholders=" ".join(fields.get("parties", [])),
            resources=short(resources, 200),
        )
        for position, project in enumerate(self._items(fields.get("projects", [])), start=1):
            objective.operational.append(OperationalObjectiveDoc(
                code=f"{card.code}.{position}", title=short(project, 400)))
        if not objective.operational:
            self.warnings.append(f"riga {card.line}: programma {card.code} senza progetti")
        summary = listed.get(card.code)
        if summary is None:
            self.warnings.append(f"riga {card.line}: programma {card.code} assente dal quadro "
                                 "riassuntivo delle risorse")
            return objective
        title, printed, line = summary
        if title and fold(title) != fold(card.title):
            self.warnings.append(f"riga {card.line}: il programma {card.code} si intitola "
                                 f"«{short(card.title, 70)}», nel quadro riassuntivo (riga "
                                 f"{line}) «{short(title, 70)}»")
        card_line = card.field_lines.get("resources", card.line)
        ours, theirs = _total(resources, card_line), _total(printed, line)
        if ours is not None and theirs is not None and ours != theirs:
            self.warnings.append(f"riga {card_line}: programma {card.code}, risorse "
                                 f"{format_money(ours)} («{short(resources, 60)}»), nel quadro "
                                 f"riassuntivo (riga {line}) {format_money(theirs)} "
                                 f"(«{short(printed, 60)}»)")
        return objective

    @staticmethod
    def _items(lines: list[str]) -> list[str]:
        """Bullets as printed in three ways: «- ✓ text» lines, «• a • b» and «✓ a ✓ b» in one
        line; a line with no bullet goes on with the item above it."""
        items: list[str] = []
        for line in lines:
            bulleted = line.startswith(("-", "•", "✓"))
            pieces = [p.strip(" -") for p in _BULLETS_RE.split(line.lstrip("- ")) if p.strip(" -")]
            if not bulleted and "•" not in line and "✓" not in line and items:
                items[-1] = f"{items[-1]} {line.strip()}"
                continue
            items += pieces
        return items


def read_pisa(rows: list[Row], body: str, year: int, version: VersionDoc) -> PlanDocument:
    """Pisa's section (rows numbered as in the whole file) as a plan document: strategic lines,
    programmes with their texts and resources, projects.

    Raises :class:`PlanTextError` naming the line when a chapter or a card's title is
    missing; differences between the summary and the cards are warnings.
    """
    return _Reader(rows).read(body, year, version)
