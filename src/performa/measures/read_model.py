"""The results read model: which period, which results, what is due — for the monitoring
pages, the API and the monitoring report alike (it left ``web`` so that the documents and the
API need not import the pages' package).

Pages read stored result sets (computed when values change), so a dashboard costs a handful
of queries, not a recomputation.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from performa.plans.models import (
    Cycle,
    Indicator,
    OperationalObjective,
    OrgUnit,
    PlanVersion,
    Variable,
)

from .computing import (
    RESOURCE_USE_NAMES,
    scheduled,
    uses_resources,
)
from .models import IndicatorResult, MeasuredValue, NodeResult, Period, ResultSet, SourceResult
from .reading import current_results

DEADLINE_WARNING = timedelta(days=15)


def chosen_period(request: HttpRequest, cycle: Cycle) -> Period | None:
    """``?rilevazione=<id>`` or the latest period that has values (else the first one)."""
    periods = cycle.periods.order_by("date")
    wanted = request.GET.get("rilevazione", "")
    if wanted.isdigit():
        found = periods.filter(pk=int(wanted)).first()
        if found is not None:
            return found
    with_values = periods.filter(values__isnull=False).distinct().order_by("-date").first()
    return with_values or periods.first()


# The pages show what every other reader shows (measures.reading): never computed here.
result_set = current_results


def nodes(results: ResultSet | None, tree: str = NodeResult.Tree.STRATEGY) -> dict[str, Any]:
    if results is None:
        return {}
    return {n.key: n for n in results.nodes.filter(tree=tree)}


def indicator_results(results: ResultSet | None) -> dict[int, IndicatorResult]:
    if results is None:
        return {}
    return {r.indicator_id: r for r in results.indicators.all()}


def version_of(cycle: Cycle, results: ResultSet | None) -> PlanVersion | None:
    return results.version if results is not None else cycle.current_version()


def direct_indicators(version: PlanVersion,
                      offices: Iterable[int] | None = None) -> list[Indicator]:
    """Indicators an office types a value for: no formula, not computed from the budget.

    ``offices`` narrows the query to what those offices may own, for pages of one office.
    """
    found = Indicator.objects.filter(version=version, formula="")
    if offices is not None:
        ids = list(offices)
        found = found.filter(
            Q(office__in=ids) | Q(office__isnull=True, operational_objective__offices__in=ids)
        ).distinct()
    found = found.select_related("operational_objective", "office").prefetch_related(
        "operational_objective__offices", "targets")
    return [i for i in found if not uses_resources(i)]


def owner_office(indicator: Indicator) -> OrgUnit | None:
    if indicator.office_id:
        return indicator.office
    offices = list(indicator.operational_objective.offices.all())
    return offices[0] if offices else None


@dataclass
class Due:
    """What one office owes for a period: expected values, entered ones, missing ones."""

    office: OrgUnit | None
    expected: int = 0
    entered: int = 0
    missing: list[str] = field(default_factory=list)


def dues(period: Period, version: PlanVersion) -> list[Due]:
    """Per office, the values expected in ``period`` and which are still missing.

    Read as plain rows (no model instances): the dashboard asks this for every open period.
    """
    entered_indicators = set(
        MeasuredValue.objects.filter(period=period, indicator__isnull=False)
        .values_list("indicator__lineage", flat=True)
    )
    entered_variables = set(
        MeasuredValue.objects.filter(period=period, variable__isnull=False)
        .values_list("variable_id", flat=True)
    )
    units = {u.pk: u for u in OrgUnit.objects.filter(body=period.cycle.body)}
    first_office: dict[int, int] = {}
    links = OperationalObjective.offices.through.objects.filter(
        operationalobjective__version=version
    ).values_list("operationalobjective_id", "orgunit_id", "orgunit__name")
    for objective, unit, _ in sorted(links, key=lambda link: link[2]):
        first_office.setdefault(objective, unit)
    by_office: dict[int | None, Due] = {}

    def due(office_id: int | None) -> Due:
        if office_id not in by_office:
            by_office[office_id] = Due(units.get(office_id) if office_id else None)
        return by_office[office_id]

    rows = Indicator.objects.filter(version=version, formula="").values_list(
        "lineage", "name", "measured_at", "office_id", "operational_objective_id",
        "operational_objective__code", "operational_objective__resources_amount")
    for lineage, name, measured_at, office, objective, code, budget in rows:
        if budget is not None and name.strip().lower().startswith(RESOURCE_USE_NAMES):
            continue  # computed from the budget, nobody types it
        if not scheduled(measured_at, period):
            continue
        entry = due(office or first_office.get(objective))
        entry.expected += 1
        if lineage in entered_indicators:
            entry.entered += 1
        else:
            entry.missing.append(f"{code} {name}")
    for pk, name, office in Variable.objects.filter(cycle=period.cycle).values_list(
        "pk", "name", "office_id"
    ):
        entry = due(office)
        entry.expected += 1
        if pk in entered_variables:
            entry.entered += 1
        else:
            entry.missing.append(name)
    return sorted(by_office.values(), key=lambda d: (d.office is None, str(d.office or "")))


@dataclass
class Alert:
    level: str  # "danger", "warning", "info"
    text: str
    url: str = ""


def alerts(cycle: Cycle, results: ResultSet | None, today: date | None = None) -> list[Alert]:
    """Values missing near a deadline, offices late, indicators off target."""
    today = today or timezone.localdate()
    found: list[Alert] = []
    version = version_of(cycle, results)
    if version is None:
        return found
    for period in cycle.periods.filter(state=Period.State.OPEN).order_by("date"):
        if period.deadline is None:
            continue
        late = period.deadline < today
        near = not late and period.deadline - today <= DEADLINE_WARNING
        if not (late or near):
            continue
        for entry in dues(period, version):
            if not entry.missing:
                continue
            who = entry.office.name if entry.office else "Senza ufficio assegnato"
            count = _values(len(entry.missing))
            if late:
                found.append(Alert("danger", f"{who}: {count} mancanti per la rilevazione al "
                                             f"{period.date:%d/%m/%Y}, scaduta il "
                                             f"{period.deadline:%d/%m/%Y}"))
            else:
                found.append(Alert("warning", f"{who}: {count} da inserire entro il "
                                              f"{period.deadline:%d/%m/%Y} (rilevazione al "
                                              f"{period.date:%d/%m/%Y})"))
    if results is not None:
        off = results.indicators.filter(at_risk=True).count() if not results.period.year_end \
            else results.indicators.filter(achievement__lt=1).count()
        if off:
            what = "a rischio sulla proiezione a fine anno" if not results.period.year_end \
                else "sotto il target"
            noun = "indicatore" if off == 1 else "indicatori"
            found.append(Alert("warning", f"{off} {noun} {what} alla rilevazione del "
                                          f"{results.period.date:%d/%m/%Y}"))
    return found


def _values(count: int) -> str:
    return "1 valore" if count == 1 else f"{count} valori"


def trend(cycle: Cycle, keys: list[str]) -> dict[str, Any]:
    """Achievement per period for the given strategy nodes, as a Chart.js line config."""
    periods = list(cycle.periods.order_by("date"))
    series: dict[str, list[float | None]] = defaultdict(list)
    labels: dict[str, str] = {}
    for period in periods:
        current = current_results(period)
        found = {n.key: n for n in current.nodes.filter(tree="strategy", key__in=keys)} \
            if current else {}
        for key in keys:
            node = found.get(key)
            if node is not None:
                labels[key] = node.label
            value = node.achievement if node is not None else None
            series[key].append(None if value is None else round(value * 100, 1))
    return {
        "type": "line",
        "data": {
            "labels": [f"{p.date:%d/%m}" for p in periods],
            "datasets": [{"label": labels.get(k, k), "data": series[k], "spanGaps": True}
                         for k in keys],
        },
        "options": {"scales": {"y": {"min": 0, "max": 100,
                                     "title": {"display": True, "text": "%"}}}},
    }


def source_results(periods: Iterable[Period],
                   indicators: Iterable[Indicator] | None = None) -> dict[tuple[int, Any],
                                                                          SourceResult]:
    """The figures documents printed (``SourceResult``) by (period id, indicator lineage), for
    the readers that show them beside Performa's: the card and the indicator list."""
    found = SourceResult.objects.filter(period__in=list(periods)).select_related("indicator")
    if indicators is not None:
        found = found.filter(indicator__lineage__in=[i.lineage for i in indicators])
    return {(s.period_id, s.indicator.lineage): s for s in found}
