"""Relazione Previsionale e Programmatica — the resource tables (Lucca layout of ``002_…``).

Per strategic area, strategic objective, project (operational objective) and action: costs,
revenues, contributions and investments, split institutional / commercial, with the cost
centre; subtotals per objective and per area, the grand total, and a summary per area as
the RPP opens with. Sums are Decimals to the cent, so every total is exactly the sum of the
rows printed above it.

A plan typed without actions (the Pistoia-Prato demo) still has the resources of each card:
then the card's amount is shown as institutional costs of the project, and a note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from performa.engine.values import format_money
from performa.plans.models import Action, OperationalObjective

from . import registry
from .model import Block, Cover, Document, Heading, Paragraph, Table
from .plan_data import Plan, dash, load_plan, resolution_text

INSTITUTIONAL = Action.Activity.INSTITUTIONAL
COMMERCIAL = Action.Activity.COMMERCIAL
ACTIVITY_LABEL = {INSTITUTIONAL: "Istituzionale", COMMERCIAL: "Commerciale"}
FIGURES = ("Oneri", "Ricavi", "Contributi", "Investimenti")
HEADER = ["Codice", "Progetto / azione", "Centro di costo", "Attività", *FIGURES]
WIDTHS = [1.3, 3.1, 1.0, 1.5, 1.7, 1.4, 1.5, 1.6]


@dataclass(frozen=True)
class Money:
    """The four figures of a budget line, added up exactly."""

    costs: Decimal = Decimal(0)
    revenues: Decimal = Decimal(0)
    contributions: Decimal = Decimal(0)
    investments: Decimal = Decimal(0)

    def __add__(self, other: Money) -> Money:
        return Money(self.costs + other.costs, self.revenues + other.revenues,
                     self.contributions + other.contributions,
                     self.investments + other.investments)

    def cells(self) -> list[str]:
        return [format_money(self.costs), format_money(self.revenues),
                format_money(self.contributions), format_money(self.investments)]


@dataclass
class Line:
    code: str
    label: str
    cost_centre: str
    activity: str
    money: Money


@dataclass
class Totals:
    """Running totals per activity (institutional / commercial)."""

    by_activity: dict[str, Money]

    @classmethod
    def empty(cls) -> Totals:
        return cls({INSTITUTIONAL: Money(), COMMERCIAL: Money()})

    def add(self, activity: str, money: Money) -> None:
        self.by_activity[activity] = self.by_activity[activity] + money

    def merge(self, other: Totals) -> None:
        for activity, money in other.by_activity.items():
            self.add(activity, money)

    @property
    def total(self) -> Money:
        return self.by_activity[INSTITUTIONAL] + self.by_activity[COMMERCIAL]


def lines_of(plan: Plan, op: OperationalObjective) -> tuple[list[Line], bool]:
    """The budget lines of a project, and whether they come from the card's amount."""
    actions = plan.actions.get(op.pk, [])
    if actions:
        return [
            Line(a.code, a.title,
                 f"{a.cost_centre.code} {a.cost_centre.name}" if a.cost_centre else "—",
                 a.activity, Money(a.costs, a.revenues, a.contributions, a.investments))
            for a in actions
        ], False
    if op.resources_amount is not None:
        return [Line(op.code, op.title, "—", INSTITUTIONAL,
                     Money(costs=op.resources_amount))], True
    return [], False


def build(ctx: registry.Context) -> Document:
    plan = load_plan(ctx.version)
    year = plan.year
    doc = Document(kind="rpp", cover=Cover(
        body=plan.body.name, title=f"Relazione Previsionale e Programmatica {year}",
        subtitle=f"Le risorse per area strategica, obiettivo strategico e progetto ({year})",
    ))
    adopted = resolution_text(plan.version)
    doc.blocks.append(Heading(f"Le risorse {year}"))
    doc.blocks.append(Paragraph(
        f"Le tabelle riportano, per ciascun {plan.body.area_label.lower()}, obiettivo "
        "strategico e progetto, gli oneri, i ricavi, i contributi e gli investimenti previsti "
        f"per il {year}, distinti tra attività istituzionale e commerciale"
        + (f", secondo il Piano della Performance {plan.triennium} ({adopted})." if adopted
           else ".")))
    grand = Totals.empty()
    area_rows: list[tuple[str, Totals]] = []
    sections: list[Block] = []
    fallback = internal = 0
    for area in plan.areas:
        table = Table(header=list(HEADER), rows=[], caption=f"{area.code} {area.title}",
                      sheet=f"Area {area.code}", widths=list(WIDTHS))
        area_total = Totals.empty()
        for so in plan.strategic.get(area.pk, []):
            table.rows.append([so.code, so.title, "", "", "", "", "", ""])
            so_total = Totals.empty()
            for op in plan.operational.get(so.pk, []):
                lines, from_card = lines_of(plan, op)
                fallback += from_card
                if not lines:
                    internal += 1
                    continue
                if not from_card:  # the project heads its actions
                    table.rows.append([op.code, op.title, "", "", "", "", "", ""])
                for line in lines:
                    table.rows.append([line.code, line.label, line.cost_centre,
                                       ACTIVITY_LABEL[line.activity], *line.money.cells()])
                    so_total.add(line.activity, line.money)
            table.rows.append([
                "", f"Totale {plan.body.strategic_label.lower()} {so.code}", "", "",
                *so_total.total.cells()])
            table.total_rows.append(len(table.rows) - 1)
            area_total.merge(so_total)
        table.rows += total_rows(f"Totale {plan.body.area_label.lower()} {area.code}",
                                 area_total)
        table.total_rows += [len(table.rows) - 3, len(table.rows) - 2, len(table.rows) - 1]
        sections += [Heading(f"{plan.body.area_label} {area.code}: {area.title}", 2), table]
        area_rows.append((f"{area.code} {area.title}", area_total))
        grand.merge(area_total)
    doc.blocks += summary(plan, area_rows, grand)
    notes = []
    if fallback:
        notes.append(
            f"Per {fallback} progetti il piano non indica le azioni con il dettaglio di "
            "bilancio: come oneri dell'attività istituzionale si riportano le risorse "
            "economiche indicate nella scheda dell'obiettivo operativo; ricavi, contributi e "
            "investimenti non sono indicati.")
    if internal:
        notes.append(f"{internal} progetti sono realizzati con risorse interne, senza oneri "
                     "esterni specifici, e non compaiono nelle tabelle.")
    doc.blocks += [Paragraph(text, "note") for text in notes]
    doc.blocks.append(Heading("Le risorse per area strategica, obiettivo e progetto"))
    doc.blocks += sections
    return doc


def total_rows(label: str, totals: Totals) -> list[list[str]]:
    """The area total, then its institutional and commercial parts."""
    return [
        ["", label, "", "", *totals.total.cells()],
        ["", f"{label} — di cui istituzionale", "", "Istituzionale",
         *totals.by_activity[INSTITUTIONAL].cells()],
        ["", f"{label} — di cui commerciale", "", "Commerciale",
         *totals.by_activity[COMMERCIAL].cells()],
    ]


def summary(plan: Plan, area_rows: list[tuple[str, Totals]], grand: Totals) -> list[Block]:
    """The opening table of the Lucca RPP: each area, then the total budget."""
    rows = [[dash(label), *totals.total.cells()] for label, totals in area_rows]
    rows += [
        ["Totale istituzionale", *grand.by_activity[INSTITUTIONAL].cells()],
        ["Totale commerciale", *grand.by_activity[COMMERCIAL].cells()],
        ["Totale generale", *grand.total.cells()],
    ]
    count = len(rows)
    return [
        Heading(f"Riepilogo per {plan.body.area_label.lower()}", 2),
        Table(header=[plan.body.area_label, *FIGURES], rows=rows,
              caption=f"Totale budget {plan.year}", sheet="Riepilogo",
              total_rows=[count - 3, count - 2, count - 1], widths=[5, 1.4, 1.4, 1.4, 1.4]),
    ]


registry.register(registry.Kind(
    "rpp", "Relazione Previsionale e Programmatica — tabelle delle risorse", build))
