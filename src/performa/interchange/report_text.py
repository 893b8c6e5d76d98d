"""Measured values printed in a document: a monitoring report laid out as the Piano's cards, or a
PIRA *a consuntivo*. Reads the text into :class:`ReportedFigure` rows; matching them to the
stored plan and storing them is ``performa.measures.reported``'s job (no database here).

A body that moves to Performa has last year's results only in such documents, and the OIV wants
to see whether Performa scores them as the document did, so each figure keeps the document's
own achievement as printed next to the value.

Two layouts, the ones the plan readers know (``performa.interchange.layouts``):

* **Piano** (``seed_text``): each card's table prints, after ``Peso indicatori``, columns of
  the report: a value column (``Valore al 30/09/2022``, ``Stato 2022``, ``Valore a
  consuntivo``, ``Consuntivo 2022``), an achievement column (``% raggiungimento``, ``Grado di
  raggiungimento``, ``% di raggiungimento``) which belongs to the value column before it, and
  optionally ``Note``. A row is its card's code and its position in the card's table, with
  the printed name and description to check it against the plan.
* **PIRA** (``pira_text``): under each KPI, ``VALORI OSSERVATI`` prints ``Stato 2021: 3``
  (several ``Stato …:`` pieces may share the cell), or a row ``VALORE A CONSUNTIVO``/``VALORE
  AL 30/09/2021`` prints the value, and a row ``% DI RAGGIUNGIMENTO`` (``GRADO DI
  RAGGIUNGIMENTO``) the achievement. A row is its objective's code (A1) and the KPI's name.

The period of a value comes from its header or label: a date (``30/09/2022``) is that day; a
semester (``I sem 2022``) its last day; a year (``Stato 2022``) or ``consuntivo`` the 31/12 of
the cycle's year. ``Stato`` of an earlier year in the PIRA's ``VALORI OSSERVATI`` is the plan's
baseline, not a value, and is skipped; a header that names no date takes the one given by the
caller (``--period``), or is refused. Anything unreadable raises :class:`ReportTextError` with
its line, and nothing is returned.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from performa.engine.values import ValueParseError, parse_value
from performa.interchange import layouts
from performa.interchange.pira_text import read_kpi_rows
from performa.interchange.seed_text import PlanTextError, TableRow, read_table_rows
from performa.text import NUL_REASON

__all__ = ["ReportTextError", "ReportedFigure", "read_report"]


class ReportTextError(ValueError):
    """What the text holds that cannot be read as values; names the line, in Italian."""

    def __init__(self, line: int, reason: str) -> None:
        self.line, self.reason = line, reason
        super().__init__(f"riga {line}: {reason}")


@dataclass(frozen=True)
class ReportedFigure:
    """One indicator's figures for one period, as the document prints them."""

    line: int  # of the indicator's row (Piano) or of the value's row (PIRA)
    objective: str  # the card's code (01_01_02) or the PIRA objective's (A1)
    position: int  # 1-based, in the card's table or among the objective's KPIs
    name: str  # as printed: name and description (Piano), the KPI (PIRA)
    period: date
    period_line: int  # where the period was read: the table's header, or the value's row
    column: str  # the header or label the value is printed under, for messages
    value: str = ""  # as printed; empty: the document prints none
    achievement: str = ""  # as printed; empty: the document prints none
    achievement_line: int = 0
    achievement_column: str = ""
    note: str = ""


def read_report(text: str, year: int, layout: str = "text",
                period: date | None = None) -> list[ReportedFigure]:
    """The figures of a report of the cycle ``year`` (``layout``: ``piano``, ``pira``, or
    ``text`` to recognise it); ``period`` dates the columns whose header names no date."""
    if "\x00" in text:
        raise ReportTextError(text.count("\n", 0, text.index("\x00")) + 1, NUL_REASON)
    try:
        name = layouts.recognise(text) if layout == "text" else layout
    except layouts.UnknownLayoutError as error:
        raise ReportTextError(1, str(error)) from None
    try:
        if name == "piano":
            figures = _piano(read_table_rows(text), year, period)
        elif name == "pira":
            figures = _pira(text, year, period)
        else:
            raise ReportTextError(1, f"i valori rilevati si leggono da un monitoraggio con le "
                                     f"schede del Piano o da un PIRA a consuntivo, non da un "
                                     f"documento «{name}»")
    except PlanTextError as error:
        raise ReportTextError(error.line, error.reason) from None
    if not figures:
        raise ReportTextError(1, "il documento non riporta valori rilevati: attese colonne "
                                 "«Valore al gg/mm/aaaa» o «Stato AAAA» dopo «Peso indicatori» "
                                 "(Piano) o righe «VALORI OSSERVATI — Stato AAAA: valore» "
                                 "(PIRA)")
    return figures


# --- periods -----------------------------------------------------------------------------------

_DATE_RE: Final = re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{4}\b")
_SEMESTER_RE: Final = re.compile(
    r"\b(I|1°?|primo|II|2°?|secondo)\s*sem(?:estre|\.)?\s*(\d{4})\b", re.I)
_YEAR_RE: Final = re.compile(r"\b(\d{4})\b")
_CONSUNTIVO_RE: Final = re.compile(r"consuntiv", re.I)


def _when(label: str, year: int, line: int) -> date | None:
    """The day a header or label names, or None when it names none."""
    found = _DATE_RE.search(label)
    if found:
        try:
            day = parse_value(found.group(0), "data").day
        except ValueParseError as error:
            raise ReportTextError(line, f"«{label}»: {error.reason}") from None
        if day is not None:
            return day
    semester = _SEMESTER_RE.search(label)
    if semester:
        first = semester.group(1).casefold().rstrip("°") in {"i", "1", "primo"}
        return date(int(semester.group(2)), 6 if first else 12, 30 if first else 31)
    written = _YEAR_RE.search(label)
    if written:
        return date(int(written.group(1)), 12, 31)
    if _CONSUNTIVO_RE.search(label):
        return date(year, 12, 31)
    return None


def _period(label: str, year: int, line: int, given: date | None) -> date:
    """The period of a value column or row of the cycle ``year``; refused when it names none
    and none is given, names another day than the given one, or falls in another year."""
    day = _when(label, year, line)
    if day is None:
        if given is None:
            raise ReportTextError(line, f"«{label}» non dice a quale data si riferisce: "
                                        "indicare la rilevazione (--period gg/mm/aaaa)")
        return given
    if given is not None and day != given:
        raise ReportTextError(line, f"«{label}» si riferisce al {day:%d/%m/%Y}, non al "
                                    f"{given:%d/%m/%Y} indicato")
    if day.year != year:
        raise ReportTextError(line, f"«{label}»: il {day:%d/%m/%Y} non è nell'anno {year} del "
                                    "ciclo")
    return day


# --- headers and labels ------------------------------------------------------------------------

_QUOTE_FOLD: Final = str.maketrans("’‘`´", "''''")


def _key(text: str) -> str:
    text = unicodedata.normalize("NFC", text).casefold().translate(_QUOTE_FOLD)
    return " ".join(re.sub(r"[^\w%/']+", " ", text).split())


def _is_achievement(label: str) -> bool:
    return "raggiungimento" in _key(label)


def _is_note(label: str) -> bool:
    return _key(label) in {"note", "nota", "commento", "commenti", "annotazioni"}


_VALUE_WORDS: Final = re.compile(
    r"^(valore|valori|stato|consuntivo|dato|risultato|rilevazione|rilevato)\b")


def _is_value(label: str) -> bool:
    key = _key(label)
    return (_VALUE_WORDS.match(key) is not None or "consuntivo" in key) and not any(
        word in key for word in ("target", "atteso", "attesi", "peso", "raggiungimento"))


def _dashes(text: str) -> bool:
    return re.fullmatch(r"'?\s*[-–—_]+\s*", text) is not None


# --- the Piano's cards -------------------------------------------------------------------------


@dataclass(frozen=True)
class _Column:
    kind: str  # "value", "achievement", "note", "" (no header)
    header: str
    period: date | None = None  # of a value column, or of the value column an achievement follows


_EXPECTED_COLUMNS: Final = ("attese «Valore al gg/mm/aaaa», «Stato AAAA», «Valore a consuntivo», "
                            "«% raggiungimento», «Note»")


def _columns(headers: Sequence[str], line: int, year: int, given: date | None) -> list[_Column]:
    """What each header cell after «Peso indicatori» is; an achievement (and a note) belongs
    to the value column before it."""
    columns: list[_Column] = []
    last_period: date | None = None
    for header in headers:
        if not header:
            columns.append(_Column("", header))
        elif _is_achievement(header):
            own = _when(header, year, line)
            period = _period(header, year, line, given) if own else last_period
            if period is None:
                raise ReportTextError(line, f"colonna «{header}» prima di ogni colonna di valori: "
                                            "di quale rilevazione è il raggiungimento?")
            columns.append(_Column("achievement", header, period))
        elif _is_note(header):
            columns.append(_Column("note", header, last_period))
        elif _is_value(header):
            last_period = _period(header, year, line, given)
            columns.append(_Column("value", header, last_period))
        else:
            raise ReportTextError(line, f"colonna «{header}» dopo «Peso indicatori» non "
                                        f"riconosciuta: {_EXPECTED_COLUMNS}")
    return columns


def _piano(rows: list[TableRow], year: int, given: date | None) -> list[ReportedFigure]:
    headers: dict[int, list[_Column]] = {}
    figures: list[ReportedFigure] = []
    for row in rows:
        if row.header_line not in headers:
            headers[row.header_line] = _columns(row.header_extra, row.header_line, year, given)
        columns = headers[row.header_line]
        if not any(row.extra):
            continue
        if len(row.extra) > len(columns):
            extra = " | ".join(row.extra[len(columns):])
            raise ReportTextError(row.line, f"celle in più dopo il peso («{extra}»): "
                                            f"l'intestazione (riga {row.header_line}) ha "
                                            f"{len(columns)} colonne dopo «Peso indicatori»")
        by_period: dict[date, ReportedFigure] = {}
        notes = []
        for column, cell in zip(columns, row.extra, strict=False):
            if not cell:
                continue
            if not column.kind:
                raise ReportTextError(row.line, f"«{cell}» in una colonna senza intestazione "
                                                f"(riga {row.header_line})")
            if column.kind == "note":
                notes.append(cell)
                continue
            if column.period is None:  # _columns dates every value and achievement column
                continue
            figure = by_period.get(column.period) or ReportedFigure(
                row.line, row.card, row.position, row.text, column.period, row.header_line,
                column.header)
            if column.kind == "value":
                figure = replace(figure, value=cell, column=column.header)
            else:
                figure = replace(figure, achievement=cell, achievement_line=row.line,
                                 achievement_column=column.header)
            by_period[column.period] = figure
        note = " ".join(notes)
        figures.extend(replace(f, note=note) for f in by_period.values())
    return figures


# --- the PIRA ----------------------------------------------------------------------------------

_PIECE_RE: Final = re.compile(r"(?:^|(?<=\s))((?:Stato|Valore|Valori|Consuntivo)\b[^:]*):", re.I)
_OBSERVED: Final = frozenset({"valori osservati", "valore osservato", "valori rilevati"})


def _pieces(cell: str) -> list[tuple[str, str]]:
    """``Stato I sem 2020: 4 Stato 2021: 3`` → [("Stato I sem 2020", "4"), ("Stato 2021", "3")];
    a cell with no such label is one unlabelled piece."""
    marks = list(_PIECE_RE.finditer(cell))
    if not marks:
        return [("", cell.strip())]
    pieces = []
    for index, mark in enumerate(marks):
        end = marks[index + 1].start() if index + 1 < len(marks) else len(cell)
        pieces.append((mark.group(1).strip(), cell[mark.end():end].strip()))
    return pieces


def _pira(text: str, year: int, given: date | None) -> list[ReportedFigure]:
    figures: list[ReportedFigure] = []
    for kpi in read_kpi_rows(text):
        found: dict[date, ReportedFigure] = {}
        achievements: list[tuple[int, str, str]] = []
        for line, label, cell in kpi.rows:
            if _is_achievement(label):
                achievements.append((line, label, cell))
                continue
            if _key(label) in _OBSERVED:
                values = []
                for piece_label, value in _pieces(cell):
                    day = _when(piece_label, year, line) if piece_label else None
                    if day is None or day.year < year:
                        continue  # the plan's baseline (a value of an earlier year)
                    values.append((piece_label, _period(piece_label, year, line, given), value))
            elif _is_value(label):
                values = [(label, _period(label, year, line, given), cell)]
            else:
                continue  # the plan's rows: algorithm, targets, source
            for column, day, value in values:
                if not value or _dashes(value):
                    continue
                if day in found:
                    raise ReportTextError(line, f"secondo valore al {day:%d/%m/%Y} per "
                                                f"«{kpi.name}» (il primo alla riga "
                                                f"{found[day].line})")
                found[day] = ReportedFigure(line, kpi.objective, kpi.position, kpi.name, day,
                                            line, column, value=value)
        for line, label, cell in achievements:
            if not cell or _dashes(cell):
                continue
            if _when(label, year, line) is not None:
                day = _period(label, year, line, given)
            elif found:
                day = max(found)  # the value the document scores: its latest
            else:
                day = given or date(year, 12, 31)
            figure = found.get(day) or ReportedFigure(line, kpi.objective, kpi.position, kpi.name,
                                                      day, line, label)
            if figure.achievement:
                raise ReportTextError(line, f"secondo raggiungimento al {day:%d/%m/%Y} per "
                                            f"«{kpi.name}» (il primo alla riga "
                                            f"{figure.achievement_line})")
            found[day] = replace(figure, achievement=cell, achievement_line=line,
                                 achievement_column=label)
        figures.extend(found[day] for day in sorted(found))
    return figures
