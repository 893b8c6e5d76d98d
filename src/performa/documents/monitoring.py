"""Monitoring report at a date (rilevazione): where the body stands, per Area and Office.

For the Dirigenti and the planning office in September: the achievement so far of the body,
of each Area and Office (the organisation tree of the stored results), every indicator with
its value so far, its achievement, the year-end projection and whether it is at risk; the
alerts the dashboard shows; and, per office, the values still missing. Invented values make
the whole report say «dati dimostrativi».
"""

from __future__ import annotations

from typing import Any

from performa.engine.compute import typed_like
from performa.engine.values import (
    Kind,
    ValueParseError,
    format_number,
    format_value,
    parse_target,
)
from performa.measures.models import IndicatorResult, NodeResult
from performa.measures.read_model import alerts, dues
from performa.plans.models import Indicator, OperationalObjective

from . import registry
from .model import Block, Cover, Document, Heading, KeyValues, Paragraph, Table
from .plan_data import (
    Plan,
    Results,
    dash,
    load_plan,
    percent,
    require_period,
    require_results,
    target_of,
)

ORGANISATION = NodeResult.Tree.ORGANISATION


def build(ctx: registry.Context) -> Document:
    period = require_period(ctx.period, "Monitoraggio", ctx.cycle)
    results = require_results(period)
    plan = load_plan(results.result_set.version)
    doc = Document(kind="monitoraggio", demo=period.demo, cover=Cover(
        body=plan.body.name, title=f"Monitoraggio al {period.date:%d/%m/%Y}",
        subtitle=f"Piano della Performance {plan.triennium} — stato di avanzamento degli "
                 "obiettivi", date=f"{period.date:%d/%m/%Y}",
    ))
    missing = dues(period, plan.version)
    doc.blocks += synopsis(plan, results, missing)
    doc.blocks += alert_section(ctx, results)
    doc.blocks += by_unit(plan, results)
    doc.blocks += missing_section(missing, period.date)
    return doc


def synopsis(plan: Plan, results: Results, missing: list[Any]) -> list[Block]:
    period = results.period
    indicators = plan.all_indicators()
    found = [results.of(i) for i in indicators]
    measured = sum(1 for r in found if r is not None and r.value is not None)
    below = sum(1 for r in found if r is not None and r.achievement is not None
                and r.achievement < 1)
    at_risk = sum(1 for r in found if r is not None and r.at_risk)
    pairs = [
        ("Rilevazione", f"{period.date:%d/%m/%Y} ({period.get_state_display().lower()})"),
    ]
    if period.deadline:
        pairs.append(("Scadenza inserimento dati", f"{period.deadline:%d/%m/%Y}"))
    pairs += [
        ("Grado di raggiungimento dell'ente", percent(results.achievement("body"))),
        ("Grado di raggiungimento per struttura organizzativa",
         percent(results.achievement("organisation", ORGANISATION))),
        ("Indicatori con un valore", f"{measured} su {len(indicators)}"),
        ("Indicatori sotto il target", str(below)),
    ]
    if not period.year_end:
        pairs.append(("Indicatori a rischio sulla proiezione a fine anno", str(at_risk)))
    pairs.append(("Valori ancora da inserire", str(sum(len(d.missing) for d in missing))))
    rows = [[f"{area.code} {area.title}", percent(results.achievement(f"area:{area.code}"))]
            for area in plan.areas]
    return [
        Heading("Sintesi"),
        KeyValues(pairs),
        Table(header=[plan.body.area_label, "Raggiungimento"], rows=rows,
              caption=f"Raggiungimento per {plan.body.area_label.lower()}", sheet="Ambiti",
              widths=[5, 1.3]),
    ]


def alert_section(ctx: registry.Context, results: Results) -> list[Block]:
    found = alerts(ctx.cycle, results.result_set)
    blocks: list[Block] = [Heading("Avvisi", 2)]
    if not found:
        return [*blocks, Paragraph("Nessun avviso alla data della rilevazione.")]
    return blocks + [Paragraph(f"• {alert.text}.") for alert in found]


def by_unit(plan: Plan, results: Results) -> list[Block]:
    """Areas, then their offices, each with the indicators of the objectives it owns."""
    root = results.node("organisation", ORGANISATION)
    if root is None:
        return []
    objectives = {op.code: op for op in plan.all_operational()}
    blocks: list[Block] = [Heading("Risultati per Area e Ufficio")]
    area_rows = []
    sections: list[Block] = []
    transversal: list[str] = []
    for part in root.explanation.get("parts", []):
        area = results.node(part["key"], ORGANISATION)
        if area is None:  # a transversal objective owned by the whole body
            transversal.append(part["key"].rsplit("/", 1)[-1])
            continue
        offices = [results.node(p["key"], ORGANISATION)
                   for p in area.explanation.get("parts", [])]
        offices = [o for o in offices if o is not None]
        own = [p["key"].rsplit("/", 1)[-1] for p in area.explanation.get("parts", [])
               if results.node(p["key"], ORGANISATION) is None]
        area_rows.append([area.label, percent(area.achievement), str(len(offices)),
                          str(len(own))])
        sections.append(Heading(f"Area: {area.label} — {percent(area.achievement)}", 2))
        if offices:
            sections.append(Table(
                header=["Ufficio", "Raggiungimento", "Obiettivi"],
                rows=[[o.label, percent(o.achievement),
                       str(len(o.explanation.get("parts", [])))] for o in offices],
                caption=f"Uffici dell'Area {area.label}", widths=[5, 1.3, 1]))
        listed: set[str] = set()
        for office in offices:
            codes = [p["key"].rsplit("/", 1)[-1] for p in office.explanation.get("parts", [])]
            listed.update(codes)
            sections.append(Heading(f"{office.label} — {percent(office.achievement)}", 3))
            sections.append(indicator_table(plan, results, [objectives[c] for c in codes
                                                            if c in objectives], office.label))
        rest = [objectives[c] for c in own if c not in listed and c in objectives]
        if rest:
            sections.append(Heading(f"Obiettivi dell'Area {area.label} senza ufficio", 3))
            sections.append(indicator_table(plan, results, rest, area.label))
    blocks.append(Table(
        header=["Area", "Raggiungimento", "Uffici", "Obiettivi"], rows=area_rows,
        caption="Raggiungimento per Area", sheet="Aree", widths=[5, 1.3, 1, 1]))
    blocks += sections
    if transversal:
        blocks.append(Heading("Obiettivi trasversali", 2))
        blocks.append(indicator_table(plan, results, [objectives[c] for c in transversal
                                                      if c in objectives], "trasversali"))
    return blocks


def indicator_table(plan: Plan, results: Results, objectives: list[OperationalObjective],
                    owner: str) -> Table:
    period = results.period
    interim = not period.year_end
    header = ["Obiettivo", "Indicatore", f"Target {plan.year}",
              f"Valore al {period.date:%d/%m}", "Raggiungimento"]
    widths = [1.5, 3.4, 1.0, 1.0, 1.5]
    if interim:
        header += ["Proiezione a fine anno", "Raggiungimento proiettato"]
        widths += [1.3, 1.5]
    header.append("Stato")
    widths.append(1.6)
    rows = []
    for op in objectives:
        achieved = percent(results.achievement(f"op:{op.code}"))
        for position, indicator in enumerate(plan.indicators.get(op.pk, [])):
            result = results.of(indicator)
            row = [f"{op.code} ({achieved})" if position == 0 else "", indicator.name,
                   target_of(indicator, plan.year)]
            row += [dash(result.display) if result else "—",
                    percent(result.achievement if result else None)]
            if interim:
                row += [projection(indicator, result, plan.year),
                        percent(result.projected_achievement if result else None)]
            row.append(state(result, interim))
            rows.append(row)
    return Table(header=header, rows=rows, caption=f"Indicatori — {owner}", widths=widths)


def projection(indicator: Indicator, result: IndicatorResult | None, year: int) -> str:
    """The year-end projection written like the target (a count, a percent, a date)."""
    if result is None or result.projection is None:
        return "—"
    row = indicator.target_for(year)
    try:
        target = parse_target(row.value, indicator.unit,
                              row.comparator or indicator.comparator) if row else None
    except ValueParseError:
        target = None
    number = result.projection
    if target is None:
        return format_number(number, 0 if abs(number) >= 100 else 1)
    if target.value.kind is Kind.NUMBER:  # as many decimals as the target: 40 → 32
        return format_number(number, target.value.decimals)
    if target.value.kind is Kind.PERCENT:
        return format_number(number * 100, 1) + "%"
    return format_value(typed_like(number, target.value))


def state(result: IndicatorResult | None, interim: bool) -> str:
    if result is None:
        return "—"
    if result.value is None:
        reason = result.error.strip()
        return f"Valore mancante ({reason})" if reason else "Valore mancante"
    if result.achievement is None:
        return "Non valutabile"
    if interim and result.at_risk:
        return "A rischio"
    if result.achievement >= 1:
        return "Target raggiunto"
    return "In linea con la proiezione" if interim else "Sotto il target"


def missing_section(missing: list[Any], day: Any) -> list[Block]:
    rows = [
        [d.office.name if d.office else "Senza ufficio assegnato", str(d.expected),
         str(d.entered), str(len(d.missing)), "; ".join(d.missing) or "—"]
        for d in missing
    ]
    return [
        Heading("Valori da inserire"),
        Paragraph(f"Per ciascun ufficio, i valori attesi per la rilevazione al "
                  f"{day:%d/%m/%Y}, quelli inseriti e quelli ancora mancanti."),
        Table(header=["Ufficio", "Attesi", "Inseriti", "Mancanti", "Valori mancanti"],
              rows=rows, caption="Valori da inserire per ufficio", sheet="Mancanti",
              widths=[3, 0.8, 0.8, 0.8, 5]),
    ]


registry.register(registry.Kind(
    "monitoraggio", "Monitoraggio — stato di avanzamento alla rilevazione", build))
