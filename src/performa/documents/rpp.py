"""Relazione Previsionale e Programmatica — the year's programme as the RPP lays it out (``002_…``).

For the body (and, for a body born of a merger, for each predecessor in turn: Toscana
Nord-Ovest presents Lucca, Massa-Carrara and Pisa, each with its own plan): the budget of the
year per Area and per mission and programme; each Area with its strategic objectives and
their project cards — office, cost centre, description, expected results and benefits — with
the actions and their oneri, ricavi, contributi and investimenti; then the budget of the
triennium (conto economico by year, investments, balance sheet…) and the financial-health
indices with the amounts they read.

Nothing is added up here: the totals of project, strategic objective, Area, programme and
mission are ``plans.money.money_totals`` (the card page shows the same), the budget tables and
indices ``budget.reading.budget_overview``. A plan that gives no actions with money (the
Pistoia-Prato Piano, Pisa's and Massa-Carrara's programmes) prints the resources each card
or programme states, and no table of zeros.
"""

from __future__ import annotations

from performa.budget.reading import budget_overview
from performa.catalog.models import Mission, Programme
from performa.engine.values import format_money
from performa.plans.models import Action, OperationalObjective, StrategicArea, StrategicObjective
from performa.plans.money import Money

from . import registry
from .budget_blocks import budget_chapter
from .model import Block, Cover, Document, Heading, KeyValues, Paragraph, Table
from .plan_data import (
    Plan,
    dash,
    legacy_versions,
    load_plan,
    money_cells,
    money_text,
    resolution_text,
    target_of,
)
from .render import short_body_name

FIGURES = ["Oneri", "Ricavi", "Contributi", "Investimenti"]
FIGURE_WIDTHS = [1.45, 1.45, 1.45, 1.45]
ACTION_HEADER = ["Codice", "Azione", "Centro di costo", "Ufficio responsabile", "Attività",
                 *FIGURES]
ACTION_WIDTHS = [1.1, 3.0, 1.9, 1.9, 1.1, *FIGURE_WIDTHS]
ACTIVITY_LABEL = {Action.Activity.INSTITUTIONAL: "Istituzionale",
                  Action.Activity.COMMERCIAL: "Commerciale"}
NO_MISSION = "Missione non indicata"
NO_PROGRAMME = "Programma non indicato"


def build(ctx: registry.Context) -> Document:
    plan = load_plan(ctx.version)
    parts = [load_plan(version) for version in legacy_versions(ctx.version)]
    year = plan.year
    doc = Document(kind="rpp", landscape=True, cover=Cover(
        body=plan.body.name, title=f"Relazione Previsionale e Programmatica {year}",
        subtitle="I programmi, i progetti e le risorse dell'anno; il bilancio del triennio e "
                 "gli indici di salute economico-finanziaria",
        resolution=resolution_text(plan.version),
    ))
    doc.blocks += premise(plan, parts)
    if not parts:
        doc.blocks += programme_part(plan, None)
        return doc
    if plan.areas:  # the merged body's own programme, if it has one besides its parts'
        doc.blocks += programme_part(plan, plan.body.name)
    for part in parts:
        doc.blocks += programme_part(part, part.body.name)
    return doc


def premise(plan: Plan, parts: list[Plan]) -> list[Block]:
    blocks: list[Block] = [Heading("Premessa"), Paragraph(
        f"La Relazione Previsionale e Programmatica {plan.year} (art. 5 del D.P.R. 254/2005) "
        "illustra i programmi che l'ente intende attuare nell'anno, i progetti e le azioni con "
        "cui li realizza e le risorse che vi destina — oneri, ricavi, contributi e "
        f"investimenti — in coerenza con il bilancio del triennio {plan.triennium}.")]
    adopted = resolution_text(plan.version)
    if adopted:
        blocks.append(Paragraph(f"Approvata con {adopted[0].lower()}{adopted[1:]}."))
    if parts:
        names = [part.body.name for part in parts]
        listed = ", ".join(names[:-1]) + " e " + names[-1] if len(names) > 1 else names[0]
        name = plan.body.name
        subject = (f"La {name} è nata" if name.casefold().startswith("camera")
                   else f"{name} è nato")
        blocks.append(Paragraph(
            f"{subject} dall'accorpamento di {listed}. La relazione presenta "
            f"in successione la programmazione {plan.year} di ciascuna camera di origine, con "
            "il suo albero degli obiettivi, i progetti e le risorse, e il suo bilancio."))
    return blocks


def programme_part(plan: Plan, title: str | None) -> list[Block]:
    """One body's programme: under its own chapter heading for a part of a merged body
    (``title``), else as the document's chapters."""
    top = 1 if title is None else 2
    prefix = "" if title is None else f"{short_body_name(plan.body.name)} "
    blocks: list[Block] = []
    if title is not None:
        blocks.append(Heading(title, 1))
        adopted = resolution_text(plan.version)
        if adopted:
            blocks.append(Paragraph(f"Relazione Previsionale e Programmatica {plan.year}: "
                                    f"{adopted}."))
    blocks.append(Heading(f"Le risorse {plan.year}", top))
    blocks += summary(plan, prefix)
    for area in plan.areas:
        blocks += area_section(plan, area, prefix)
    blocks += budget_chapter(budget_overview(plan.body), plan.body.name, top, prefix)
    return blocks


def summary(plan: Plan, prefix: str) -> list[Block]:
    """The opening tables: the year's money per Area and per mission and programme."""
    area_label = plan.body.area_label
    if not plan.has_actions:
        return [Paragraph(
            f"Il piano non indica le azioni con oneri, ricavi, contributi e investimenti: per "
            f"ciascun {plan.body.strategic_label.lower()} e "
            f"{plan.body.operational_label.lower()} si riportano le risorse economiche "
            "indicate nella sua scheda, quando le indica.", "note"),
            *stated_resources(plan, prefix)]
    money = plan.money
    rows = [[f"{area.code} {area.title}", *money_cells(money.of_area(area.code))]
            for area in plan.areas]
    rows.append(["Totale", *money_cells(money.total)])
    return [
        Paragraph(
            f"Oneri, ricavi, contributi e investimenti previsti per il {plan.year}, come somma "
            f"delle azioni dei progetti, per {area_label.lower()} e per missione e programma "
            "di spesa."),
        Table(header=[area_label, *FIGURES], rows=rows,
              caption=f"Il budget {plan.year} per {area_label.lower()}",
              sheet=f"{prefix}Riepilogo", total_rows=[len(rows) - 1],
              widths=[5.0, *FIGURE_WIDTHS]),
        by_mission(plan, prefix),
    ]


def stated_resources(plan: Plan, prefix: str) -> list[Block]:
    """For a plan without actions, the resources its cards state, one row per objective that
    states any (as written: an amount, or words such as «Risorse interne»); no sum is made."""
    rows = []
    for so in plan.all_strategic():
        stated = strategic_resources(plan, so).strip()
        if stated:
            rows.append([so.code, f"{plan.body.strategic_label}: {so.title}", stated])
        for op in plan.operational.get(so.pk, []):
            if stated := plan.resources_of(op):
                rows.append([op.code, op.title, stated])
    if not rows:
        return []
    return [Table(header=["Codice", "Obiettivo", "Risorse economiche"], rows=rows,
                  caption=f"Le risorse {plan.year} indicate nelle schede",
                  sheet=f"{prefix}Risorse", widths=[1.2, 7.0, 2.2])]


def by_mission(plan: Plan, prefix: str) -> Table:
    money = plan.money
    missions = dict(Mission.objects.values_list("code", "name"))
    programmes = {(m, p): name for m, p, name in Programme.objects.values_list(
        "mission__code", "code", "name")}
    rows: list[list[str]] = []
    totals: list[int] = []
    for mission in sorted(money.mission, key=lambda code: (code == "", code)):
        label = f"{mission} {missions.get(mission, '')}".strip() if mission else NO_MISSION
        totals.append(len(rows))
        rows.append([label, *money_cells(money.of_mission(mission))])
        for key in sorted((k for k in money.programme if k[0] == mission),
                          key=lambda k: (k[1] == "", k[1])):
            code = key[1]
            name = (f"{mission}.{code} {programmes.get(key, '')}".strip() if code
                    else NO_PROGRAMME)
            rows.append([f"— {name}", *money_cells(money.of_programme(*key))])
    return Table(header=["Missione / programma", *FIGURES], rows=rows,
                 caption=f"Il budget {plan.year} per missione e programma",
                 sheet=f"{prefix}Missioni", total_rows=totals, widths=[5.0, *FIGURE_WIDTHS])


def area_section(plan: Plan, area: StrategicArea, prefix: str) -> list[Block]:
    code = area.code
    objectives = plan.strategic.get(area.pk, [])
    blocks: list[Block] = [Heading(f"{plan.body.area_label} {code}: {area.title}", 2)]
    if plan.has_actions:
        rows = [[f"{so.code} {so.title}", *money_cells(plan.money.of_strategic(so.code))]
                for so in objectives]
        rows.append([f"Totale {plan.body.area_label.lower()} {code}",
                     *money_cells(plan.money.of_area(code))])
        blocks.append(Table(
            header=[plan.body.strategic_label, *FIGURES], rows=rows,
            caption=f"Risorse {plan.year} per {plan.body.strategic_label.lower()}",
            sheet=f"{prefix}Area {code}", total_rows=[len(rows) - 1],
            widths=[5.0, *FIGURE_WIDTHS]))
    for so in objectives:
        blocks += strategic_section(plan, so, prefix)
    return blocks


def strategic_section(plan: Plan, so: StrategicObjective, prefix: str) -> list[Block]:
    blocks: list[Block] = [Heading(f"{plan.body.strategic_label} {so.code}: {so.title}", 3)]
    if so.description.strip():
        blocks.append(Paragraph(so.description.strip()))
    pairs = [(label, text.strip()) for label, text in (
        ("Portatori d'interesse", so.stakeholders), ("Benefici attesi", so.benefits),
        ("Risorse economiche", strategic_resources(plan, so))) if text.strip()]
    if pairs:
        blocks.append(KeyValues(pairs))
    operational = plan.operational.get(so.pk, [])
    for op in operational:
        blocks += project_card(plan, op, prefix)
    return blocks


def strategic_resources(plan: Plan, so: StrategicObjective) -> str:
    """The actions' total under the objective, else the amount or words its card states."""
    if plan.has_actions:
        return money_text(plan.money.of_strategic(so.code))
    if so.resources_amount is not None:
        return format_money(so.resources_amount)
    return str(so.resources)


def project_card(plan: Plan, op: OperationalObjective, prefix: str) -> list[Block]:
    """The project as the RPP's card prints it, then its actions with their money."""
    actions = plan.actions.get(op.pk, [])
    centres = list(dict.fromkeys(str(a.cost_centre) for a in actions if a.cost_centre))
    indicators = plan.indicators.get(op.pk, [])
    targets = "\n".join(
        f"{indicator.name}: {target}" if (target := target_of(indicator, plan.year)) != "—"
        else indicator.name for indicator in indicators)
    resources = (money_text(plan.money.of_operational(op.code)) if actions
                 else plan.resources_of(op))
    pairs = [(label, text.strip()) for label, text in (
        (plan.body.operational_label, f"{op.code} {op.title}"),
        ("Ufficio responsabile", plan.offices_of(op)),
        ("Centro di costo", ", ".join(centres)),
        ("Descrizione", op.description),
        ("Target / risultato atteso", targets),
        ("Benefici attesi", op.expected_impact),
        ("Risorse economiche", resources),
    ) if text.strip()]
    blocks: list[Block] = [KeyValues(pairs)]
    if actions:
        rows = [[a.code, a.title, dash(str(a.cost_centre or "")),
                 dash(a.office.name if a.office else ""), ACTIVITY_LABEL.get(a.activity, "—"),
                 *money_cells_of(a)] for a in actions]
        rows.append(["", f"Totale {plan.body.operational_label.lower()} {op.code}", "", "", "",
                     *money_cells(plan.money.of_operational(op.code))])
        blocks.append(Table(header=list(ACTION_HEADER), rows=rows,
                            caption=f"Azioni {op.code}", sheet=f"{prefix}{op.code}",
                            total_rows=[len(rows) - 1], widths=list(ACTION_WIDTHS)))
    return blocks


def money_cells_of(action: Action) -> list[str]:
    return money_cells(Money(action.costs, action.revenues, action.contributions,
                             action.investments))


registry.register(registry.Kind(
    "rpp", "Relazione Previsionale e Programmatica", build))
