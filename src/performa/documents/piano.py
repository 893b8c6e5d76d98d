"""Piano della Performance — the Performance sub-section (2.2) of the PIAO.

Laid out as the Pistoia-Prato plan of 2022 (seed ``000_…``): the tree overview, one card per
operational objective (Codice, Titolo, Descrizione, Obiettivo strategico, Risorse economiche,
Area di responsabilità, Ufficio, then the indicator table with baseline, target and weight as
printed), the assignment table per Area and the incentive-fund shares. Everything is the plan
as adopted: no measured value appears here.
"""

from __future__ import annotations

from decimal import Decimal

from performa.engine.values import format_money
from performa.plans.models import OperationalObjective

from . import registry
from .model import Block, Cover, Document, Heading, KeyValues, Paragraph, Table
from .plan_data import Plan, load_plan, resolution_text, target_of

INTRODUCTION = (
    "Il Piano della Performance è il documento di programmazione triennale previsto "
    "dall'articolo 10 del decreto legislativo 27 ottobre 2009 n. 150 e costituisce la "
    "sottosezione 2.2 «Performance» del Piano Integrato di Attività e Organizzazione (PIAO, "
    "art. 6 del D.L. 80/2021). Nelle schede che seguono sono individuati gli obiettivi "
    "operativi riconducibili agli ambiti e agli obiettivi strategici, con i relativi "
    "indicatori, target e pesi."
)


def build(ctx: registry.Context) -> Document:
    plan = load_plan(ctx.version)
    version = ctx.version
    day = f"{version.resolution_date:%d/%m/%Y}" if version.resolution_date else ""
    doc = Document(
        kind="piano",
        cover=Cover(
            body=plan.body.name,
            title=f"Piano della Performance {plan.triennium}",
            subtitle="Sezione 2.2 Performance del PIAO",
            resolution=resolution_text(version), date=day,
        ),
    )
    doc.blocks += [Heading("Introduzione"), Paragraph(INTRODUCTION, "lead")]
    doc.blocks += tree_overview(plan)
    doc.blocks += cards(plan)
    doc.blocks += assignment_table(plan)
    doc.blocks += fund_section(plan)
    return doc


def tree_overview(plan: Plan) -> list[Block]:
    body = plan.body
    rows = []
    for area in plan.areas:
        for position, so in enumerate(plan.strategic.get(area.pk, [])):
            rows.append([
                f"{area.code} {area.title}" if position == 0 else "",
                so.code, so.title, str(len(plan.operational.get(so.pk, []))),
            ])
    return [
        Heading(f"L'albero della performance {plan.year}"),
        Paragraph(
            f"Partendo dagli ambiti strategici si definiscono gli obiettivi strategici e, per "
            f"ciascuno, gli obiettivi operativi (schede) a questi riconducibili: "
            f"{len(plan.areas)} ambiti, {len(plan.all_strategic())} obiettivi strategici, "
            f"{len(plan.all_operational())} obiettivi operativi."
        ),
        Table(
            header=[body.area_label, "Codice", body.strategic_label, "Obiettivi operativi"],
            rows=rows, caption=f"L'albero della performance {plan.year}", sheet="Albero",
            widths=[3, 0.8, 3, 1],
        ),
    ]


def cards(plan: Plan) -> list[Block]:
    body = plan.body
    blocks: list[Block] = []
    for area in plan.areas:
        blocks.append(Heading(f"{body.area_label}: {area.title}"))
        for so in plan.strategic.get(area.pk, []):
            blocks.append(Heading(f"{body.strategic_label} {so.code} - {so.title}", 2))
            for op in plan.operational.get(so.pk, []):
                blocks += card(plan, op)
    return blocks


def card(plan: Plan, op: OperationalObjective) -> list[Block]:
    so = op.strategic_objective
    pairs = [("Codice", op.code), ("Titolo", op.title)]
    if op.description.strip():
        pairs.append(("Descrizione", op.description.strip()))
    if op.expected_impact.strip():
        pairs.append(("Impatto atteso", op.expected_impact.strip()))
    pairs.append(("Obiettivo strategico (OS)", f"{so.code} - {so.title}"))
    resources = plan.resources_of(op)
    if resources:
        pairs.append(("Risorse economiche", resources))
    pairs.append(("Area di responsabilità", plan.area_of(op) or "—"))
    offices = plan.offices_of(op)
    if offices:
        pairs.append(("Ufficio", offices))
    year = plan.year
    rows = [
        [f"{i.name} {i.description}".strip(), i.kind, i.unit, i.baseline,
         target_of(i, year), i.weight_text]
        for i in plan.indicators.get(op.pk, [])
    ]
    return [
        Heading(f"{op.code} {op.title}", 3),
        KeyValues(pairs),
        Table(
            header=["Indicatori", "Tipologia", "UdM", f"Stato {year - 1}", f"Target {year}",
                    "Peso"],
            rows=rows, caption=f"Indicatori dell'obiettivo {op.code}", sheet=op.code,
            widths=[6, 1.4, 0.7, 1, 1.1, 0.8],
        ),
    ]


def assignment_table(plan: Plan) -> list[Block]:
    """The table of 000_…: each Area and the objectives it owns, the Area named once."""
    groups: dict[str, list[str]] = {}
    if plan.assignments:
        for row in plan.assignments:
            groups.setdefault(row.area.name, []).append(row.objective_title)
    else:  # a plan typed without the table: derive it from the cards
        for op in plan.all_operational():
            owner = op.area.name if op.area_id else "Trasversale"
            groups.setdefault(owner, []).append(op.title)
    rows = [
        [area if position == 0 else "", title]
        for area, titles in groups.items() for position, title in enumerate(titles)
    ]
    return [
        Heading("L'assegnazione degli obiettivi alle Aree organizzative"),
        Paragraph("Di seguito si riporta, in forma tabellare, l'assegnazione degli obiettivi "
                  "alle Aree organizzative."),
        Table(header=["Area di Responsabilità", "Obiettivo"], rows=rows,
              caption="Assegnazione degli obiettivi alle Aree", sheet="Assegnazione",
              widths=[2, 5]),
    ]


def fund_section(plan: Plan) -> list[Block]:
    """The objective share of the *risorse decentrate*, per strategic objective."""
    if plan.fund is None:
        return []
    body = plan.body
    blocks: list[Block] = [Heading("Le risorse destinate al conseguimento degli obiettivi")]
    blocks += [Paragraph(line.strip()) for line in plan.fund.description.splitlines()
               if line.strip()]
    rows = [
        [f"{s.strategic_objective.code} {s.strategic_objective.title}",
         s.strategic_objective.area.title, format_money(s.amount)]
        for s in plan.shares
    ]
    assigned = sum((s.amount for s in plan.shares), Decimal(0))
    rows.append(["Totale", "", format_money(assigned)])
    blocks.append(Table(
        header=[body.strategic_label, body.area_label, "Importo"], rows=rows,
        caption="Quota del fondo per obiettivo strategico", sheet="Fondo",
        total_rows=[len(rows) - 1], widths=[4, 3, 1.3],
    ))
    if assigned != plan.fund.total:
        blocks.append(Paragraph(
            f"Il fondo indicato nel piano è di {format_money(plan.fund.total)}; le quote assegnate "
            f"agli obiettivi sommano {format_money(assigned)} (differenza di "
            f"{format_money(abs(plan.fund.total - assigned))}, dovuta alla ripartizione in quote "
            "arrotondate al centesimo).", "note"))
    if not plan.fund.description.strip():
        blocks.append(Paragraph(
            "L'effettiva quantificazione delle risorse è fatta a consuntivo sulla base della "
            "percentuale di raggiungimento degli obiettivi, come risultante dalla Relazione "
            f"sulla Performance {plan.year} validata dall'Organismo Indipendente di "
            "Valutazione.", "note"))
    return blocks


KIND = registry.register(registry.Kind(
    "piano", "Piano della Performance (PIAO, sezione 2.2)", build))
