"""Reader of a *PIRA* (Piano degli indicatori e dei risultati attesi di bilancio, art. 19 D.Lgs.
91/2011) converted from PDF to text: the layout of the seed ``004_…`` (Camera di Commercio
Frosinone Latina, 2021).

A chamber that starts on Performa has last year's PIRA as a PDF, so the reader takes the text
as the ground truth, keeps every value as printed and says, in Italian and with the line, what
it had to guess; what it cannot read (an unknown mission or programme, a card without its
``TITOLO``, a target that is no value) raises :class:`PlanTextError` and nothing is stored.

How the document maps onto a :class:`PlanDocument`:

* the first part, by mission and *programma di spesa* (``### MISSIONE 011 – …``, ``####
  PROGRAMMA DI SPESA: …``): one :class:`ProgrammeDoc` per programme, its code from the
  catalogue (``catalog/data/missions.json``) by the name the text prints, its ``narrative`` the
  paragraphs under its heading as printed (paragraphs separated by a blank line), preceded by
  the mission's own paragraphs when the mission has some before its programmes (032). The
  narrative stops at «Gli obiettivi in cui si articola …»: the list that follows is the
  programme's objectives, checked against the cards instead of being kept as text;
* the *tabella di raccordo* (``Missioni — Aree Strategiche P.P.``): one
  :class:`StrategicAreaDoc` per Area, in the table's order; an empty Area cell continues the
  Area above (a merged cell: 012 and 032 are both «Competitività dell'Ente»);
* each objective card (``Obiettivo (AA 101 AA 102) — TITOLO — (A1) …`` and its rows
  DESCRIZIONE, ARCO TEMPORALE DI REALIZZAZIONE, PORTATORI D'INTERESSE, CENTRO DI
  RESPONSABILITA', RISORSE ECONOMICHE): a :class:`StrategicObjectiveDoc` with the mission and
  programme of the ``MISSIONE``/``PROGRAMMA DI SPESA`` rows above it, the function of DPR
  254/2005 the catalogue gives that programme (as the Premessa states it), in the Area its
  mission belongs to;
* each ``KPI`` row and the rows after it (ALGORITMO DI CALCOLO, VALORI OSSERVATI, RISULTATI
  ATTESI, FONTE/FONTI DEI DATI): an :class:`IndicatorDoc`, ``published`` (a PIRA prints only
  its key indicators). A new indicator starts at its ``KPI`` row, not at ``INDICATORE``: the
  conversion repeats that merged cell after a page break (line 373 of the seed) or moves it
  (line 341). ``KPISTD 76 (Qualità/…)`` is the national KPI ``KPI STD 76`` (the code) of kind
  ``Qualità/…``;
* Performa's tree holds indicators on an operational objective, and a PIRA has none: each PIRA
  objective gets **one operational objective with the same code and title** that holds its
  indicators, its Area text being the card's centre of responsibility. Description, resources
  and the rest of the card stay on the strategic objective, so nothing is counted twice.

Units are not printed: ``%`` when the targets are percents (``€`` amounts, ``data`` dates), a
unit word printed with them (``< 30 gg``) as it is, ``n.`` when the algorithm counts (``n. di
…``, ``Numero di …``), otherwise empty with a warning naming the line. A target cell is read by
:func:`read_target_cell`, which knows the forms real PIRAs use.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache
from typing import Final

from performa.catalog.loader import read as read_catalogue
from performa.engine.values import Kind, ValueParseError, parse_target
from performa.interchange.seed_text import PlanTextError
from performa.plans.document import (
    IndicatorDoc,
    LevelLabels,
    OperationalObjectiveDoc,
    PlanDocument,
    ProgrammeDoc,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VersionDoc,
)

__all__ = [
    "KpiRows",
    "TargetCell",
    "TargetCellError",
    "looks_like_pira",
    "read_kpi_rows",
    "read_pira_text",
    "read_target_cell",
]

# --- text clean-up -----------------------------------------------------------------------------

# Only the tags the PDF converter emits: a generic ``<…>`` would eat comparators (``<30 gg``).
_TAG_RE: Final = re.compile(r"</?(?:b|i|p|em|strong|u|br|span|div|sup|sub)\b[^>]*>", re.I)
_SPACES_RE: Final = re.compile(r"\s+")
_QUOTE_FOLD: Final = str.maketrans("’‘`´“”«»", "''''\"\"\"\"")
_DASHES_RE: Final = re.compile(r"^'?\s*[-–—_]+\s*$")


def _clean(text: str) -> str:
    """A cell or line without layout: tags, ``**`` emphasis, the converter's LaTeX sigma."""
    text = _TAG_RE.sub("", text).replace("**", "").replace("$\\sum$", "∑")
    return _SPACES_RE.sub(" ", unicodedata.normalize("NFC", text)).strip()


def _fold(text: str) -> str:
    """A key for names printed in several ways (case, quotes, apostrophes, «ed»/«e»)."""
    text = _clean(text).casefold().translate(_QUOTE_FOLD)
    text = re.sub(r"\bed\b", "e", text)
    return _SPACES_RE.sub(" ", re.sub(r"[^\w%/]+", " ", text)).strip()


def _unquote(text: str) -> str:
    return text.strip().strip("\"'“”«»").strip()


def _value(text: str) -> str:
    """A cell's value: a cell of dashes only is the PIRA's way of leaving it empty."""
    return "" if _DASHES_RE.match(text) else text


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


# --- target cells ------------------------------------------------------------------------------


class TargetCellError(ValueError):
    """A target cell that cannot be read; ``reason`` in Italian, quoting the offending text."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(reason)


@dataclass(frozen=True)
class TargetCell:
    """What a *Risultati attesi* cell says.

    ``targets`` maps each year to its target as printed, without the comparator when every
    year has the same one (then in ``comparator``); year 0 is a cell that names no year (the
    plan's year). ``unit`` is a unit word printed with the values (``gg.``).
    """

    comparator: str
    targets: dict[int, str]
    unit: str = ""
    not_defined: bool = False  # «Kpi non definito»: read as n.d.


_YEAR_MARK_RE: Final = re.compile(r"(?:Target|Anno)\s*(\d{4})\s*:", re.I)
_NO_YEAR_RE: Final = re.compile(r"^(?:Target|Anno)\s*:\s*", re.I)
_NOT_DEFINED_RE: Final = re.compile(r"^(?:kpi|indicatore|target)?\s*non definit[oa]\.?$", re.I)
# Comparators written in words ("maggiore o uguale a 90,00%"), read as their symbol.
_WORD_COMPARATORS: Final = (
    (re.compile(r"^(?:maggiore|superiore)\s+o\s+uguale\s+(?:a|al)\b", re.I), ">="),
    (re.compile(r"^(?:minore|inferiore)\s+o\s+uguale\s+(?:a|al)\b", re.I), "<="),
    (re.compile(r"^non\s+inferiore\s+(?:a|al)\b", re.I), ">="),
    (re.compile(r"^non\s+superiore\s+(?:a|al)\b", re.I), "<="),
    (re.compile(r"^almeno\b", re.I), ">="),
    (re.compile(r"^entro\s+(?:il\b)?", re.I), "<="),
    (re.compile(r"^(?:maggiore|superiore)\s+(?:di|a|al)\b", re.I), ">"),
    (re.compile(r"^(?:minore|inferiore)\s+(?:di|a|al)\b", re.I), "<"),
    (re.compile(r"^(?:uguale|pari)\s+(?:a|al)\b", re.I), "="),
)
_SYMBOLS: Final = (">=", "=>", "≥", "<=", "=<", "≤", "==", "=", ">", "<")
# Unit words a target may carry after its number; they become the indicator's unit.
_UNIT_WORD_RE: Final = re.compile(
    r"\s*\b(gg\.?|giorni(?:\s+lavorativi)?|gg\.?\s+lavorativi|ore|mesi|n\.|nr\.?)\s*$", re.I
)
_COMPARATOR_MEANING: Final = {"=>": ">=", "≥": ">=", "=<": "<=", "≤": "<=", "==": "="}


def read_target_cell(text: str) -> TargetCell:
    """Read one *Risultati attesi* cell, in any of the forms real PIRAs print:

    ``Target 2021: >=2 Target 2022: >=2 Target 2023: >=3``, ``Anno 2015: >= 2.355  Anno 2016:
    >= 2.355``, ``Target 2021:<30 gg``, ``<= 10 gg.`` (no year: the plan's), ``70%`` (no
    comparator: the engine's default, more is better), ``maggiore o uguale a 90,00%``, ``---``
    for a year without target, ``Kpi non definito`` (read as n.d.). Anything else raises
    :class:`TargetCellError` quoting the part it could not read.
    """
    cell = _clean(text)
    if not cell or _DASHES_RE.match(cell):
        return TargetCell("", {})
    if _NOT_DEFINED_RE.match(cell):
        return TargetCell("", {0: "n.d."}, not_defined=True)
    marks = list(_YEAR_MARK_RE.finditer(cell))
    pieces: list[tuple[int, str]] = []
    if not marks:
        pieces.append((0, _NO_YEAR_RE.sub("", cell)))
    else:
        before = cell[: marks[0].start()].strip()
        if before:
            raise TargetCellError(f"«{_short(before)}» prima del primo anno")
        for index, mark in enumerate(marks):
            end = marks[index + 1].start() if index + 1 < len(marks) else len(cell)
            year = int(mark.group(1))
            if any(year == seen for seen, _ in pieces):
                raise TargetCellError(f"l'anno {year} compare due volte")
            pieces.append((year, cell[mark.end() : end].strip()))
    read: dict[int, tuple[str, str]] = {}
    units: set[str] = set()
    not_defined = False
    for year, piece in pieces:
        if not piece or _DASHES_RE.match(piece):
            continue  # no target that year
        if _NOT_DEFINED_RE.match(piece):
            read[year], not_defined = ("", "n.d."), True
            continue
        comparator, value, unit = _target_piece(piece, year)
        read[year] = (comparator, value)
        if unit:
            units.add(unit)
    if len({u.casefold().rstrip(".") for u in units}) > 1:
        raise TargetCellError(f"unità diverse negli anni: {', '.join(sorted(units))}")
    comparators = {_COMPARATOR_MEANING.get(c, c) for c, _ in read.values()}
    unit = min(units) if units else ""
    if len(comparators) == 1:
        printed = next(iter(read.values()))[0]
        return TargetCell(printed, {y: v for y, (_, v) in read.items()}, unit, not_defined)
    # Different comparators in different years: each target keeps its own, glued.
    return TargetCell("", {y: f"{c}{v}" for y, (c, v) in read.items()}, unit, not_defined)


def _target_piece(piece: str, year: int) -> tuple[str, str, str]:
    """One year's target: (comparator as printed or from words, value, unit word)."""
    label = f"target {year}" if year else "target"
    rest = piece
    comparator = ""
    for pattern, symbol in _WORD_COMPARATORS:
        found = pattern.match(rest)
        if found:
            comparator, rest = symbol, rest[found.end() :].strip()
            break
    else:
        for symbol in _SYMBOLS:
            if rest.startswith(symbol):
                comparator, rest = symbol, rest[len(symbol) :].strip()
                break
    unit = ""
    word = _UNIT_WORD_RE.search(rest)
    if word and word.start() > 0:
        unit, rest = word.group(1), rest[: word.start()].strip()
    try:
        parse_target(f"{comparator}{rest}")
    except ValueParseError as error:
        raise TargetCellError(f"{label} «{_short(piece)}» non leggibile: {error.reason}") from None
    return comparator, rest, unit


# --- the catalogue -----------------------------------------------------------------------------


@dataclass(frozen=True)
class _Mission:
    code: str
    name: str
    programmes: dict[str, tuple[str, str]]  # folded name → (code, name)


@cache
def _catalogue() -> tuple[dict[str, _Mission], dict[str, str]]:
    """Missions by code, and the function of DPR 254/2005 of each ``mission.programme``."""
    data = read_catalogue("missions.json")
    missions = {
        m["code"]: _Mission(m["code"], m["name"],
                            {_fold(p["name"]): (p["code"], p["name"]) for p in m["programmes"]})
        for m in data["missions"]
    }
    functions = {key: f["code"] for f in data["functions"] for key in f["programmes"]}
    return missions, functions


def _mission(code: str, line: int) -> _Mission:
    missions, _ = _catalogue()
    found = missions.get(code)
    if found is None:
        raise PlanTextError(line, f"missione «{code}» non presente nel catalogo (missioni: "
                                  f"{', '.join(missions)})")
    return found


def _programme(mission: _Mission, printed: str, line: int) -> str:
    found = mission.programmes.get(_fold(_unquote(printed)))
    if found is None:
        names = "; ".join(f"{code} «{name}»" for code, name in mission.programmes.values())
        raise PlanTextError(line, f"programma «{_short(_unquote(printed))}» non presente nel "
                                  f"catalogo della missione {mission.code} (programmi: {names})")
    return found[0]


# --- the first part: programmes, narratives, the table of Areas ------------------------------

_HEADING_RE: Final = re.compile(r"^#{1,6}\s+(.*)$")
_MISSION_HEADING_RE: Final = re.compile(r"^MISSIONE\s*[-–]?\s*(\d{3})\s*[-–:]?\s*(.*)$", re.I)
_PROGRAMME_HEADING_RE: Final = re.compile(r"^PROGRAMMA DI SPESA\s*:?\s*(.*)$", re.I)
_LIST_START_RE: Final = re.compile(r"^Gli obiettivi in cui si articola", re.I)
_LISTED_RE: Final = re.compile(r"Obiettivo strategico\s*\((\w+)\)", re.I)
_RACCORDO_HEADER_RE: Final = re.compile(r"^Missioni\b.*\bAree Strategiche", re.I)
_RACCORDO_ROW_RE: Final = re.compile(r"^(\d{3})\s*[-–]?$")
_RUNNING_HEADER_RE: Final = re.compile(r"^CAMERA DI COMMERCIO\s*$")
_PLAN_YEARS_RE: Final = re.compile(r"Piano della performance\s+(\d{4})\s*[-–/]\s*(\d{4})", re.I)
# The first row of the cards: "MISSIONE - 011<TAB>COMPETITIVITA' …".
_CARD_MISSION_RE: Final = re.compile(r"^MISSIONE\s*[-–]?\s*(\d{3})$", re.I)


@dataclass
class _Programme:
    mission: str
    code: str
    title: str
    line: int
    paragraphs: list[str] = field(default_factory=list)
    listed: dict[str, int] = field(default_factory=dict)  # objective code → line of the list


@dataclass
class _FirstPart:
    title: str = ""
    body: str = ""
    programmes: list[_Programme] = field(default_factory=list)
    areas: dict[str, str] = field(default_factory=dict)  # mission → Area title
    area_order: list[str] = field(default_factory=list)


def _read_first_part(lines: list[str], end: int) -> _FirstPart:
    part = _FirstPart()
    mission: _Mission | None = None
    mission_paragraphs: list[str] = []
    programme: _Programme | None = None
    listing = False
    index = 0
    while index < end:
        no, raw = index + 1, lines[index]
        text = _clean(raw)
        index += 1
        if _RUNNING_HEADER_RE.match(text) and index < end:
            # The page's running header: the body's name, not content.
            if not part.body:
                part.body = "Camera di Commercio " + _title_case(_clean(lines[index]))
            index += 1
            continue
        if _RACCORDO_HEADER_RE.match(text):
            index = _read_raccordo(lines, index, end, part)
            continue
        heading = _HEADING_RE.match(raw.strip())
        if heading:
            title = _clean(heading.group(1))
            found_mission = _MISSION_HEADING_RE.match(title)
            found_programme = _PROGRAMME_HEADING_RE.match(title)
            if found_mission:
                mission = _mission(found_mission.group(1), no)
                mission_paragraphs, programme, listing = [], None, False
            elif found_programme:
                if mission is None:
                    raise PlanTextError(no, "programma di spesa prima della sua missione")
                printed = _unquote(found_programme.group(1))
                programme = _Programme(mission.code, _programme(mission, printed, no), printed,
                                       no, list(mission_paragraphs))
                part.programmes.append(programme)
                listing = False
            elif not part.title:
                part.title = title
            else:
                mission, programme, listing = None, None, False
            continue
        if mission is None:
            continue
        if not text:
            continue
        if programme is not None and (listing or _LIST_START_RE.match(text)):
            listing = True
            listed = _LISTED_RE.search(text)
            if listed:
                programme.listed[listed.group(1)] = no
            continue
        # A paragraph line: lines of one paragraph follow each other without a blank line.
        target = programme.paragraphs if programme is not None else mission_paragraphs
        previous_blank = not lines[index - 2].strip() or _HEADING_RE.match(lines[index - 2])
        if target and not previous_blank:
            target[-1] = f"{target[-1]} {text}"
        else:
            target.append(text)
    return part


def _read_raccordo(lines: list[str], index: int, end: int, part: _FirstPart) -> int:
    """Rows «011-<TAB>Competitività …<TAB>Competitività del Territorio» after the header."""
    area = ""
    while index < end:
        cells = [_clean(c) for c in lines[index].split("\t")]
        found = _RACCORDO_ROW_RE.match(cells[0]) if len(cells) > 1 else None
        if found is None:
            break
        mission = _mission(found.group(1), index + 1)
        printed = cells[2] if len(cells) > 2 else ""
        if printed:
            area = printed
        elif not area:
            raise PlanTextError(index + 1, f"tabella di raccordo: manca l'Area strategica della "
                                           f"missione {mission.code}")
        if area not in part.area_order:
            part.area_order.append(area)
        part.areas[mission.code] = area
        index += 1
    return index


_SMALL_WORDS: Final = frozenset({"di", "del", "della", "delle", "dei", "e", "ed", "d'"})


def _title_case(text: str) -> str:
    words = text.casefold().split()
    return " ".join(w if w in _SMALL_WORDS and i else w.capitalize() for i, w in enumerate(words))


# --- the cards ---------------------------------------------------------------------------------

# Card rows: label (folded, see _fold) → field of the strategic objective.
_CARD_LABELS: Final = {
    "descrizione": "description",
    "arco temporale di realizzazione": "time_span",
    "portatori d interesse": "stakeholders",
    "portatori di interesse": "stakeholders",
    "centro di responsabilita": "responsible_centre",
    "centro di responsabilità": "responsible_centre",
    "risorse economiche": "resources",
    "benefici attesi": "benefits",
}
# Indicator rows: label (folded) → field of the indicator.
_INDICATOR_LABELS: Final = {
    "algoritmo di calcolo": "description",
    "valori osservati": "baseline",
    "risultati attesi": "targets",
    "fonte dei dati": "source",
    "fonti dei dati": "source",
    "fonte del dato": "source",
}
_KPI_RE: Final = re.compile(
    r"^KPI(?:\s*STD\s*(?P<std>\d+)|S)?\s*(?:\((?P<kind>[^)]*)\))?$", re.I
)
_OBJECTIVE_CELL_RE: Final = re.compile(r"^Obiettivo\b\s*(.*)$", re.I)
_TITLE_RE: Final = re.compile(r"^\(\s*([A-Z]{1,3}\s*\d{1,3})\s*\)\s*(.+)$")
_STATE_LABEL_RE: Final = re.compile(r"^Stato\b[^:]*:\s*(.*)$", re.I)
_COUNT_RE: Final = re.compile(r"^(?:n\.|nr\.?\s|numero\b)", re.I)
# The database columns these fields go to (performa.plans.models): a longer value is refused
# here, with its line, instead of failing in the database.
_LIMITS: Final = {
    "code": 20, "title": 400, "time_span": 100, "responsible_centre": 300, "resources": 200,
    "related": 300, "name": 400, "kind": 100, "unit": 30, "source": 200, "baseline": 60,
}  # fmt: skip
_LABEL_NAMES: Final = {
    "description": "DESCRIZIONE", "time_span": "ARCO TEMPORALE DI REALIZZAZIONE",
    "stakeholders": "PORTATORI D'INTERESSE", "responsible_centre": "CENTRO DI RESPONSABILITA'",
    "resources": "RISORSE ECONOMICHE", "benefits": "BENEFICI ATTESI",
}  # fmt: skip


@dataclass
class _Indicator:
    doc: IndicatorDoc
    line: int
    seen: dict[str, int] = field(default_factory=dict)  # field → line
    target_line: int = 0
    target_unit: str = ""


@dataclass
class _Card:
    doc: StrategicObjectiveDoc
    line: int
    programme: tuple[str, str]
    seen: dict[str, int] = field(default_factory=dict)
    indicators: list[_Indicator] = field(default_factory=list)


class _CardReader:
    def __init__(self) -> None:
        self.cards: list[_Card] = []
        self.programme_titles: dict[tuple[str, str], tuple[str, int]] = {}
        self.warnings: list[str] = []
        self.mission: _Mission | None = None
        self.programme: str = ""
        self.mission_line = 0

    def warn(self, line: int, message: str) -> None:
        self.warnings.append(f"Riga {line}: {message}")

    def read(self, lines: list[str], start: int) -> None:
        last_row = max((i for i in range(start, len(lines)) if "\t" in lines[i]), default=start)
        header = False
        for index in range(start, len(lines)):
            no, raw = index + 1, lines[index]
            if header:
                header = False
                continue
            if not raw.strip():
                continue
            if _RUNNING_HEADER_RE.match(_clean(raw)):
                header = True  # the page's running header and the body's name under it
                continue
            if "\t" not in raw:
                if index < last_row:
                    self.warn(no, f"testo fuori dalle tabelle, ignorato: «{_short(_clean(raw))}»")
                continue  # after the last card: the signatures
            self.row(no, [_clean(cell) for cell in raw.split("\t")])

    def row(self, no: int, cells: list[str]) -> None:
        filled = [c for c in cells if c]
        if not filled:
            return
        first = filled[0]
        mission = _CARD_MISSION_RE.match(first)
        if mission:
            self.mission = _mission(mission.group(1), no)
            self.programme, self.mission_line = "", no
            return
        if _fold(first) == "programma di spesa":
            self.programme_row(no, filled[1:])
            return
        objective = _OBJECTIVE_CELL_RE.match(first)
        if objective:
            self.open_card(no, objective.group(1), filled[1:])
            return
        if _fold(first) == "indicatore":
            filled = filled[1:]
            if not filled:
                return  # the merged INDICATORE cell repeated alone after a page break
        label, values = filled[0], filled[1:]
        self.labelled(no, label, " ".join(values))

    def programme_row(self, no: int, values: list[str]) -> None:
        if self.mission is None:
            raise PlanTextError(no, "«PROGRAMMA DI SPESA» senza la riga «MISSIONE» sopra")
        if not values:
            raise PlanTextError(no, "«PROGRAMMA DI SPESA» senza il nome del programma")
        printed = _unquote(" ".join(values))
        self.programme = _programme(self.mission, printed, no)
        self.programme_titles.setdefault((self.mission.code, self.programme), (printed, no))

    def open_card(self, no: int, related: str, values: list[str]) -> None:
        if not values or _fold(values[0]) != "titolo":
            raise PlanTextError(no, "riga «Obiettivo» senza «TITOLO»: attese le celle "
                                    "«Obiettivo (codici)», «TITOLO», «(A1) titolo»")
        title_cell = " ".join(values[1:])
        found = _TITLE_RE.match(title_cell)
        if found is None:
            raise PlanTextError(no, f"titolo «{_short(title_cell)}» senza il codice "
                                    "dell'obiettivo tra parentesi, come «(A1) Valorizzare …»")
        if self.mission is None:
            raise PlanTextError(no, "obiettivo senza la riga «MISSIONE» sopra")
        if not self.programme:
            raise PlanTextError(no, f"obiettivo senza la riga «PROGRAMMA DI SPESA» dopo la "
                                    f"missione della riga {self.mission_line}")
        code = found.group(1).replace(" ", "")
        for card in self.cards:
            if card.doc.code == code:
                raise PlanTextError(no, f"obiettivo {code} già presente alla riga {card.line}")
        related = _SPACES_RE.sub(" ", related.replace("(", " ").replace(")", " ")).strip()
        _, functions = _catalogue()
        doc = StrategicObjectiveDoc(
            code=code, title=found.group(2).strip(), mission=self.mission.code,
            programme=self.programme,
            function=functions.get(f"{self.mission.code}.{self.programme}", ""),
            related=related,
        )
        for name in ("code", "title", "related"):
            _check_length(no, name, getattr(doc, name))
        self.cards.append(_Card(doc, no, (self.mission.code, self.programme)))

    def labelled(self, no: int, label: str, value: str) -> None:
        key = _fold(label)
        kpi = _KPI_RE.match(label)
        card = self.cards[-1] if self.cards else None
        if key in _CARD_LABELS:
            name = _CARD_LABELS[key]
            if card is None or card.indicators:
                raise PlanTextError(no, f"«{label}» fuori da una scheda: manca la riga "
                                        "«Obiettivo … TITOLO (codice) titolo» che la apre")
            if name in card.seen:
                raise PlanTextError(no, f"«{label}» ripetuto nella scheda {card.doc.code} "
                                        f"(già alla riga {card.seen[name]})")
            card.seen[name] = no
            text = _value(value)
            _check_length(no, name, text)
            setattr(card.doc, name, text)
            return
        if kpi:
            if card is None:
                raise PlanTextError(no, "«KPI» prima della prima scheda di obiettivo")
            self.open_indicator(no, card, kpi, value)
            return
        field_name = _INDICATOR_LABELS.get(key)
        if field_name is None:
            raise PlanTextError(no, f"riga non riconosciuta: «{_short(label)}» (attese le voci "
                                    "della scheda: TITOLO, DESCRIZIONE, …, KPI, ALGORITMO DI "
                                    "CALCOLO, VALORI OSSERVATI, RISULTATI ATTESI, FONTE DEI DATI)")
        if card is None or not card.indicators:
            raise PlanTextError(no, f"«{label}» prima del «KPI» dell'indicatore")
        indicator = card.indicators[-1]
        if field_name in indicator.seen:
            raise PlanTextError(no, f"«{label}» ripetuto nello stesso indicatore (già alla riga "
                                    f"{indicator.seen[field_name]}): manca la riga «KPI» di un "
                                    "nuovo indicatore?")
        indicator.seen[field_name] = no
        if field_name == "targets":
            self.targets(no, indicator, value)
        elif field_name == "baseline":
            indicator.doc.baseline = self.baseline(no, value)
        else:
            _check_length(no, field_name, _value(value))
            setattr(indicator.doc, field_name, _value(value))

    def open_indicator(self, no: int, card: _Card, kpi: re.Match[str], value: str) -> None:
        code = f"KPI STD {kpi.group('std')}" if kpi.group("std") else ""
        kind = (kpi.group("kind") or "").strip()
        name = value
        if not name:
            if not code:
                raise PlanTextError(no, "«KPI» senza il nome dell'indicatore")
            name = f"{code} ({kind})" if kind else code
            self.warn(no, f"il KPI non ha un nome: usato «{name}»")
        doc = IndicatorDoc(name=name, code=code, kind=kind, published=True)
        for field_name in ("name", "kind", "code"):
            _check_length(no, field_name, getattr(doc, field_name))
        card.indicators.append(_Indicator(doc, no))

    def baseline(self, no: int, value: str) -> str:
        text = _value(value)
        state = _STATE_LABEL_RE.match(text)
        if state:
            text = _value(state.group(1).strip())
            if not text:
                self.warn(no, f"«{value}» senza valore: stato di partenza lasciato vuoto")
        _check_length(no, "baseline", text)
        return text

    def targets(self, no: int, indicator: _Indicator, value: str) -> None:
        try:
            cell = read_target_cell(value)
        except TargetCellError as error:
            raise PlanTextError(no, f"risultati attesi: {error.reason}") from None
        if cell.not_defined:
            self.warn(no, f"«{_short(value)}»: KPI non definito, target letto come n.d.")
        indicator.doc.comparator = cell.comparator
        indicator.doc.targets = dict(cell.targets)
        indicator.target_line = no
        indicator.target_unit = cell.unit


def _check_length(line: int, name: str, text: str) -> None:
    limit = _LIMITS.get(name)
    if limit is not None and len(text) > limit:
        label = _LABEL_NAMES.get(name, name)
        raise PlanTextError(line, f"«{label}» di {len(text)} caratteri: al massimo {limit}")


def _unit(indicator: _Indicator) -> str:
    """The unit the targets imply: see the module docstring."""
    if indicator.target_unit:
        return indicator.target_unit
    values = [v for v in indicator.doc.targets.values() if v != "n.d."]
    kinds = set()
    for value in values:
        try:
            kinds.add(parse_target(f"{indicator.doc.comparator}{value}").value.kind)
        except ValueParseError:  # pragma: no cover - read_target_cell has read them already
            return ""
    if kinds == {Kind.PERCENT}:
        return "%"
    if kinds == {Kind.MONEY}:
        return "€"
    if kinds == {Kind.DATE}:
        return "data"
    if _COUNT_RE.match(indicator.doc.description) or _COUNT_RE.match(indicator.doc.name):
        return "n."
    return ""


# --- the rows under each KPI, for a PIRA that reports measured values ------------------------


@dataclass(frozen=True)
class KpiRows:
    """A KPI of a PIRA card with the labelled rows printed under it, as printed.

    A PIRA *a consuntivo* prints the year's values in the card itself («VALORI OSSERVATI —
    Stato 2021: 3», «% di raggiungimento — 100%»), rows the plan reader does not take; its
    reader (``performa.interchange.report_text``) interprets them.
    """

    objective: str  # A1: the code of the card (and of its one operational objective)
    position: int  # 1-based, among the card's KPIs
    line: int  # of the KPI row
    name: str  # the indicator's name, as the plan reader gives it
    rows: tuple[tuple[int, str, str], ...]  # (line, label, value) of each row under it


def read_kpi_rows(text: str) -> list[KpiRows]:
    """Every KPI of the cards of a PIRA's text, with the rows under it, in order. Cards and
    KPIs are found as :func:`read_pira_text` finds them; rows are not checked here."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines)
                  if "\t" in line and _CARD_MISSION_RE.match(_clean(line.split("\t")[0]))), None)
    if start is None:
        raise PlanTextError(max(len(lines), 1), "fine del testo senza la tabella delle schede "
                                                "(attesa una riga «MISSIONE - 011<TAB>…»)")
    found: list[KpiRows] = []
    objective, position, running_header = "", 0, False
    for index in range(start, len(lines)):
        no, raw = index + 1, lines[index]
        if running_header:  # the body's name under the page's running header
            running_header = False
            continue
        if _RUNNING_HEADER_RE.match(_clean(raw)):
            running_header = True
            continue
        filled = [cell for cell in (_clean(c) for c in raw.split("\t")) if cell]
        if "\t" not in raw or not filled:
            continue
        title = _TITLE_RE.match(" ".join(filled[2:])) if len(filled) > 2 else None
        if _OBJECTIVE_CELL_RE.match(filled[0]) and _fold(filled[1]) == "titolo" and title:
            objective, position = title.group(1).replace(" ", ""), 0
            continue
        if _fold(filled[0]) == "indicatore":
            filled = filled[1:]
            if not filled:
                continue
        kpi, value = _KPI_RE.match(filled[0]), " ".join(filled[1:])
        if kpi and objective:
            position += 1
            code = f"KPI STD {kpi.group('std')}" if kpi.group("std") else ""
            kind = (kpi.group("kind") or "").strip()
            name = value or (f"{code} ({kind})" if kind else code)
            found.append(KpiRows(objective, position, no, name, ()))
        elif found and found[-1].objective == objective:
            last = found[-1]
            found[-1] = KpiRows(last.objective, last.position, last.line, last.name,
                                (*last.rows, (no, filled[0], value)))
    return found


# --- the whole document ------------------------------------------------------------------------


def looks_like_pira(text: str) -> bool:
    """A PIRA: programmes of expenditure and cards with KPIs and expected results."""
    return (re.search(r"PROGRAMMA DI SPESA", text, re.I) is not None
            and re.search(r"RISULTATI ATTESI", text) is not None
            and re.search(r"(?m)(?:^|\t)(?:<b>)?KPI", text) is not None)


def read_pira_text(text: str, body: str = "", year: int | None = None) -> PlanDocument:
    """Read a PIRA from its text conversion (see the module docstring for the mapping).

    ``body`` is used when the text prints no body name (a running header «CAMERA DI
    COMMERCIO / FROSINONE LATINA»); ``year`` when it names no «Piano della performance
    AAAA-AAAA» (failing both, the first year of the targets).
    """
    lines = text.splitlines()
    if not any(line.strip() for line in lines):
        raise PlanTextError(1, "il testo è vuoto: non è un PIRA")
    start = next((i for i, line in enumerate(lines)
                  if "\t" in line and _CARD_MISSION_RE.match(_clean(line.split("\t")[0]))), None)
    if start is None:
        raise PlanTextError(len(lines), "fine del testo senza la tabella delle schede (attesa "
                                        "una riga «MISSIONE - 011<TAB>…»): non è un PIRA")
    first = _read_first_part(lines, start)
    reader = _CardReader()
    reader.read(lines, start)
    if not reader.cards:
        raise PlanTextError(len(lines), "fine del testo senza alcuna scheda di obiettivo (righe "
                                        "«Obiettivo<TAB>TITOLO<TAB>(A1) …»)")
    years = _PLAN_YEARS_RE.search(text)
    target_years = sorted({y for c in reader.cards for i in c.indicators
                           for y in i.doc.targets if y})
    plan_year = int(years.group(1)) if years else year or (target_years[0] if target_years
                                                           else None)
    if plan_year is None:
        raise PlanTextError(1, "anno del piano non trovato: nessun «Piano della performance "
                               "AAAA-AAAA» né target con l'anno, e non è stato indicato l'anno")
    triennium = (int(years.group(1)), int(years.group(2))) if years else (plan_year,
                                                                          plan_year + 2)
    warnings = list(reader.warnings)
    for card in reader.cards:
        for indicator in card.indicators:
            doc = indicator.doc
            if 0 in doc.targets:
                doc.targets = {plan_year: doc.targets.pop(0), **doc.targets}
            if not indicator.target_line:
                warnings.append(f"Riga {indicator.line}: indicatore «{_short(doc.name)}» senza "
                                "«RISULTATI ATTESI»")
            doc.unit = _unit(indicator)
            if not doc.unit:
                warnings.append(f"Riga {indicator.line}: indicatore «{_short(doc.name)}»: unità "
                                "di misura non deducibile (target né percentuali né conteggi "
                                "«n. di …»), lasciata vuota")
    programmes = _programmes(first, reader, warnings)
    return PlanDocument(
        body=first.body or body,
        year=plan_year,
        triennium=triennium,
        version=VersionDoc(title=_short(first.title, 200)),
        labels=LevelLabels(area="Area strategica", strategic="Obiettivo strategico"),
        areas=_areas(first, reader, warnings),
        programmes=programmes,
        warnings=warnings,
    )


def _programmes(first: _FirstPart, reader: _CardReader, warnings: list[str]) -> list[ProgrammeDoc]:
    """The first part's programmes in its order, then any the cards use that it lacks; the
    objectives each lists must be the cards printed under it."""
    docs: list[ProgrammeDoc] = []
    cards_by_programme: dict[tuple[str, str], set[str]] = {}
    for card in reader.cards:
        cards_by_programme.setdefault(card.programme, set()).add(card.doc.code)
    described = set()
    for programme in first.programmes:
        key = (programme.mission, programme.code)
        if key in described:
            raise PlanTextError(programme.line, f"programma {programme.mission}.{programme.code} "
                                                "descritto due volte")
        described.add(key)
        docs.append(ProgrammeDoc(mission=programme.mission, programme=programme.code,
                                 title=programme.title,
                                 narrative="\n\n".join(programme.paragraphs)))
        cards = cards_by_programme.get(key, set())
        for code, line in programme.listed.items():
            if code not in cards:
                warnings.append(f"Riga {line}: l'obiettivo {code} è elencato nel programma "
                                f"«{_short(programme.title)}» ma nessuna sua scheda è sotto "
                                "quel programma")
        if programme.listed:
            for code in sorted(cards - set(programme.listed)):
                warnings.append(f"Riga {programme.line}: la scheda dell'obiettivo {code} è sotto "
                                f"il programma «{_short(programme.title)}» che non lo elenca")
    for key, (printed, line) in reader.programme_titles.items():
        if key not in described:
            warnings.append(f"Riga {line}: programma «{_short(printed)}» senza descrizione "
                            "nella prima parte del documento")
            docs.append(ProgrammeDoc(mission=key[0], programme=key[1], title=printed))
    return docs


def _areas(first: _FirstPart, reader: _CardReader, warnings: list[str]) -> list[StrategicAreaDoc]:
    """The Areas of the table of raccordo; a mission it lacks gets an Area of its own name."""
    areas = {title: StrategicAreaDoc(code=str(n), title=title)
             for n, title in enumerate(first.area_order, start=1)}
    missions, _ = _catalogue()
    for card in reader.cards:
        mission = card.doc.mission
        title = first.areas.get(mission)
        if title is None:
            title = missions[mission].name
            if title not in areas:
                warnings.append(f"Riga {card.line}: la missione {mission} non è nella tabella di "
                                f"raccordo con le Aree strategiche: Area «{title}»")
                areas[title] = StrategicAreaDoc(code=str(len(areas) + 1), title=title)
        card.doc.operational = [OperationalObjectiveDoc(
            code=card.doc.code, title=card.doc.title, area=card.doc.responsible_centre,
            indicators=[i.doc for i in card.indicators],
        )]
        areas[title].objectives.append(card.doc)
    return [area for area in areas.values() if area.objectives]
