"""Reading the year: dashboard, tree by strategy and by organisation, cards, "perché 87%?"."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from performa.budget.reading import budget_overview
from performa.engine.values import format_number, format_percent
from performa.measures import read_model as r
from performa.measures.models import MeasuredValue, NodeResult, ResultSet, SourceResult
from performa.measures.reach import body_for, cycle_for
from performa.plans.models import (
    Body,
    Indicator,
    OperationalObjective,
    StrategicArea,
    StrategicObjective,
)

from .. import listing
from ..listing import Column
from .card_plan import plan_context


def _context(request: HttpRequest, body_id: int) -> dict[str, Any]:
    body = body_for(request, body_id)
    cycle = cycle_for(request, body)
    period = r.chosen_period(request, cycle)
    results = r.result_set(period)
    return {
        "body": body, "cycle": cycle, "period": period, "results": results,
        "periods": list(cycle.periods.order_by("date")),
        "cycles": list(body.cycles.order_by("-year")),
        "version": r.version_of(cycle, results),
    }


def financial_health(body: Body, year: int) -> dict[str, Any] | None:
    """The body's budget indices for the dashboard's year — its most final figures, else the
    latest year before it, else the latest loaded (``BudgetOverview.column_for``) — each with
    its result against the target; None when the body has no budget."""
    overview = budget_overview(body)
    if overview.empty or not overview.indices:
        return None
    column = overview.column_for(year) or overview.columns[-1]
    return {"column": column,
            "rows": [(row.definition, row.at(column)) for row in overview.indices]}


@require_safe
@login_required
def dashboard(request: HttpRequest, body_id: int) -> HttpResponse:
    context = _context(request, body_id)
    nodes = r.nodes(context["results"])
    version = context["version"]
    areas = []
    if version is not None:
        objectives = StrategicObjective.objects.filter(version=version)
        for area in StrategicArea.objects.filter(version=version):
            areas.append({
                "area": area, "node": nodes.get(f"area:{area.code}"),
                "objectives": [(so, nodes.get(f"so:{so.code}"))
                               for so in objectives if so.area_id == area.pk],
            })
    keys = ["body"] + [f"area:{a['area'].code}" for a in areas]
    context.update({
        "body_node": nodes.get("body"), "areas": areas,
        "alerts": r.alerts(context["cycle"], context["results"]),
        "trend": r.trend(context["cycle"], keys),
        "health": financial_health(context["body"], context["cycle"].year),
    })
    return render(request, "web/monitoring/dashboard.html", context)


@require_safe
@login_required
def tree(request: HttpRequest, body_id: int) -> HttpResponse:
    context = _context(request, body_id)
    nodes = r.nodes(context["results"])
    version = context["version"]
    rows = []
    if version is not None:
        cards = OperationalObjective.objects.filter(version=version).select_related("area")
        objectives = StrategicObjective.objects.filter(version=version)
        for area in StrategicArea.objects.filter(version=version):
            rows.append({"area": area, "node": nodes.get(f"area:{area.code}"), "objectives": [
                {"so": so, "node": nodes.get(f"so:{so.code}"),
                 "cards": [(card, nodes.get(f"op:{card.code}")) for card in cards
                           if card.strategic_objective_id == so.pk]}
                for so in objectives if so.area_id == area.pk
            ]})
    context.update({"rows": rows, "body_node": nodes.get("body")})
    return render(request, "web/monitoring/tree.html", context)


@require_safe
@login_required
def tree_units(request: HttpRequest, body_id: int) -> HttpResponse:
    """The same figures by organisational unit: Areas, their offices, the cards they own."""
    context = _context(request, body_id)
    nodes = r.nodes(context["results"], NodeResult.Tree.ORGANISATION)
    strategy = r.nodes(context["results"])
    root = nodes.get("organisation")

    def branch(key: str, depth: int) -> list[dict[str, Any]]:
        node = nodes.get(key)
        if node is None:
            return []
        found = []
        for part in node.explanation.get("parts", []):
            child = part["key"]
            if child in nodes:
                found.append({"node": nodes[child], "depth": depth, "card": None})
                found += branch(child, depth + 1)
            else:
                code = child.rsplit("/", 1)[-1]
                found.append({"node": strategy.get(f"op:{code}"), "depth": depth,
                              "card": code, "label": part["label"]})
        return found

    context.update({"root": root, "units": branch("organisation", 0) if root else []})
    return render(request, "web/monitoring/units.html", context)


@require_safe
@login_required
def card(request: HttpRequest, body_id: int, code: str) -> HttpResponse:
    """A card laid out as in the Piano, with its results in every period of the year."""
    return card_page(request, body_id, code)


def card_page(request: HttpRequest, body_id: int, code: str,
              error: tuple[int, str, str] | None = None) -> HttpResponse:
    """The card; ``error``: a phase's completion refused (phase id, typed, why), shown beside
    its field."""
    context = _context(request, body_id)
    version = context["version"]
    if version is None:
        raise Http404
    objective = get_object_or_404(
        OperationalObjective.objects.select_related(
            "strategic_objective__area", "strategic_objective__mission",
            "strategic_objective__programme__mission", "area", "mission",
            "programme__mission",
        ).prefetch_related("offices"), version=version, code=code,
    )
    indicators = list(objective.indicators.prefetch_related("targets"))
    year = context["cycle"].year
    periods = context["periods"]
    by_period = []
    for period in periods:
        current = period.result_sets.filter(current=True).first()
        found = {x.indicator.lineage: x for x in current.indicators.select_related("indicator")
                 .filter(indicator__operational_objective__code=code)} if current else {}
        node = current.nodes.filter(tree="strategy", key=f"op:{code}").first() if current else None
        by_period.append({"period": period, "results": found, "node": node,
                          "result_set": current})
    # The values typed with a document attached, to link it next to the figure.
    evidence = {(v.period_id, v.indicator.lineage): v for v in MeasuredValue.objects.filter(
        period__in=periods, indicator__lineage__in=[i.lineage for i in indicators],
    ).exclude(evidence="").select_related("indicator")}
    # What an imported document printed, shown beside Performa's figure to compare.
    sources = r.source_results(periods, indicators)
    rows = []
    for position, indicator in enumerate(indicators, 1):
        target = indicator.target_for(year)
        cells = []
        for p in by_period:
            key = (p["period"].pk, indicator.lineage)
            result = p["results"].get(indicator.lineage)
            cells.append((p["period"], result, evidence.get(key),
                          _compared(sources.get(key), result)))
        chart = {
            "type": "line",
            "data": {"labels": [f"{period.date:%d/%m}" for period, *_ in cells],
                     "datasets": [{"label": "valore", "spanGaps": True,
                                   "data": [_plotted(indicator, res)
                                            for _, res, *_ in cells]}]},
            "options": {"plugins": {"legend": {"display": False}}},
        }
        rows.append({"position": position, "indicator": indicator, "target": target,
                     "cells": cells, "chart": chart, "chart_id": f"grafico-{indicator.pk}"})
    context.update({
        "objective": objective, "rows": rows, "by_period": by_period, "year": year,
        "previous_year": year - 1,
    })
    context.update(plan_context(request.user, context["cycle"], version, objective, error))
    return render(request, "web/monitoring/card.html", context)


def _compared(source: SourceResult | None, result: Any) -> dict[str, Any] | None:
    """A document's figures next to Performa's: its value when it differs from the one shown,
    its achievement, and the gap in points when over one point (``SourceResult.differs_from``).
    """
    if source is None:
        return None
    achievement = result.achievement if result is not None else None
    gap = source.gap(achievement)
    shown = result.display if result is not None else ""
    return {
        "source": source,
        "value": source.value_text if source.value_text and source.value_text != shown else "",
        "differs": source.differs_from(achievement),
        "gap": "" if gap is None else format_number(abs(gap), 0 if gap == round(gap) else 1),
        "performa": format_percent(achievement),
    }


def _plotted(indicator: Indicator, result: Any) -> float | None:
    """A value as the chart shows it: percents in points (47,3 not 0,473); dates not at all."""
    if result is None or result.value is None or indicator.unit == "data":
        return None
    return round(result.value * 100, 2) if indicator.unit.strip() == "%" else result.value


@require_safe
@login_required
def why(request: HttpRequest, body_id: int, result_set_id: int, tree_name: str,
        key: str) -> HttpResponse:
    """Why a figure is what it is: its parts, weights, values, and what was left out."""
    body = body_for(request, body_id)
    results = get_object_or_404(ResultSet, pk=result_set_id, period__cycle__body=body)
    node = get_object_or_404(NodeResult, result_set=results, tree=tree_name, key=key)
    indicators = {str(x.indicator_id): x for x in results.indicators.all()}
    children = {n.key for n in results.nodes.filter(tree=tree_name)}
    parts = []
    for part in node.explanation.get("parts", []):
        parts.append({**part, "is_node": part["key"] in children,
                      "indicator": indicators.get(part["key"])})
    template = "web/monitoring/why_partial.html" if request.headers.get("HX-Request") \
        else "web/monitoring/why.html"
    return render(request, template, {"body": body, "results": results, "node": node,
                                      "parts": parts, "tree_name": tree_name})


@require_safe
@login_required
def indicators(request: HttpRequest, body_id: int) -> HttpResponse | Any:
    """Every indicator with its result in the period: filter, sort, take to Excel."""
    context = _context(request, body_id)
    version = context["version"]
    found = r.indicator_results(context["results"])
    items = [] if version is None else list(
        Indicator.objects.filter(version=version)
        .select_related("operational_objective", "office")
        .prefetch_related("targets", "operational_objective__offices")
    )
    body, year = context["body"], context["cycle"].year

    def target(indicator: Indicator) -> str:
        row = indicator.target_for(year)
        return f"{row.comparator or indicator.comparator} {row.value}".strip() if row else ""

    def office(indicator: Indicator) -> str:
        unit = r.owner_office(indicator)
        return unit.name if unit else ""

    def result(indicator: Indicator) -> Any:
        return found.get(indicator.pk)

    columns = [
        Column("scheda", "Scheda", lambda i: i.operational_objective.code, filter="text",
               link=lambda i: reverse("web:card", args=[body.pk, i.operational_objective.code])
               + f"?anno={year}"),
        Column("indicatore", "Indicatore", lambda i: i.name, filter="text"),
        Column("tipologia", "Tipologia", lambda i: i.kind, filter="choice"),
        Column("udm", "UdM", lambda i: i.unit, filter="choice"),
        Column("ufficio", "Ufficio", office, filter="choice"),
        Column("target", f"Target {year}", target, sortable=False),
        Column("valore", "Valore", lambda i: result(i).value if result(i) else None,
               display=lambda i: result(i).display if result(i) else "n.d."),
        Column("raggiungimento", "Raggiungimento",
               lambda i: result(i).achievement if result(i) else None,
               display=lambda i: format_percent(result(i).achievement if result(i) else None)),
        Column("proiezione", "Proiezione a fine anno",
               lambda i: result(i).projected_achievement if result(i) else None,
               display=lambda i: format_percent(
                   result(i).projected_achievement if result(i) else None)),
        Column("rischio", "A rischio",
               lambda i: "sì" if result(i) and result(i).at_risk else "no", filter="choice"),
    ]
    period = context["period"]
    sources = {lineage: source for (_, lineage), source
               in r.source_results([period] if period else []).items()}
    if sources:  # a document was imported for this period: its achievement, to compare

        def source(indicator: Indicator) -> Any:
            return sources.get(indicator.lineage)

        columns.insert(8, Column(
            "documento", "Raggiungimento nel documento",
            lambda i: source(i).achievement if source(i) else None,
            display=lambda i: source(i).achievement_text if source(i) else ""))
    caption = "Indicatori" + (f" alla rilevazione del {period.date:%d/%m/%Y}" if period else "")
    table = listing.table(request, items, columns, caption=caption,
                          filename=f"indicatori-{year}")
    if isinstance(table, HttpResponse):
        return table
    context["table"] = table
    return render(request, "web/monitoring/indicators.html", context)
