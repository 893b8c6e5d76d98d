"""Relazione sulla Performance (D.Lgs. 150/2009, art. 10; Funzione Pubblica guideline 3/2018).

The outline of the guideline: 1 presentation and main results; 2 context and resources;
3 organisational performance (the body, each strategic area, strategic and operational
objective, organisational unit and indicator); 4 every deviation with its explanation;
5 the incentive-fund outcome, objective by objective with its formula; 6 the measurement
process (periods and when they were validated); 7 the OIV validation. All figures are the
stored results of the period, formatted as the dashboard shows them, so the body's «86%»
here is the one on the screen.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.utils import timezone

from performa.engine.values import format_money, format_number, format_percent
from performa.measures.fund import fund_outcome
from performa.measures.models import NodeResult, Period, ResourceUse
from performa.plans.models import Cycle, OperationalObjective

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
    resolution_text,
    target_of,
)

ORGANISATION = NodeResult.Tree.ORGANISATION
BLANK = "____________________"


def build(ctx: registry.Context) -> Document:
    period = require_period(ctx.period, "Relazione sulla Performance", ctx.cycle)
    results = require_results(period)
    plan = load_plan(results.result_set.version)
    doc = Document(kind="relazione", demo=period.demo, cover=Cover(
        body=plan.body.name, title=f"Relazione sulla Performance {plan.year}",
        subtitle="D.Lgs. 150/2009, art. 10, comma 1, lettera b)",
        date=f"{period.date:%d/%m/%Y}",
    ))
    validated = validation_dates(ctx.cycle)
    doc.blocks += presentation(plan, results)
    doc.blocks += context(plan, results)
    doc.blocks += organisational(plan, results)
    doc.blocks += deviations(plan, results)
    doc.blocks += fund(plan, period)
    doc.blocks += process(plan, validated)
    doc.blocks += validation(period, validated.get(period.pk))
    return doc


def validation_dates(cycle: Cycle) -> dict[int, date]:
    """When each validated period was last validated, read from its history."""
    found: dict[int, date] = {}
    rows = Period.history.filter(cycle_id=cycle.pk,
                                 state=Period.State.VALIDATED).order_by("history_date")
    for period_id, when in rows.values_list("id", "history_date"):
        found[period_id] = timezone.localdate(when)
    return found


def presentation(plan: Plan, results: Results) -> list[Block]:
    period = results.period
    body_achievement = percent(results.achievement("body"))
    indicators = plan.all_indicators()
    found = [results.of(i) for i in indicators]
    assessed = [r for r in found if r is not None and r.achievement is not None]
    reached = sum(1 for r in assessed if r.achievement >= 1)
    objectives = plan.all_operational()
    fully = sum(1 for op in objectives
                if (a := results.achievement(f"op:{op.code}")) is not None and a >= 1)
    adopted = resolution_text(plan.version)
    blocks: list[Block] = [Heading("1. Presentazione e principali risultati")]
    blocks.append(Paragraph(
        f"La Relazione sulla Performance {plan.year} rendiconta i risultati organizzativi "
        f"raggiunti rispetto agli obiettivi, agli indicatori e ai target del Piano della "
        f"Performance {plan.triennium}" + (f" ({adopted})" if adopted else "") + ". "
        f"Al {period.date:%d/%m/%Y} il grado di raggiungimento complessivo degli obiettivi "
        f"dell'ente è pari al {body_achievement}.", "lead"))
    if not period.year_end:
        blocks.append(Paragraph(
            f"Risultati provvisori alla rilevazione del {period.date:%d/%m/%Y}: la Relazione "
            f"definitiva si basa sui valori al 31/12/{plan.year}.", "note"))
    pairs = [
        ("Grado di raggiungimento dell'ente", body_achievement),
        ("Obiettivi operativi", f"{len(objectives)}, di cui {fully} pienamente raggiunti"),
        ("Indicatori valutati", f"{len(assessed)} su {len(indicators)}"),
        ("Indicatori che raggiungono il target", str(reached)),
        ("Indicatori sotto il target", str(len(assessed) - reached)),
    ]
    blocks.append(KeyValues(pairs))
    return blocks


def context(plan: Plan, results: Results) -> list[Block]:
    units = plan.units
    areas = [u for u in units if u.kind == u.Kind.AREA]
    rows = []
    known = [u.fte for u in units if u.fte is not None]
    for area in areas:
        offices = [u for u in units if u.parent_id == area.pk]
        staff = [u.fte for u in (area, *offices) if u.fte is not None]
        rows.append([area.name, "", format_fte(sum(staff, Decimal(0))) if staff else "—"])
        rows += [["", office.name, dash(format_fte(office.fte))] for office in offices]
    rows.append(["Totale", "", format_fte(sum(known, Decimal(0))) if known else "n.d."])
    blocks: list[Block] = [
        Heading("2. Il contesto e le risorse"),
        Heading("2.1 L'organizzazione", 2),
        Paragraph(f"L'ente è articolato in {len(areas)} Aree e "
                  f"{sum(1 for u in units if u.kind == u.Kind.OFFICE)} uffici."
                  + ("" if known else " Il personale assegnato alle unità (FTE) non è "
                     "ancora registrato.")),
        Table(header=["Area", "Ufficio", "FTE"], rows=rows, caption="Aree, uffici e personale",
              sheet="Organizzazione", total_rows=[len(rows) - 1], widths=[3, 4, 0.8]),
        Heading("2.2 Le risorse economiche", 2),
    ]
    used = {u.objective.code: u.used for u in
            ResourceUse.objects.filter(period=results.period).select_related("objective")}
    rows = []
    total_budget = total_used = Decimal(0)
    for area in plan.areas:
        budget = spent = Decimal(0)
        for so in plan.strategic.get(area.pk, []):
            for op in plan.operational.get(so.pk, []):
                if op.resources_amount is not None:
                    budget += op.resources_amount
                    spent += used.get(op.code, Decimal(0))
        total_budget += budget
        total_used += spent
        rows.append([f"{area.code} {area.title}", format_money(budget), format_money(spent),
                     share(spent, budget)])
    rows.append(["Totale", format_money(total_budget), format_money(total_used),
                 share(total_used, total_budget)])
    blocks.append(Table(
        header=[plan.body.area_label, "Risorse stanziate", "Risorse utilizzate",
                "Grado di utilizzo"],
        rows=rows, caption=f"Risorse economiche al {results.period.date:%d/%m/%Y}",
        sheet="Risorse", total_rows=[len(rows) - 1], widths=[5, 1.5, 1.5, 1.2]))
    return blocks


def format_fte(value: Decimal | None) -> str:
    return "" if value is None else format_number(float(value), 2)


def share(part: Decimal, whole: Decimal) -> str:
    return percent(float(part / whole)) if whole else "n.d."


def organisational(plan: Plan, results: Results) -> list[Block]:
    body = plan.body
    node = results.node("body")
    blocks: list[Block] = [
        Heading("3. La performance organizzativa"),
        Heading("3.1 La performance dell'ente", 2),
        Paragraph(f"Grado di raggiungimento complessivo dell'ente: "
                  f"{percent(results.achievement('body'))}."),
    ]
    if node is not None and node.explanation.get("text"):
        blocks.append(Paragraph(f"Calcolo: {node.explanation['text']}.", "note"))
    blocks += [
        Heading(f"3.2 I risultati per {body.area_label.lower()}", 2),
        Table(header=[body.area_label, "Raggiungimento"],
              rows=[[f"{a.code} {a.title}", percent(results.achievement(f"area:{a.code}"))]
                    for a in plan.areas],
              caption=f"Raggiungimento per {body.area_label.lower()}", sheet="Ambiti",
              widths=[5, 1.3]),
        Heading(f"3.3 I risultati per {body.strategic_label.lower()}", 2),
        Table(header=["Codice", body.strategic_label, "Raggiungimento"],
              rows=[[so.code, so.title, percent(results.achievement(f"so:{so.code}"))]
                    for so in plan.all_strategic()],
              caption=f"Raggiungimento per {body.strategic_label.lower()}",
              sheet="Obiettivi strategici", widths=[0.8, 5, 1.3]),
        Heading(f"3.4 I risultati per {body.operational_label.lower()}", 2),
        Table(header=["Codice", body.operational_label, "Area di responsabilità",
                      "Indicatori valutati", "Raggiungimento"],
              rows=[operational_row(plan, results, op) for op in plan.all_operational()],
              caption=f"Raggiungimento per {body.operational_label.lower()}",
              sheet="Obiettivi operativi", widths=[1, 4, 2.2, 1.1, 1.2]),
        Heading("3.5 I risultati per struttura organizzativa", 2),
        Table(header=["Area", "Ufficio", "Raggiungimento"], rows=unit_rows(results),
              caption="Raggiungimento per Area e Ufficio", sheet="Strutture",
              widths=[3, 4, 1.2]),
        Heading("3.6 I risultati per indicatore", 2),
        Table(header=["Obiettivo", "Indicatore", "UdM", f"Target {plan.year}", "Valore",
                      "Raggiungimento", "Peso"],
              rows=indicator_rows(plan, results), caption="Risultati degli indicatori",
              sheet="Indicatori", widths=[1, 4.5, 0.7, 1.1, 1.1, 1.2, 0.8]),
    ]
    return blocks


def operational_row(plan: Plan, results: Results, op: OperationalObjective) -> list[str]:
    indicators = plan.indicators.get(op.pk, [])
    assessed = sum(1 for i in indicators
                   if (r := results.of(i)) is not None and r.achievement is not None)
    return [op.code, op.title, dash(plan.area_of(op)), f"{assessed} su {len(indicators)}",
            percent(results.achievement(f"op:{op.code}"))]


def unit_rows(results: Results) -> list[list[str]]:
    root = results.node("organisation", ORGANISATION)
    rows = []
    for part in root.explanation.get("parts", []) if root else []:
        area = results.node(part["key"], ORGANISATION)
        if area is None:
            continue
        rows.append([area.label, "", percent(area.achievement)])
        for child in area.explanation.get("parts", []):
            office = results.node(child["key"], ORGANISATION)
            if office is not None:
                rows.append(["", office.label, percent(office.achievement)])
    return rows


def indicator_rows(plan: Plan, results: Results) -> list[list[str]]:
    rows = []
    for op in plan.all_operational():
        for position, indicator in enumerate(plan.indicators.get(op.pk, [])):
            result = results.of(indicator)
            rows.append([
                op.code if position == 0 else "", indicator.name, dash(indicator.unit),
                target_of(indicator, plan.year), dash(result.display) if result else "—",
                percent(result.achievement if result else None), dash(indicator.weight_text),
            ])
    return rows


def deviations(plan: Plan, results: Results) -> list[Block]:
    below, left_out = [], []
    for op in plan.all_operational():
        for indicator in plan.indicators.get(op.pk, []):
            result = results.of(indicator)
            if result is None:
                continue
            if result.achievement is None:
                left_out.append([op.code, indicator.name, dash(result.error)])
            elif result.achievement < 1:
                below.append([op.code, indicator.name, target_of(indicator, plan.year),
                              dash(result.display), percent(result.achievement),
                              results.deviation(indicator)])
    blocks: list[Block] = [
        Heading("4. Gli scostamenti e le loro motivazioni"),
        Paragraph(f"{len(below)} indicatori non raggiungono il target alla rilevazione del "
                  f"{results.period.date:%d/%m/%Y}; per ciascuno si riporta la motivazione "
                  "dello scostamento fornita dal responsabile."),
        Table(header=["Obiettivo", "Indicatore", "Target", "Valore", "Raggiungimento",
                      "Motivazione dello scostamento"],
              rows=below, caption="Indicatori sotto il target", sheet="Scostamenti",
              widths=[1, 3.5, 1, 1, 1.2, 4]),
    ]
    if left_out:
        blocks += [
            Paragraph(f"{len(left_out)} indicatori non sono stati valutati: sono esclusi dal "
                      "calcolo e i pesi degli altri indicatori dell'obiettivo sono "
                      "ridistribuiti."),
            Table(header=["Obiettivo", "Indicatore", "Motivo"], rows=left_out,
                  caption="Indicatori non valutati", sheet="Non valutati", widths=[1, 4, 4]),
        ]
    return blocks


def fund(plan: Plan, period: Period) -> list[Block]:
    blocks: list[Block] = [Heading("5. Il fondo per il conseguimento degli obiettivi")]
    outcome = fund_outcome(period)
    if outcome is None:
        return [*blocks, Paragraph("Il piano non destina risorse del fondo agli obiettivi.")]
    blocks.append(Paragraph(
        "La quota delle risorse decentrate destinata agli obiettivi è erogabile in proporzione "
        "al grado di raggiungimento di ciascun obiettivo strategico, come previsto dal Sistema "
        "di misurazione e valutazione della performance; l'erogazione segue la validazione "
        "della Relazione da parte dell'OIV."))
    # One decimal here, as in the formula beside it: «79,5%», not «80%» next to «× 79,5%».
    rows = [[line.label, format_money(line.amount), format_percent(line.achievement, 1),
             line.formula, format_money(line.payable)] for line in outcome.lines]
    rows.append(["Totale", format_money(outcome.total), "", "", format_money(outcome.payable)])
    blocks.append(Table(
        header=[plan.body.strategic_label, "Importo", "Raggiungimento", "Calcolo",
                "Importo erogabile"],
        rows=rows, caption="Esito del fondo per obiettivo strategico", sheet="Fondo",
        total_rows=[len(rows) - 1], widths=[3.2, 1.3, 1.5, 3.5, 1.4]))
    rows = [[f"{code} {title}", format_money(amount), format_money(payable)]
            for code, (title, amount, payable) in outcome.by_area.items()]
    rows.append(["Totale", format_money(outcome.total), format_money(outcome.payable)])
    blocks.append(Table(
        header=[plan.body.area_label, "Importo", "Importo erogabile"], rows=rows,
        caption=f"Esito del fondo per {plan.body.area_label.lower()}", sheet="Fondo per ambito",
        total_rows=[len(rows) - 1], widths=[5, 1.4, 1.4]))
    return blocks


def process(plan: Plan, validated: dict[int, date]) -> list[Block]:
    periods = list(Period.objects.filter(cycle=plan.cycle).order_by("date"))
    rows = [[p.label or f"{p.date:%d/%m}", f"{p.date:%d/%m/%Y}", p.get_state_display(),
             f"{p.deadline:%d/%m/%Y}" if p.deadline else "—",
             f"{validated[p.pk]:%d/%m/%Y}" if p.pk in validated
             and p.state == Period.State.VALIDATED else "—"]
            for p in periods]
    return [
        Heading("6. Il processo di misurazione e valutazione"),
        Paragraph(
            "I valori sono rilevati dagli uffici alle date di monitoraggio stabilite dal "
            "controllo di gestione; il grado di raggiungimento di ciascun indicatore, "
            "obiettivo, area ed ente è calcolato secondo le regole del Sistema di "
            "misurazione e valutazione della performance (SMVP) e i risultati di ogni "
            "rilevazione sono validati dall'Organismo Indipendente di Valutazione."),
        Table(header=["Rilevazione", "Data", "Stato", "Scadenza inserimento dati",
                      "Validata il"], rows=rows, caption="Le rilevazioni dell'anno",
              sheet="Rilevazioni", widths=[1.2, 1.2, 1.2, 1.6, 1.2]),
    ]


def validation(period: Period, validated: date | None) -> list[Block]:
    blocks: list[Block] = [Heading("7. La validazione dell'OIV")]
    if period.state == Period.State.VALIDATED and validated is not None:
        return [*blocks, Paragraph(
            f"Validata dall'OIV il {validated:%d/%m/%Y}.")]
    return [
        *blocks,
        Paragraph("La Relazione è sottoposta alla validazione dell'Organismo Indipendente di "
                  "Valutazione (art. 14, comma 4, lettera c, D.Lgs. 150/2009)."),
        Paragraph(f"Validata dall'OIV il {BLANK}"),
        Paragraph(f"Firma {BLANK}"),
    ]


registry.register(registry.Kind("relazione", "Relazione sulla Performance", build))
