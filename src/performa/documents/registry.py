"""Which documents exist, how each is built, and in which formats it comes out."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from .model import Document

# Builder modules register themselves when imported; ``load_all`` imports them.
BUILDERS = ("piano", "pira", "rpp", "monitoring", "relazione", "opendata")
PAGED = ("pdf", "odt", "docx")
TABULAR = ("xlsx", "ods")


@dataclass
class Context:
    """What a builder reads: the body's plan in force for the year and, where it matters,
    the period (the latest with results, or the one asked for)."""

    body: Any  # performa.plans.models.Body
    cycle: Any  # Cycle
    version: Any  # PlanVersion in force
    period: Any = None  # performa.measures.models.Period or None


@dataclass(frozen=True)
class Kind:
    name: str  # "piano", "pira", "pira-consuntivo", "rpp", "monitoraggio", "relazione", "opendata"
    title: str  # "Piano della Performance (PIAO, sezione 2.2)"
    build: Callable[[Context], Document]
    formats: tuple[str, ...] = PAGED + TABULAR


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def load_all() -> dict[str, Kind]:
    for module in BUILDERS:
        importlib.import_module(f"performa.documents.{module}")
    return KINDS


def context_for(body: Any, year: int, period_date: date | None = None) -> Context:
    """The context for a body and year; raises ValueError (Italian) when there is none."""
    from performa.measures.models import Period

    cycle = body.cycles.filter(year=year).first()
    if cycle is None:
        raise ValueError(f"Nessun ciclo {year} per «{body}».")
    version = cycle.current_version()
    if version is None:
        raise ValueError(f"Nessun piano adottato per «{body}» nel {year}.")
    periods = Period.objects.filter(cycle=cycle)
    if period_date is not None:
        period = periods.filter(date=period_date).first()
        if period is None:
            raise ValueError(f"Nessuna rilevazione al {period_date:%d/%m/%Y}.")
    else:
        period = periods.filter(values__isnull=False).distinct().order_by("-date").first()
    return Context(body=body, cycle=cycle, version=version, period=period)
