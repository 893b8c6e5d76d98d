"""Reader of a *Piano della Performance* converted from PDF to text (the layout of the seeds).

The product ships the 2022-2024 plan of the Camera di Commercio di Pistoia-Prato as its demo
plan, and a body that adopts the product starts from its own plan in the same form: a PDF of
the Giunta's resolution turned into text. That text is the ground truth, so the reader keeps
every value as printed (``"12,5%"``, ``"n.d."``, ``"≥"``) and reports, in Italian, what it had
to guess or could not read, instead of fixing or dropping anything silently.

The conversion is messy and inconsistent from card to card, and the reader is built on what
the text really holds rather than on one layout:

* labels (``Codice:``, ``Titolo:``, ``Area di responsabilità:`` …) stand alone with their value
  on a later line, share a line with it (separated by a tab or a space), or share a line with
  the next label (``Codice: 03_01_13<TAB>Titolo: Gestione del personale``); the code may come
  before or after the ``Titolo:`` label, and ``Codice:`` may be missing;
* HTML (``<i>``, ``<p>``) and markdown (``*…*``, ``**…**``) emphasis, lines of dashes and
  trailing tabs are layout, not content;
* an indicator row is ``name+description, kind, unit, baseline, comparator, target, weight``;
  the comparator may be glued to the target (``>= 600,0``) with one cell fewer, and stray
  header rows (``<TAB><TAB><TAB><TAB>>=``) sit under some table headers;
* the first cell runs the indicator's name and its description together; see
  :func:`_split_name` for how they are told apart (text is never lost: name + " " +
  description is always the original cell).

What is not a plan at all (no card can be found) raises :class:`PlanTextError` with the line.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Final

from performa.engine.values import format_money, parse_money
from performa.plans.document import (
    Assignment,
    FundShare,
    IncentiveFund,
    IndicatorDoc,
    OperationalObjectiveDoc,
    OrgUnitDoc,
    PlanDocument,
    StrategicAreaDoc,
    StrategicObjectiveDoc,
    VersionDoc,
)

__all__ = ["PlanTextError", "TableRow", "looks_like_piano", "read_plan_text", "read_table_rows"]


class PlanTextError(ValueError):
    """The text is not a plan the reader can make sense of; says where and why, in Italian."""

    def __init__(self, line: int, reason: str) -> None:
        self.line = line
        self.reason = reason
        super().__init__(f"Riga {line}: {reason}")


# --- text clean-up -----------------------------------------------------------------------------

# Only the tags the PDF converter emits: a generic ``<…>`` pattern would eat comparators in
# indicator texts such as "Numero dipendenti con >10 anni nella PA/totale <= 5".
_TAG_RE: Final = re.compile(r"</?(?:i|b|p|em|strong|u|br|span|div|sup|sub)\b[^>]*>", re.I)
# A single-star emphasis pair; stars glued to letters (footnote marks like ``"n")*``) stay.
_STAR_PAIR_RE: Final = re.compile(r"(?<![\w*])\*(?=\S)([^*]*?\S)\*(?![\w*])")
_SPACES_RE: Final = re.compile(r"\s+")
_DASH_LINE_RE: Final = re.compile(r"^[\s\-–—_]*-{3,}[\s\-–—_]*$")


def _squash(text: str) -> str:
    return _SPACES_RE.sub(" ", text).strip()


def _strip_markup(text: str) -> str:
    """Emphasis is layout in these documents; values are compared and stored without it."""
    text = _TAG_RE.sub("", text).replace("**", "")
    return _squash(_STAR_PAIR_RE.sub(r"\1", text))


_QUOTE_FOLD: Final = str.maketrans("’‘`´“”«»", "''''\"\"\"\"")


def _fold(text: str) -> str:
    """A key for matching names that the document spells in several ways (case, apostrophes,
    "ed"/"e"), as the same title is retyped on the cards, in the fund text and in the table."""
    text = _strip_markup(text).casefold()
    text = text.translate(_QUOTE_FOLD)
    text = re.sub(r"\bed\b", "e", text)
    text = re.sub(r"[^\w%/]+", " ", text)
    return _squash(text)


def _short(text: str, limit: int = 60) -> str:
    text = _squash(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class _Line:
    no: int  # 1-based, as an editor shows it: messages quote it
    text: str  # trailing whitespace and dash rulers removed

    @property
    def blank(self) -> bool:
        return not self.text.strip()


def _prepare(text: str) -> list[_Line]:
    lines = []
    for no, raw in enumerate(text.splitlines(), start=1):
        clean = raw.rstrip()
        if _DASH_LINE_RE.match(clean):
            clean = ""  # table rulers of the converter ("-----------------\t--")
        lines.append(_Line(no, clean))
    return lines


# --- labels ------------------------------------------------------------------------------------

_LABEL_KEYS: Final = {
    "codice": "code",
    "titolo": "title",
    "descrizione": "description",
    "impatto atteso": "impact",
    "benefici attesi": "benefits",
    "benefici": "benefits",
    "obiettivo strategico (os)": "os",
    "risorse economiche": "resources",
    "unità organizzative coinvolte": "units",
    "area di responsabilità": "area",
    "ufficio": "office",
    "uffici": "office",
}
_LABEL_RE: Final = re.compile(
    r"(?<!\w)(Codice|Titolo|Descrizione|Impatto atteso|Benefici attesi"
    r"|Obiettivo strategico \(OS\)|Risorse economiche|Unità organizzative coinvolte"
    r"|Area di responsabilità|Ufficio|Uffici)\s*:",
    re.I,
)
# Labels some cards print without a colon, alone on their line ("Benefici attesi").
_BARE_LABEL_RE: Final = re.compile(r"^(Descrizione|Benefici attesi|Benefici)$", re.I)
# 01_03_02 glues the "Benefici" heading to the end of the description's last line.
_GLUED_BENEFITS_RE: Final = re.compile(r"^(.*\S)\s+(Benefici(?: attesi)?):?$")

_Segment = tuple[str | None, str]  # (label key or None for plain text, text)


def _segments(text: str) -> list[_Segment]:
    """Split a line into labelled pieces.

    A line is labelled only when it *starts* with a label, so a label word inside a description
    never cuts it; once a line is labelled, later labels on it start new pieces (``Area di
    responsabilità: *X*Ufficio: *Y*``).
    """
    stripped = text.strip()
    bare = _BARE_LABEL_RE.match(_strip_markup(stripped))
    if bare:
        return [(_LABEL_KEYS[bare.group(1).casefold()], "")]
    first = _LABEL_RE.match(stripped)
    if first is None:
        glued = _GLUED_BENEFITS_RE.match(stripped)
        if glued:
            return [(None, glued.group(1)), ("benefits", "")]
        return [(None, stripped)]
    matches = list(_LABEL_RE.finditer(stripped))
    pieces: list[_Segment] = []
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(stripped)
        pieces.append((_LABEL_KEYS[match.group(1).casefold()], stripped[match.end() : end].strip()))
    return pieces


def _is_header_label_line(line: _Line) -> bool:
    """``Codice:``, ``Titolo:``, ``Codice: Titolo:`` with no value: the top of a card."""
    if line.blank:
        return False
    pieces = _segments(line.text)
    return all(key in ("code", "title") and not _strip_markup(value) for key, value in pieces)


def _is_table_header(line: _Line) -> bool:
    cells = [cell.strip() for cell in line.text.split("\t")]
    return cells[0].startswith("Indicator") and any(c.startswith("Tipologia") for c in cells)


_CARD_CODE_RE: Final = re.compile(r"^(\d{2})[_.](\d{2})[_.](\d{2})(?!\d)")
_SO_LINE_RE: Final = re.compile(r"^(\d{2})[_.](\d{2})(?![_.\d])\s*[-–]?\s*(.*)$")
_AMBITO_HEADING_RE: Final = re.compile(r"^ambito strategico$", re.I)
_SO_HEADING_RE: Final = re.compile(r"^obiettivo strategico\s+(\d+)$", re.I)
_ASSIGNMENT_HEADER_RE: Final = re.compile(r"^Area di responsabilit[àa]\s*\t\s*Obiettiv", re.I)
_TRANSVERSAL: Final = frozenset({"obiettivo trasversale", "trasversale"})


def _card_code(text: str) -> tuple[str, bool] | None:
    """The card code a line opens with, and whether the line also carries a label."""
    for key, value in _segments(text):
        if key not in (None, "code", "title"):
            return None
        match = _CARD_CODE_RE.match(_strip_markup(value))
        if match:
            return "_".join(match.groups()), key is not None
    return None


def _card_title(header: Sequence[str]) -> str:
    """The title is whatever the card's header holds besides labels and the code, wherever the
    code sits (before, after or on the same line as ``Titolo:``)."""
    pieces = []
    for piece in header:
        text = _strip_markup(piece)
        match = _CARD_CODE_RE.match(text)
        if match:
            text = text[match.end() :].strip()
        if text:
            pieces.append(text)
    return " ".join(pieces)


# --- indicator rows ----------------------------------------------------------------------------

_COMPARATOR_RE: Final = re.compile(r"^(>=|<=|=>|=<|≥|≤|=|>|<)\s*(.*)$")
_WEIGHT_RE: Final = re.compile(r"^(\d+(?:[.,]\d+)?)\s*%$")
_NOT_AVAILABLE: Final = frozenset({"n.d.", "n.d", "nd", "n/d", "-", "–"})
# A cell whose text stops on one of these words was cut by the converter ("… al netto di").
_DANGLING: Final = frozenset(
    "e ed o di del della dello dei degli delle da dal dalla dai a al alla ai alle in nel nella "
    "per con su sul sulla tra fra il lo la i gli le un una / - + x".split()
)


def _is_bare_comparator(cell: str) -> bool:
    match = _COMPARATOR_RE.match(cell)
    return match is not None and not match.group(2)


@dataclass
class _Row:
    """An indicator as read, with what the later passes need to name it in messages."""

    card: str
    number: int  # 1-based position in its card
    line: int
    cell: str  # first cell, whitespace-normalised: name and description run together
    indicator: IndicatorDoc


def _row_columns(
    cells: Sequence[str], years: Sequence[int]
) -> tuple[str, dict[int, str], str, list[str]]:
    """Comparator, targets by year, weight and the cells after the weight of an indicator row.

    The comparator has a column of its own or is glued to the first target (``>= 600,0``), so
    the cells after the baseline are walked rather than counted: the same walk finds the
    weight for the plan and the columns a monitoring report adds after it.
    """
    rest = list(cells[4:])
    comparator = ""
    targets: dict[int, str] = {}
    position = 0
    for year in years:
        if position >= len(rest):
            break
        match = _COMPARATOR_RE.match(rest[position])
        if match and not match.group(2):
            comparator = comparator or match.group(1)
            position += 1
            if position < len(rest):
                targets[year] = rest[position]
                position += 1
        elif match:
            comparator = comparator or match.group(1)
            targets[year] = match.group(2)
            position += 1
        else:
            targets[year] = rest[position]
            position += 1
    weight = rest[position] if position < len(rest) else ""
    return comparator, targets, weight, rest[position + 1 :]


# --- splitting name and description ------------------------------------------------------------

# Words an indicator's description (its algorithm in words) starts with in these documents.
# Left out on purpose because they also end names: "Imprese" ("Registro Imprese"),
# "Contratti" ("Informatizzazione Registro Contratti").
_STARTERS: Final = frozenset(
    "Numero N. n. Esprime Risorse Indica Giudizio Tempo Tempi Percentuale Realizzazione Ore "
    "Valore Somma Domande Eventi Totale Giorni Predisposizione Aggiornamento Aggiornamenti "
    "Definizione Approvazione Verifica Monitoraggi Monitoraggio Attivazione Avvio Trasmissione "
    "Implementazione Sottoscrizione Formazione Livello Grado Media Tasso Interventi Metri Spese "
    "Spesa Costi Proventi Patrimonio Individuazione Organizzazione Valorizzazione Impostazione "
    "Installazione".split()
)
_FUNCTION_WORDS: Final = _DANGLING | frozenset("che nei negli sui agli allo sugli".split())
# Elided articles and prepositions ("dell'Ente"): a capitalised word after them is a noun
# inside the name, not the start of a description.
_ELISIONS: Final = frozenset("l dell all nell sull dall coll un quest quell".split())
_QUOTES: Final = "\"'“”«»‘’("


def _bare(token: str) -> str:
    return token.strip(_QUOTES + ")")


def _is_capitalised(token: str) -> bool:
    word = _bare(token)
    return bool(word) and word[0].isupper()


def _is_acronym(token: str) -> bool:
    return sum(ch.isupper() for ch in _bare(token)) >= 2


def _may_start_description(tokens: Sequence[str], k: int) -> bool:
    """Whether a description can start at token ``k``: not first, not after a function word
    ("della Camera") or after a separator ("Excelsior - Percentuale", "… / N. imprese")."""
    if k <= 0 or k >= len(tokens):
        return False
    if not _is_capitalised(tokens[k]) and _bare(tokens[k]) != "n.":
        return False
    previous = tokens[k - 1]
    if previous[-1] in "'’":
        return previous[:-1].casefold() not in _ELISIONS
    if previous[-1] in "-–./:+":
        return False
    return previous.casefold() not in _FUNCTION_WORDS


def _starter_split(tokens: Sequence[str]) -> int | None:
    for k in range(1, len(tokens)):
        if _bare(tokens[k]) in _STARTERS and _may_start_description(tokens, k):
            return k
    return None


def _repetition_split(tokens: Sequence[str]) -> int | None:
    """Where the description restarts with the name's first words ("N. Carnet ATA …")."""
    for k in range(1, len(tokens)):
        same = 0
        while (
            k + same < len(tokens)
            and same < k
            and _bare(tokens[k + same]).casefold() == _bare(tokens[same]).casefold()
        ):
            same += 1
        repeated = same >= 2 or same == k or (same == 1 and tokens[k] == tokens[0])
        if repeated and _may_start_description(tokens, k):
            return k
    return None


def _sibling_split(tokens: Sequence[str], others: Iterable[Sequence[str]]) -> int | None:
    """Where the cell leaves a name it shares with another row ("Customer satisfaction").

    Two rows that begin with the same words and go on with a capitalised word are read as one
    indicator name with two descriptions; the longest such shared name wins.
    """
    best: int | None = None
    for other in others:
        if other is tokens:
            continue
        shared = 0
        while shared < min(len(tokens), len(other)) and tokens[shared] == other[shared]:
            shared += 1
        if shared == 0 or shared >= len(tokens):
            continue
        if not _may_start_description(tokens, shared) or _is_acronym(tokens[shared]):
            continue
        if shared < len(other) and not _is_capitalised(other[shared]):
            continue
        if best is None or shared > best:
            best = shared
    return best


def _generic_split(tokens: Sequence[str]) -> int | None:
    """The only capitalised common word between a lower-case word (or an acronym) and a
    lower-case word, if there is exactly one: more than one means proper nouns may be involved
    ("circuito Ospitalità Italiana"), and then the reader does not guess."""
    found = [
        k
        for k in range(1, len(tokens) - 1)
        if _may_start_description(tokens, k)
        and not _is_acronym(tokens[k])
        and (not _is_capitalised(tokens[k - 1]) or _is_acronym(tokens[k - 1]))
        and not _is_capitalised(tokens[k + 1])
    ]
    return found[0] if len(found) == 1 else None


def _split_name(tokens: Sequence[str], others: Iterable[Sequence[str]]) -> int | None:
    """Token index where the description starts, or ``None`` to keep the cell as the name.

    The converter joined two cells of the original table with a space, so the boundary is
    recovered from evidence, strongest first:

    1. a word descriptions start with in these plans (``Numero``, ``N.``, ``Esprime``,
       ``Risorse utilizzate``, ``Indica``, ``Giudizio``, ``Realizzazione``, …), not the first
       word and not after a function word, an elided article or a dash;
    2. the description repeats the name's first words (``Sgravi in autotutela Sgravi in
       autotutela/posizioni …``, ``Posizioni TFR Posizioni IFR/TFR …``);
    3. the same leading words, followed by a capitalised word, in another row of the plan
       (``Sensibilizzazione delle Pmi | Eventi …`` / ``… | Imprese …``);
    4. a single capitalised common word followed by a lower-case one (``MUD | Istanze di …``).

    Anything else (descriptions that start in lower case, such as ``Costi di struttura costi
    del personale + …``) is left whole in the name, with an empty description.
    """
    for split in (_starter_split(tokens), _repetition_split(tokens)):
        if split is not None:
            return split
    sibling = _sibling_split(tokens, others)
    if sibling is not None:
        return sibling
    return _generic_split(tokens)


# --- the reader --------------------------------------------------------------------------------


@dataclass
class _Card:
    start: int  # index into lines of the card's first line
    code: str


@dataclass
class _StrategicObjective:
    doc: StrategicObjectiveDoc
    titles: list[str] = field(default_factory=list)  # every spelling seen, for matching


class _Reader:
    """One reading of one text; holds the tree being built and the findings."""

    def __init__(self, lines: list[_Line]) -> None:
        self.lines = lines
        self.warnings: list[str] = []
        self.areas: dict[str, StrategicAreaDoc] = {}
        self.objectives: dict[str, _StrategicObjective] = {}
        self.cards: list[OperationalObjectiveDoc] = []
        self.rows: list[_Row] = []
        self.pending_area: str | None = None
        self.pending_objective: str | None = None
        self.target_years: list[int] = []

    # cards -------------------------------------------------------------------------------------

    def find_cards(self) -> list[_Card]:
        cards: list[_Card] = []
        seen: dict[str, int] = {}
        for index, line in enumerate(self.lines):
            if line.blank:
                continue
            found = _card_code(line.text)
            if found is None:
                continue
            code, labelled = found
            start = self._card_start(index)
            if not labelled and start == index and not self._description_follows(index):
                continue  # a code-like number in running text, not the top of a card
            if code in seen:
                raise PlanTextError(
                    line.no, f"il codice di scheda {code} è già usato alla riga {seen[code]}"
                )
            seen[code] = line.no
            cards.append(_Card(start, code))
        return cards

    def _card_start(self, index: int) -> int:
        start = index
        probe = index - 1
        while probe >= 0 and (self.lines[probe].blank or _is_header_label_line(self.lines[probe])):
            if not self.lines[probe].blank:
                start = probe
            probe -= 1
        return start

    def _description_follows(self, index: int) -> bool:
        seen = 0
        for line in self.lines[index + 1 :]:
            if line.blank:
                continue
            seen += 1
            if seen > 6 or _card_code(line.text) is not None:
                return False
            if any(key == "description" for key, _ in _segments(line.text)):
                return True
        return False

    def read_card(self, card: _Card, end: int) -> int:
        """Reads one card; returns the index where the text after its table starts."""
        index = card.start
        header: list[str] = []
        while index < end:
            line = self.lines[index]
            if not line.blank:
                if _is_table_header(line):
                    break
                pieces = _segments(line.text)
                if any(key not in (None, "code", "title") for key, _ in pieces):
                    break
                header.extend(value for _, value in pieces)
            index += 1
        title = _card_title(header)
        sections: dict[str, list[str]] = {}
        current: str | None = None
        table_end = end
        while index < end:
            line = self.lines[index]
            if line.blank:
                index += 1
                continue
            if _is_table_header(line):
                table_end = self._read_table(card.code, index, end)
                break
            for key, value in _segments(line.text):
                if key is not None:
                    current = key
                    sections.setdefault(key, [])
                if value and current is None:
                    self.warn(
                        card.code,
                        f"testo senza etichetta non importato (riga {line.no}): «{_short(value)}»",
                    )
                elif value and current is not None:
                    sections[current].append(value)
            index += 1
        else:
            self.warn(card.code, "nessuna tabella degli indicatori trovata")
        self._build_card(card, title, sections)
        return table_end

    def _build_card(self, card: _Card, title: str, sections: dict[str, list[str]]) -> None:
        def joined(key: str, separator: str = " ") -> str:
            return separator.join(_strip_markup(value) for value in sections.get(key, []))

        impact_lines = sections.get("impact", []) + sections.get("benefits", [])
        impact = [_strip_markup(value) for value in impact_lines]
        area, office = joined("area"), joined("office")
        doc = OperationalObjectiveDoc(
            code=card.code,
            title=title,
            description=joined("description", "\n"),
            expected_impact="\n".join(impact),
            resources=joined("resources"),
            area=area,
            office=office,
            transversal=area.casefold() in _TRANSVERSAL or office.casefold() in _TRANSVERSAL,
            common_objective="obiettivo comune di sistema" in title.casefold(),
        )
        if not title:
            self.warn(card.code, "titolo non trovato")
        if sections.get("units"):
            self.warn(
                card.code,
                f"testo dopo «Unità organizzative coinvolte» non importato: "
                f"«{_short(joined('units'))}»",
            )
        doc.indicators = [row.indicator for row in self.rows if row.card == card.code]
        self.cards.append(doc)
        self._place(doc, joined("os"))

    def _place(self, card: OperationalObjectiveDoc, os_text: str) -> None:
        """Hangs the card under its strategic objective and area: the card code says which
        (01_04_02 → 01_04 → ambito 1), the ``Obiettivo strategico (OS)`` line gives the title."""
        area_code, objective_code = card.code[:2], card.code[:5]
        os_match = _SO_LINE_RE.match(os_text)
        os_title = os_match.group(3).strip() if os_match else os_text
        if os_match and f"{os_match.group(1)}_{os_match.group(2)}" != objective_code:
            self.warn(
                card.code,
                f"la riga «Obiettivo strategico (OS)» indica "
                f"{os_match.group(1)}_{os_match.group(2)}: la scheda è collocata "
                f"sotto {objective_code} come dice il suo codice",
            )
        if area_code not in self.areas:
            title = self.pending_area or ""
            if not title:
                self.warn(
                    card.code,
                    f"ambito strategico {int(area_code)} senza intestazione "
                    "«AMBITO STRATEGICO» nel testo: titolo vuoto",
                )
            self.areas[area_code] = StrategicAreaDoc(code=str(int(area_code)), title=title)
        self.pending_area = None
        objective = self.objectives.get(objective_code)
        if objective is None:
            title = os_title or self.pending_objective or ""
            if not title:
                self.warn(card.code, f"obiettivo strategico {objective_code} senza titolo")
            objective = _StrategicObjective(StrategicObjectiveDoc(objective_code, title))
            if self.pending_objective:
                objective.titles.append(self.pending_objective)
            self.objectives[objective_code] = objective
            self.areas[area_code].objectives.append(objective.doc)
        self.pending_objective = None
        if os_title:
            objective.titles.append(os_title)
        objective.doc.operational.append(card)

    # indicator tables --------------------------------------------------------------------------

    def _read_table(self, code: str, header_index: int, end: int) -> int:
        header = self.lines[header_index]
        years = [int(y) for y in re.findall(r"Target\s+(\d{4})", header.text)]
        if years and not self.target_years:
            self.target_years = years
        years = years or self.target_years or [0]  # 0: fixed once the plan's year is known
        index = header_index + 1
        number = 0
        while index < end:
            line = self.lines[index]
            if line.blank or "\t" not in line.text:
                break
            cells = [cell.strip() for cell in line.text.split("\t")]
            while cells and not cells[-1]:
                cells.pop()
            if not cells:
                index += 1
                continue
            if not cells[0]:
                self._stray_row(code, line, cells)
            else:
                number += 1
                self._read_row(code, number, line, cells, years)
            index += 1
        if number == 0:
            self.warn(code, f"la tabella degli indicatori (riga {header.no}) non ha righe")
        # Weight sums, n.d. targets and unreadable values are the plan rules' business
        # (performa.plans.validation), reported once for every format alike.
        return index

    def _stray_row(self, code: str, line: _Line, cells: list[str]) -> None:
        # Pieces of the PDF's two-row table header ("\t\t\t\t>=\t\t"): layout, unless they hold
        # more than comparators, which is then reported rather than dropped silently.
        content = [cell for cell in cells if cell]
        if all(_is_bare_comparator(cell) for cell in content):
            return
        self.warn(
            code,
            f"riga senza nome di indicatore ignorata (riga {line.no}): «{' | '.join(content)}»",
        )

    def _read_row(
        self, code: str, number: int, line: _Line, cells: list[str], years: list[int]
    ) -> None:
        cell = _squash(cells[0])
        padded = cells + [""] * 3
        kind, unit, baseline = padded[1], padded[2], padded[3]
        comparator, targets, weight, extra = _row_columns(cells, years)
        indicator = IndicatorDoc(
            name=cell,
            kind=kind,
            unit=unit,
            baseline=baseline,
            comparator=comparator,
            targets=targets,
            weight=weight,
        )
        self.rows.append(_Row(code, number, line.no, cell, indicator))
        where = f"indicatore {number} «{_short(cell)}» (riga {line.no})"
        missing = [
            label
            for label, value in (
                ("tipologia", kind),
                ("unità di misura", unit),
                ("stato anno precedente", baseline),
                ("target", "".join(targets.values())),
                ("peso", weight),
            )
            if not value
        ]
        if missing:
            self.warn(
                code,
                f"{where}: riga troncata, mancano {', '.join(missing)}; "
                "importati i valori presenti",
            )
        if extra:
            self.warn(code, f"{where}: celle in più ignorate: «{' | '.join(extra)}»")
        if cell.split()[-1].casefold() in _DANGLING or cell[-1] in "/-+(,":
            self.warn(
                code,
                f"{where}: il testo dell'indicatore sembra troncato "
                f"(finisce con «{_short(cell[-30:], 30)}»); importato così com'è",
            )


    # text between cards ------------------------------------------------------------------------

    def scan_between(self, start: int, end: int, card: str | None) -> None:
        """Section headings between cards set the titles of the next area and objective; any
        other paragraph there is a note under the previous card's table, which has no field in
        the plan, so it is reported rather than dropped silently (``card`` None: the cover and
        introduction, where prose is expected)."""
        index = start
        while index < end:
            line = self.lines[index]
            if line.blank:
                index += 1
                continue
            heading = _strip_markup(line.text)
            if _AMBITO_HEADING_RE.match(heading):
                self.pending_area, index = self._paragraph(index + 1, end, skip_blank=True)
                continue
            if _SO_HEADING_RE.match(heading):
                self.pending_objective, index = self._paragraph(index + 1, end, skip_blank=True)
                continue
            text, index = self._paragraph(index, end, skip_blank=False)
            if card is not None and text:
                self.warn(
                    card,
                    f"nota dopo la tabella degli indicatori non importata "
                    f"(riga {line.no}): «{_short(text, 120)}»",
                )

    def _paragraph(self, index: int, end: int, *, skip_blank: bool) -> tuple[str, int]:
        while skip_blank and index < end and self.lines[index].blank:
            index += 1
        parts = []
        while index < end and not self.lines[index].blank:
            parts.append(self.lines[index].text)
            index += 1
        return _strip_markup(" ".join(parts)), index

    # closing section: incentive fund and assignment table ----------------------------------

    def read_closing(self, start: int) -> tuple[IncentiveFund, list[Assignment]]:
        header = next(
            (
                i
                for i in range(start, len(self.lines))
                if _ASSIGNMENT_HEADER_RE.match(self.lines[i].text.strip())
            ),
            len(self.lines),
        )
        fund = self._fund(start, header)
        assignments = self._assignments(header)
        return fund, assignments

    def _fund(self, start: int, end: int) -> IncentiveFund:
        lines = [line for line in self.lines[start:end] if not line.blank]
        # The sentence that introduces the assignment table belongs to the table, not the fund.
        while lines and _strip_markup(lines[-1].text).casefold().startswith("di seguito"):
            lines.pop()
        texts = [_strip_markup(line.text) for line in lines]
        fund = IncentiveFund(description="\n".join(texts))
        total = Decimal(0)
        for index, text in enumerate(texts):
            amount = _amount(text)
            if amount is None:
                continue
            if re.search(r"ripartit\w*\s+in\s+parti\s+uguali", text, re.I):
                titles = []
                for bullet in texts[index + 1 :]:
                    if not bullet.startswith(("-", "•")):
                        break
                    titles.append(bullet.lstrip("-• ").strip())
                codes = [self._objective_by_title(title, lines[index].no) for title in titles]
                found = [code for code in codes if code]
                if found:
                    share = (amount / len(found)).quantize(Decimal("0.01"), ROUND_HALF_UP)
                    fund.shares.extend(FundShare(code, format_money(share)) for code in found)
                    total += amount
                continue
            target = re.search(
                r"destinat\w*\s+all['’]obiettivo\s+strategico\s+[\"“«](.+?)[\"”»]", text, re.I
            )
            if target:
                code = self._objective_by_title(target.group(1), lines[index].no)
                if code:
                    fund.shares.append(FundShare(code, format_money(amount)))
                    total += amount
        if fund.shares:
            fund.total = format_money(total)
        return fund

    def _objective_by_title(self, title: str, line: int) -> str | None:
        keys = {_fold(t): code for code, so in self.objectives.items() for t in so.titles}
        keys.update({_fold(so.doc.title): code for code, so in self.objectives.items()})
        folded = _fold(title)
        if folded in keys:
            return keys[folded]
        close = difflib.get_close_matches(folded, list(keys), n=1, cutoff=0.85)
        if close:
            return keys[close[0]]
        self.warnings.append(
            f"Fondo incentivante (riga {line}): l'obiettivo «{title}» non "
            "corrisponde a nessun obiettivo strategico; quota non assegnata"
        )
        return None

    def _assignments(self, start: int) -> list[Assignment]:
        groups: dict[str, Assignment] = {}
        assigned: set[str] = set()
        current: Assignment | None = None
        for line in self.lines[start:]:
            if line.blank:
                current = None
                continue
            if _ASSIGNMENT_HEADER_RE.match(line.text.strip()):
                continue
            cells = [_strip_markup(cell) for cell in line.text.split("\t")]
            area, objective = cells[0], " ".join(c for c in cells[1:] if c)
            if area:
                current = groups.setdefault(area, Assignment(area))
            if current is None:
                self.warnings.append(
                    f"Tabella di assegnazione, riga {line.no}: obiettivo senza "
                    f"area di responsabilità non importato: «{objective}»"
                )
                continue
            if objective:
                current.objectives.append(objective)
                assigned.add(self._check_assigned(objective, line.no))
        if groups:
            for card in self.cards:
                if card.code not in assigned:
                    self.warn(card.code, "la scheda non compare nella tabella di assegnazione")
        return list(groups.values())

    def _check_assigned(self, title: str, line: int) -> str:
        """The code of the card the table means by ``title``; the table retypes the titles,
        so a near miss is matched but reported, and an unknown title is reported."""
        by_title = {_fold(card.title): card for card in self.cards}
        if _fold(title) in by_title:
            return by_title[_fold(title)].code
        close = difflib.get_close_matches(_fold(title), list(by_title), n=1, cutoff=0.85)
        if close:
            card = by_title[close[0]]
            self.warn(
                card.code,
                f"nella tabella di assegnazione (riga {line}) il titolo è "
                f"«{title}», nella scheda «{card.title}»",
            )
            return card.code
        self.warnings.append(
            f"Tabella di assegnazione, riga {line}: l'obiettivo «{title}» "
            "non corrisponde al titolo di nessuna scheda"
        )
        return ""

    # after all cards -----------------------------------------------------------------------------

    def name_indicators(self) -> None:
        tokens = [row.cell.split() for row in self.rows]
        for row, words in zip(self.rows, tokens, strict=True):
            split = _split_name(words, tokens)
            if split is not None:
                row.indicator.name = " ".join(words[:split])
                row.indicator.description = " ".join(words[split:])

    def org_units(self) -> list[OrgUnitDoc]:
        """Areas and offices as printed on the cards, each area followed by its offices; a
        spelling that differs only in case or "ed"/"e" from another is kept (the document is
        the truth) but reported, since it is probably the same unit."""
        areas: dict[str, list[str]] = {}
        first_card: dict[str, str] = {}
        for card in self.cards:
            area = card.area if card.area.casefold() not in _TRANSVERSAL else ""
            office = card.office if card.office.casefold() not in _TRANSVERSAL else ""
            if area and area not in areas:
                areas[area] = []
                first_card[area] = card.code
            offices = areas.setdefault(area, []) if area or office else []
            if office and office not in offices:
                offices.append(office)
        units: list[OrgUnitDoc] = []
        for area, offices in areas.items():
            if area:
                units.append(OrgUnitDoc(area, "area"))
            units.extend(OrgUnitDoc(office, "office", parent=area) for office in offices)
        seen: dict[str, str] = {}
        for area in (a for a in areas if a):
            other = seen.setdefault(_fold(area), area)
            if other != area:
                self.warn(
                    first_card[area],
                    f"l'area «{area}» differisce solo nella grafia da "
                    f"«{other}»: importata come unità distinta, "
                    "da verificare",
                )
        return units

    def warn(self, card: str, message: str) -> None:
        self.warnings.append(f"Scheda {card}: {message}")


def _amount(text: str) -> Decimal | None:
    """The first amount a sentence states after «€», read as every other amount is."""
    match = re.search(r"€\s*(\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?)", text)
    return None if match is None else parse_money(match.group(1), strict=False)


# --- cover -----------------------------------------------------------------------------------

_RESOLUTION_RE: Final = re.compile(
    r"Delibera(?:zione)?\s+(?:di|della|del)\s+(Giunta|Consiglio)\b[^\n]*?\bn\.?\s*"
    r"(\d+(?:\s*/\s*\d+)?)",
    re.I,
)
_DATE_RE: Final = re.compile(r"\bdel\s+(\d{1,2})[./-](\d{1,2})[./-](\d{4}|\d{2})\b", re.I)
_TITLE_RE: Final = re.compile(r"^Piano della performance\s+(\d{4})(?:\s*[-–/]\s*(\d{4}))?$", re.I)
_CHAPTERS: Final = frozenset({"introduzione", "premessa", "indice", "sommario"})
_BODY_RE: Final = re.compile(r"^(Camera di Commercio\b.*|C\.?C\.?I\.?A\.?A\.?\s.*)$", re.I)


def _read_cover(lines: Sequence[_Line]) -> tuple[VersionDoc, str, tuple[int, int] | None]:
    """Resolution, title and body as the cover prints them (the lines before the first card).

    Without a resolution the text is a draft. The body is looked for only on the cover proper,
    before the first chapter heading, since the introduction mentions other chambers too.
    """
    version = VersionDoc(status="draft")
    body = ""
    years: tuple[int, int] | None = None
    texts = [_strip_markup(line.text) for line in lines]
    on_cover = True
    for index, text in enumerate(texts):
        if not text:
            continue
        on_cover = on_cover and text.casefold() not in _CHAPTERS
        resolution = _RESOLUTION_RE.search(text)
        if resolution and not version.organ:
            version.organ = resolution.group(1).capitalize()
            version.number = re.sub(r"\s+", "", resolution.group(2))
            after = " ".join([text[resolution.end() :], *texts[index + 1 : index + 3]])
            date = _DATE_RE.search(after)
            if date:
                day, month, year = date.groups()
                year = year if len(year) == 4 else f"20{year}"
                version.date = f"{int(day):02d}/{int(month):02d}/{year}"
            version.status = "adopted"
        title = _TITLE_RE.match(text)
        if title and years is None:
            version.title = text
            first = int(title.group(1))
            years = (first, int(title.group(2)) if title.group(2) else first + 2)
        if on_cover and not body and _BODY_RE.match(text) and len(text) < 120:
            body = text
    return version, body, years


# --- entry point -----------------------------------------------------------------------------


def read_plan_text(text: str, body: str = "", year: int | None = None) -> PlanDocument:
    """Reads a Piano della Performance from its text conversion.

    ``body`` and ``year`` are used when the document does not state them: the body when its
    cover names no Camera di Commercio, the year when there is no "Piano della performance
    YYYY-YYYY" title (then the ``Target YYYY`` column decides, failing that an error).
    """
    lines = _prepare(text)
    if not any(not line.blank for line in lines):
        raise PlanTextError(1, "il testo è vuoto: non è un piano della performance")
    reader = _Reader(lines)
    cards = reader.find_cards()
    if not cards:
        raise PlanTextError(
            lines[-1].no,
            "fine del testo senza alcuna scheda di obiettivo operativo (attese righe «Codice:» "
            "e «Titolo:» con un codice come 01_01_02): non è un piano della performance",
        )
    version, cover_body, years = _read_cover(lines[: cards[0].start])
    reader.scan_between(0, cards[0].start, card=None)
    closing = len(lines)
    for index, card in enumerate(cards):
        last = index + 1 == len(cards)
        end = len(lines) if last else cards[index + 1].start
        after_table = reader.read_card(card, end)
        if last:
            closing = after_table
        else:
            reader.scan_between(after_table, end, card=card.code)
    plan_year = years[0] if years else year or next(iter(reader.target_years), None)
    if plan_year is None:
        raise PlanTextError(
            1,
            "anno del piano non trovato: manca il titolo «Piano della "
            "performance AAAA-AAAA» e non è stato indicato l'anno",
        )
    for row in reader.rows:
        if 0 in row.indicator.targets:
            row.indicator.targets = {plan_year: row.indicator.targets[0]}
    reader.name_indicators()
    fund, assignments = reader.read_closing(closing)
    org_units = reader.org_units()
    return PlanDocument(
        body=cover_body or body,
        year=plan_year,
        triennium=years or (plan_year, plan_year + 2),
        version=version,
        areas=list(reader.areas.values()),
        org_units=org_units,
        assignments=assignments,
        incentive_fund=fund,
        warnings=reader.warnings,
    )


# --- the rows of the cards' tables, for reports laid out as the Piano ---------------------------


@dataclass(frozen=True)
class TableRow:
    """An indicator row of a card's table as printed, with the columns after the weight.

    A monitoring report in the Piano's layout prints the cards again with columns of its own
    after ``Peso indicatori`` (``Valore al 30/09/2022``, ``% raggiungimento``): this is what
    its reader (``performa.interchange.report_text``) needs, the plan itself being read by
    :func:`read_plan_text`.
    """

    card: str  # 01_01_02
    position: int  # 1-based, in its card's table
    line: int
    text: str  # the first cell, whitespace-normalised: name and description run together
    extra: tuple[str, ...]  # the cells after the weight, as printed ("" for an empty one)
    header_line: int
    header_extra: tuple[str, ...]  # the header's cells after «Peso indicatori»


class _TableRowReader(_Reader):
    """The plan reader, keeping each row's cells after the weight and its table's header."""

    def __init__(self, lines: list[_Line]) -> None:
        super().__init__(lines)
        self.table_rows: list[TableRow] = []
        self.header_line = 0
        self.header_extra: tuple[str, ...] = ()

    def _read_table(self, code: str, header_index: int, end: int) -> int:
        header = self.lines[header_index]
        cells = [cell.strip() for cell in header.text.split("\t")]
        weight = next((i for i, c in enumerate(cells) if c.casefold().startswith("peso")), None)
        after = cells[weight + 1 :] if weight is not None else []
        while after and not after[-1]:
            after.pop()
        self.header_line, self.header_extra = header.no, tuple(after)
        return super()._read_table(code, header_index, end)

    def _read_row(
        self, code: str, number: int, line: _Line, cells: list[str], years: list[int]
    ) -> None:
        super()._read_row(code, number, line, cells, years)
        extra = tuple(_row_columns(cells, years)[3])
        self.table_rows.append(TableRow(code, number, line.no, _squash(cells[0]), extra,
                                        self.header_line, self.header_extra))


def read_table_rows(text: str) -> list[TableRow]:
    """Every indicator row of the cards of a text in the Piano's layout, in order.

    Cards and tables are found as :func:`read_plan_text` finds them (the same reader runs);
    what is not a plan at all raises :class:`PlanTextError` with the line.
    """
    lines = _prepare(text)
    if not any(not line.blank for line in lines):
        raise PlanTextError(1, "il testo è vuoto")
    reader = _TableRowReader(lines)
    cards = reader.find_cards()
    if not cards:
        raise PlanTextError(
            lines[-1].no,
            "fine del testo senza alcuna scheda (attese righe «Codice:» e «Titolo:» con un "
            "codice come 01_01_02)",
        )
    for index, card in enumerate(cards):
        end = cards[index + 1].start if index + 1 < len(cards) else len(lines)
        reader.read_card(card, end)
    return reader.table_rows


_PIANO_CARD_RE: Final = re.compile(
    r"^\s*(?:\*\*)?(?:Codice:\s*)?(?:\*\*)?\d{2}[_.]\d{2}[_.]\d{2}(?!\d)", re.M | re.I
)


def looks_like_piano(text: str) -> bool:
    """A Piano della Performance in this layout: «Titolo:» labels and card codes (01_01_02)
    opening a line; used to recognise the layout of a text (performa.interchange.layouts)."""
    return "Titolo:" in text and _PIANO_CARD_RE.search(text) is not None
