"""Figures a document printed (a monitoring report, a PIRA a consuntivo), matched to the stored
plan and stored: the values as the period's measured values, the document's own achievement
beside them (``SourceResult``) so that a card shows both and flags where they differ.

The reader of the text is ``performa.interchange.report_text``; this module takes its rows as
plain objects (:class:`Figure`) and stores them the way a values file is stored: every row is
matched and checked first, then each value goes through ``actions.enter_value`` (permission
by office, open period, limits, revision, audit) and each period is recomputed once; anything
wrong raises :class:`ReportImportError` naming the line, and nothing is stored.

An indicator Performa computes (a formula, or resources used against the budget) takes no
typed value: the document's value and achievement are kept for the comparison only, and the
outcome counts them apart, so the user knows Performa's figure is its own computation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Protocol

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from performa.accounts import access
from performa.audit import account_of, record
from performa.engine.values import Kind, ValueParseError, parse_value
from performa.plans.models import Body, Indicator

from . import actions, computing, locks
from .models import NOT_AVAILABLE_REASON_MAX_LENGTH, Period, SourceResult, office_of
from .values_file import _reason

__all__ = ["Figure", "ImportedFigures", "ReportImportError", "import_figures"]


class Figure(Protocol):
    """One indicator's figures for one period as a document prints them (see
    ``performa.interchange.report_text.ReportedFigure``)."""

    @property
    def line(self) -> int: ...
    @property
    def objective(self) -> str: ...
    @property
    def position(self) -> int: ...
    @property
    def name(self) -> str: ...
    @property
    def period(self) -> date: ...
    @property
    def period_line(self) -> int: ...
    @property
    def column(self) -> str: ...
    @property
    def value(self) -> str: ...
    @property
    def achievement(self) -> str: ...
    @property
    def achievement_line(self) -> int: ...
    @property
    def achievement_column(self) -> str: ...
    @property
    def note(self) -> str: ...


class ReportImportError(ValueError):
    """A figure that cannot be stored; names the line (and the column) of the document."""

    def __init__(self, line: int, reason: str, column: str = "") -> None:
        self.line, self.column, self.reason = line, column, reason
        place = f"riga {line}, colonna «{column}»" if column else f"riga {line}"
        super().__init__(f"{place}: {reason}")


@dataclass
class ImportedFigures:
    """What an import stored: values typed into the periods, figures of computed indicators
    kept only for the comparison, and the document's achievements kept."""

    values: int = 0
    computed: list[str] = field(default_factory=list)  # «01_01_02 n. 7 Grado di …»
    achievements: int = 0
    periods: list[Period] = field(default_factory=list)


@dataclass
class _Match:
    figure: Figure
    indicator: Indicator
    period: Period
    computed: bool
    not_available: bool
    achievement: float | None


_VALUE_TEXT = SourceResult._meta.get_field("value_text").max_length or 60
_ACHIEVEMENT_TEXT = SourceResult._meta.get_field("achievement_text").max_length or 30
_DOCUMENT = SourceResult._meta.get_field("document").max_length or 200


@transaction.atomic
def import_figures(user: Any, body: Body, year: int, figures: Sequence[Figure],
                   document: str) -> ImportedFigures:
    """Store the ``figures`` of ``document`` (its file name, for the audit) in the plan of
    ``body`` for ``year``: all of them or, raising :class:`ReportImportError`, none."""
    cycle = body.cycles.filter(year=year).first()
    version = cycle.current_version() if cycle is not None else None
    if cycle is None or version is None:
        raise ReportImportError(1, f"«{body.name}» non ha un piano {year}: importarlo prima "
                                   "(performa import-plan)")
    cards: dict[str, list[Indicator]] = {}
    for indicator in Indicator.objects.filter(version=version).select_related(
            "operational_objective", "office"):
        cards.setdefault(indicator.operational_objective.code, []).append(indicator)
    periods = {p.date: p for p in cycle.periods.all()}
    matches: list[_Match] = []
    seen: dict[tuple[int, Any], int] = {}
    for figure in figures:
        match = _match(figure, cards, periods, year)
        key = (match.period.pk, match.indicator.lineage)
        if key in seen:
            raise ReportImportError(figure.line, f"«{_short(match.indicator.name)}» al "
                                                 f"{figure.period:%d/%m/%Y} è già alla riga "
                                                 f"{seen[key]}")
        seen[key] = figure.line
        if not (access.can_plan(user, body)
                or access.can_enter(user, body, office_of(match.indicator))):
            raise PermissionDenied(f"riga {figure.line}: «{_short(match.indicator.name)}» è "
                                   "di un altro ufficio: può importare solo i valori del "
                                   "proprio ufficio.")
        matches.append(match)
    touched: dict[int, Period] = {}
    for match in matches:
        period = match.period
        if period.pk not in touched and locks.share_period(period.pk) != Period.State.OPEN:
            raise ReportImportError(match.figure.period_line,
                                    f"la rilevazione al {period.date:%d/%m/%Y} non è aperta "
                                    f"all'inserimento ({period.get_state_display().lower()}): "
                                    "aprirla (pagina Rilevazioni) prima di importare i valori",
                                    match.figure.column)
        touched[period.pk] = period
    reason = _reason(document)
    outcome = ImportedFigures(periods=sorted(touched.values(), key=lambda p: p.date))
    for match in matches:
        _store(user, match, document, reason, outcome)
    for period in outcome.periods:
        computing.store_results(period, account_of(user))
    return outcome


def _match(figure: Figure, cards: dict[str, list[Indicator]], periods: dict[date, Period],
           year: int) -> _Match:
    """The stored indicator and period of a figure, its value and achievement read."""
    indicator = _indicator(figure, cards, year)
    period = periods.get(figure.period)
    if period is None:
        raise ReportImportError(figure.period_line,
                                f"nessuna rilevazione al {figure.period:%d/%m/%Y} nel ciclo "
                                f"{year}: crearla e aprirla (pagina Rilevazioni) prima di "
                                "importare i valori", figure.column)
    computed = bool(indicator.formula) or computing.uses_resources(indicator)
    not_available = False
    if figure.value:
        if len(figure.value) > _VALUE_TEXT:
            raise ReportImportError(figure.line, f"valore di {len(figure.value)} caratteri: al "
                                                 f"massimo {_VALUE_TEXT}", figure.column)
        try:
            not_available = not parse_value(figure.value, indicator.unit).available
        except ValueParseError as error:
            raise ReportImportError(figure.line, f"{error} (unità di misura dell'indicatore: "
                                                 f"«{indicator.unit or 'nessuna'}»)",
                                    figure.column) from None
    achievement = None
    if figure.achievement:
        line, column = figure.achievement_line or figure.line, figure.achievement_column
        if len(figure.achievement) > _ACHIEVEMENT_TEXT:
            raise ReportImportError(line, f"raggiungimento di {len(figure.achievement)} "
                                          f"caratteri: al massimo {_ACHIEVEMENT_TEXT}", column)
        try:
            read = parse_value(figure.achievement, "%")
        except ValueParseError as error:
            raise ReportImportError(line, str(error), column) from None
        if read.available and read.kind is not Kind.PERCENT:
            raise ReportImportError(line, f"«{figure.achievement}» non è una percentuale",
                                    column)
        achievement = read.number
    return _Match(figure, indicator, period, computed, not_available, achievement)


def _indicator(figure: Figure, cards: dict[str, list[Indicator]], year: int) -> Indicator:
    """The indicator of the figure's objective printed with the same text; at its position
    when several are (or when the document retypes the description)."""
    indicators = cards.get(figure.objective)
    if not indicators:
        raise ReportImportError(figure.line, f"l'obiettivo {figure.objective} non è nel piano "
                                             f"{year}")
    printed = _key(figure.name)
    same = [i for i in indicators
            if printed in (_key(i.name), _key(f"{i.name} {i.description}"))]
    at = indicators[figure.position - 1] if 0 < figure.position <= len(indicators) else None
    if same:
        return at if at in same and at is not None else same[0]
    if at is not None and _key(at.name) and printed.startswith(_key(at.name)):
        return at
    there = (f"; in quella posizione ({figure.position}) il piano ha «{_short(at.name)}»"
             if at is not None else f"; l'obiettivo ha {len(indicators)} indicatori")
    raise ReportImportError(figure.line, f"«{_short(figure.name)}» non è un indicatore "
                                         f"dell'obiettivo {figure.objective} nel piano "
                                         f"{year}{there}")


def _store(user: Any, match: _Match, document: str, reason: str,
           outcome: ImportedFigures) -> None:
    figure, indicator = match.figure, match.indicator
    if figure.value and not match.computed:
        why = f"n.d. nel documento «{document}»"[:NOT_AVAILABLE_REASON_MAX_LENGTH]
        try:
            actions.enter_value(user, match.period, indicator, figure.value, note=figure.note,
                                not_available_reason=why if match.not_available else "",
                                reason=reason, recompute=False)
        except ValidationError as error:
            column = "Note" if "note" in getattr(error, "error_dict", {}) else figure.column
            raise ReportImportError(figure.line, "; ".join(error.messages), column) from None
        outcome.values += 1
    elif figure.value:
        outcome.computed.append(f"{figure.objective} n. {figure.position} "
                                f"«{_short(indicator.name)}» (riga {figure.line})")
    keep = bool(figure.achievement) or (match.computed and bool(figure.value))
    found = SourceResult.objects.filter(period=match.period,
                                        indicator__lineage=indicator.lineage).first()
    if not keep:
        if found is not None:  # the document no longer prints one: the old one goes
            record(found, user, reason)
            found.delete()
        return
    source = found or SourceResult(period=match.period, indicator=indicator)
    source.indicator = indicator  # the plan version in force now
    source.value_text, source.achievement_text = figure.value, figure.achievement
    source.achievement = match.achievement
    source.document = document[:_DOCUMENT]
    source.line = figure.achievement_line or figure.line
    source.author = account_of(user)
    record(source, user, reason)
    source.save()
    outcome.achievements += bool(figure.achievement)


_QUOTE_FOLD = str.maketrans("’‘`´“”«»", "''''\"\"\"\"")


def _key(text: str) -> str:
    """A key for an indicator's text as printed and as stored: case, quotes, spacing and
    punctuation aside (the report retypes what the plan printed)."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_QUOTE_FOLD)
    text = re.sub(r"</?\w+>|\*\*", "", text)
    return " ".join(re.sub(r"[^\w%/]+", " ", text).split())


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
