"""PIRA — Piano degli indicatori e dei risultati attesi di bilancio (art. 19 D.Lgs. 91/2011).

Two documents from one layout (seed ``004_…``, DPCM 18/09/2012): the *preventivo* attached to
the budget, by missione/programma, each objective with title, description, time span,
stakeholders, responsibility centre and resources, and its indicators with algorithm, type,
unit, source, last observed value and the triennial targets; and the *consuntivo* (Rapporto
sui risultati), which adds the values measured at the interim date and at 31/12, the
achievement, and a numbered footnote with the cause of every deviation.

The resources are the actions' money when the plan gives its actions (the roll-up of
``plans.money``: each programme's total and each objective's), else the resources each
objective's card states. Where an objective has phases, its *Fasi* table follows its card: the
years and the milestone, and in the consuntivo each phase's outcome at the period's date under
the milestone rule (``measures.phases``). The consuntivo ends with the body's financial-health
indices for the year, with target, value and inputs, as ``budget.reading`` gives them.

The objectives are the operational objectives, filed under their own mission and programme
when they have one, else under their strategic objective's (or that of its institutional
function when it maps to one programme only); those without either are grouped under «Missione
non indicata». Each programme prints the body's description of it (narrative, stakeholders,
benefits) and each strategic objective its PIRA card when the plan has them; a classification
Performa attributed (``classified_by``) is said to be Performa's under the programme heading.
Only the key indicators (``published``) are printed when the plan marks any.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from performa.budget.reading import budget_overview
from performa.catalog.models import Mission, Programme
from performa.engine.phases import PhaseOutcome
from performa.engine.values import format_money
from performa.measures.models import Period
from performa.measures.phases import phase_rows
from performa.plans.models import (
    Classification,
    Indicator,
    OperationalObjective,
    Phase,
    PlanProgramme,
    StrategicObjective,
)

from . import registry
from .budget_blocks import health_block
from .model import Block, Cover, Document, Heading, KeyValues, Paragraph, Table
from .plan_data import (
    Plan,
    Results,
    dash,
    load_plan,
    money_cells,
    money_text,
    percent,
    require_period,
    require_results,
    resolution_text,
    target_of,
)

NO_MISSION = "Missione non indicata"
NO_PROGRAMME = "Programma non indicato"
PERFORMA_NOTE = ("Classificazione per missione e programma attribuita da Performa in base alla "
                 "funzione istituzionale dell'Area di responsabilità degli obiettivi (D.P.R. "
                 "254/2005): il documento di origine non la indica.")

# The plan's own types mapped to the DPCM 18/09/2012 classes the PIRA must use.
PIRA_TYPES = {
    "volume": "Realizzazione fisica",
    "efficacia": "Risultato (output)",
    "efficienza": "Risultato (output)",
    "qualità": "Risultato (output)",
    "indicatore funzione pubblica": "Risultato (output)",
    "impatto": "Impatto (outcome)",
    "salute economica": "Realizzazione finanziaria",
    "stato delle risorse": "Realizzazione finanziaria",
}
PIRA_NAMES = {name.lower(): name for name in set(PIRA_TYPES.values())}
FIGURES = ["Oneri", "Ricavi", "Contributi", "Investimenti"]

# Stakeholder classes of the DPCM by Balanced-Scorecard perspective, when the plan gives one.
STAKEHOLDERS = {
    StrategicObjective.Perspective.STAKEHOLDERS: "Imprese, cittadini e consumatori",
    StrategicObjective.Perspective.PROCESSES: "Utenti dei servizi camerali",
    StrategicObjective.Perspective.GROWTH: "Utenti dei servizi camerali e personale",
    StrategicObjective.Perspective.FINANCE: "Contribuenti (imprese tenute al diritto annuale)",
}


def pira_type(kind: str) -> str:
    text = kind.strip()
    return PIRA_NAMES.get(text.lower()) or PIRA_TYPES.get(text.lower(), text)


@dataclass
class Entry:
    """A strategic objective under one programme, with its operational objectives filed there
    (all of them, unless some carry a programme of their own)."""

    objective: StrategicObjective
    own: bool  # the programme is the strategic objective's own classification
    operational: list[OperationalObjective] = field(default_factory=list)


@dataclass
class ProgrammeGroup:
    programme: Programme | None
    entries: dict[int, Entry] = field(default_factory=dict)  # strategic objective pk → entry

    @property
    def label(self) -> str:
        if self.programme is None:
            return NO_PROGRAMME
        return f"{self.programme.code} {self.programme.name}"


@dataclass
class MissionGroup:
    mission: Mission | None
    programmes: dict[str, ProgrammeGroup] = field(default_factory=dict)

    @property
    def title(self) -> str:
        if self.mission is None:
            return NO_MISSION
        return f"MISSIONE {self.mission.code} – {self.mission.name}"


def classification(so: StrategicObjective) -> tuple[Mission | None, Programme | None]:
    """The objective's mission and programme; through its function when it maps to one."""
    if so.mission_id:
        programme = so.programme if so.programme_id else None
        return so.mission, programme
    if so.programme_id:
        return so.programme.mission, so.programme
    if so.function_id:
        programmes = list(so.function.programmes.select_related("mission"))
        if len(programmes) == 1:
            return programmes[0].mission, programmes[0]
    return None, None


def operational_classification(
    op: OperationalObjective, so: tuple[Mission | None, Programme | None]
) -> tuple[Mission | None, Programme | None]:
    """The operational objective's own mission and programme when set, else ``so``'s."""
    if op.programme_id:
        return op.programme.mission, op.programme
    if op.mission_id:
        return op.mission, None
    return so


def by_mission(plan: Plan) -> list[MissionGroup]:
    groups: dict[str, MissionGroup] = {}

    def entry(so: StrategicObjective, mission: Mission | None, programme: Programme | None,
              own: bool) -> Entry:
        group = groups.setdefault(mission.code if mission else "", MissionGroup(mission))
        key = programme.code if programme else ""
        programmes = group.programmes.setdefault(key, ProgrammeGroup(programme))
        return programmes.entries.setdefault(so.pk, Entry(so, own))

    for so in plan.all_strategic():
        own = classification(so)
        operational = plan.operational.get(so.pk, [])
        if not operational:
            entry(so, *own, own=True)
        for op in operational:
            mission, programme = operational_classification(op, own)
            same = (mission, programme) == own
            entry(so, mission, programme, same).operational.append(op)
    # Missions and programmes in their official order, the unclassified ones last.
    ordered = sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))
    for _, group in ordered:
        group.programmes = dict(sorted(group.programmes.items(),
                                       key=lambda item: (item[0] == "", item[0])))
    return [group for _, group in ordered]


def key_indicators_only(plan: Plan) -> bool:
    """A PIRA publishes the key indicators when the plan marks any (17-30 in real PIRAs)."""
    return any(indicator.published for indicator in plan.all_indicators())


@dataclass
class Columns:
    """The result columns of the consuntivo: the interim period and the year-end one."""

    interim: Period | None
    final: Period | None
    interim_results: Results | None
    final_results: Results | None

    @property
    def latest(self) -> Results | None:
        return self.final_results or self.interim_results

    @property
    def reference(self) -> date | None:
        """The date the phases' outcomes are read at: the period of the latest results."""
        latest = self.latest
        return latest.period.date if latest is not None else None


def result_columns(ctx: registry.Context) -> Columns:
    period = require_period(ctx.period, "Rapporto sui risultati", ctx.cycle)
    if period.year_end:
        interim = (Period.objects.filter(cycle=ctx.cycle, date__lt=period.date,
                                         values__isnull=False)
                   .distinct().order_by("-date").first())
        return Columns(interim, period, require_results(interim) if interim else None,
                       require_results(period))
    final = Period.objects.filter(cycle=ctx.cycle, date__month=12, date__day=31).first()
    return Columns(period, final, require_results(period), None)


def build_preventivo(ctx: registry.Context) -> Document:
    return _build(ctx, None)


def build_consuntivo(ctx: registry.Context) -> Document:
    return _build(ctx, result_columns(ctx))


def _build(ctx: registry.Context, columns: Columns | None) -> Document:
    # Results are shown on the plan they were computed on (a validated set keeps its version).
    latest = columns.latest if columns is not None else None
    plan = load_plan(latest.result_set.version if latest is not None else ctx.version)
    consuntivo = columns is not None
    title = ("Rapporto sui risultati" if consuntivo else
             f"Piano degli indicatori e dei risultati attesi di bilancio {plan.triennium}")
    subtitle = (f"Piano degli indicatori e dei risultati attesi di bilancio {plan.year} — "
                "consuntivo (art. 19 D.Lgs. 91/2011)" if consuntivo else
                "Art. 19 D.Lgs. 91/2011 e D.P.C.M. 18/09/2012")
    doc = Document(kind="pira-consuntivo" if consuntivo else "pira",
                   cover=Cover(body=plan.body.name, title=title, subtitle=subtitle))
    if columns is not None:
        doc.demo = bool(latest and latest.period.demo) or bool(
            columns.interim and columns.interim.demo)
    groups = by_mission(plan)
    key_only = key_indicators_only(plan)
    doc.blocks += premise(plan, columns, key_only)
    doc.blocks += link_table(groups)
    for group in groups:
        doc.blocks += mission_section(plan, group, columns, key_only)
    if consuntivo:
        doc.blocks += health_block(budget_overview(plan.body), plan.body.name, plan.year)
    return doc


def premise(plan: Plan, columns: Columns | None, key_only: bool = False) -> list[Block]:
    source = f"Piano della Performance {plan.triennium}"
    adopted = resolution_text(plan.version)
    if adopted:
        source += f" ({adopted})"
    text = (
        "Il presente documento è redatto ai sensi dell'art. 19 del D.Lgs. 91/2011, del D.M. "
        "27/03/2013 e del D.P.C.M. 18/09/2012: evidenzia gli obiettivi da perseguire rispetto "
        "ai programmi di spesa del bilancio dell'ente e gli indicatori con cui se ne misurano "
        f"i risultati. Obiettivi, indicatori e target sono quelli del {source}."
    )
    blocks: list[Block] = [Heading("Premessa"), Paragraph(text)]
    if any(so.classified_by == Classification.PERFORMA for so in plan.all_strategic()):
        blocks.append(Paragraph(
            "Il Piano non classifica gli obiettivi per missione e programma: la classificazione "
            "è attribuita da Performa in base alla funzione istituzionale (D.P.R. 254/2005) "
            "dell'Area di responsabilità degli obiettivi, secondo il raccordo adottato dalle "
            "camere di commercio: funzione A) nel programma 032.002 «Indirizzo politico», B) "
            "nel 032.003 «Servizi e affari generali per le amministrazioni di competenza», C) "
            "nel 012.004, D) nel 011.005 e, per il sostegno all'internazionalizzazione delle "
            "imprese, nel 016.005.", "note"))
    indicators = plan.all_indicators()
    if key_only:
        published = sum(1 for indicator in indicators if indicator.published)
        blocks.append(Paragraph(
            f"Sono riportati gli indicatori chiave individuati dal piano ({published} su "
            f"{len(indicators)}).", "note"))
    else:
        blocks.append(Paragraph(
            "Il piano non individua indicatori chiave: sono riportati tutti i suoi "
            f"{len(indicators)} indicatori.", "note"))
    if columns is not None:
        when = [f"al {period.date:%d/%m/%Y}"
                for period, results in ((columns.interim, columns.interim_results),
                                        (columns.final, columns.final_results))
                if period is not None and results is not None]
        blocks.append(Paragraph(
            "Il Rapporto sui risultati riporta, per ciascun indicatore, i valori rilevati "
            f"{' e '.join(when)} e il grado di raggiungimento del target; per ogni indicatore "
            "che non raggiunge il target una nota numerata riporta le cause dello "
            "scostamento."))
        if columns.final_results is None and columns.interim is not None:
            blocks.append(Paragraph(
                f"I valori al 31/12/{plan.year} non sono ancora stati rilevati: il grado di "
                f"raggiungimento è calcolato sui valori al {columns.interim.date:%d/%m/%Y}.",
                "note"))
    if plan.has_actions:
        blocks.append(Paragraph(
            "Le risorse di ciascun programma e obiettivo sono la somma degli oneri, dei ricavi, "
            "dei contributi e degli investimenti delle azioni dei suoi progetti.", "note"))
    else:
        blocks.append(Paragraph(
            "Il piano non indica le azioni con oneri, ricavi, contributi e investimenti: per "
            "ciascun programma si riportano le risorse economiche indicate dai suoi obiettivi.",
            "note"))
    blocks.append(Paragraph(
        "La tipologia degli indicatori è espressa secondo le classi del D.P.C.M. 18/09/2012 "
        "(realizzazione fisica, risultato, impatto, realizzazione finanziaria), ricondotte "
        "dalle tipologie del Piano della performance.", "note"))
    return blocks


def link_table(groups: Iterable[MissionGroup]) -> list[Block]:
    rows = []
    for group in groups:
        for programme in group.programmes.values():
            rows.append([
                f"{group.mission.code} {group.mission.name}" if group.mission else NO_MISSION,
                programme.label,
                ", ".join(objective_link(entry) for entry in programme.entries.values()),
            ])
    return [Table(header=["Missione", "Programma", "Obiettivi strategici"], rows=rows,
                  caption="Raccordo tra missioni, programmi e obiettivi strategici",
                  sheet="Raccordo", widths=[2.5, 3, 4])]


def objective_link(entry: Entry) -> str:
    """«01_01 Digitalizzazione», or the operational objectives filed here when the strategic
    objective itself is classified elsewhere."""
    text = f"{entry.objective.code} {entry.objective.title}"
    if not entry.own:
        text += f" (obiettivi operativi {', '.join(op.code for op in entry.operational)})"
    return text


def mission_section(plan: Plan, group: MissionGroup, columns: Columns | None,
                    key_only: bool = False) -> list[Block]:
    blocks: list[Block] = [Heading(group.title)]
    for programme in group.programmes.values():
        blocks.append(Heading(f"PROGRAMMA DI SPESA: {programme.label}", 2))
        described = (plan.programmes.get(programme.programme.pk)
                     if programme.programme is not None else None)
        blocks += programme_text(programme, described)
        blocks += programme_resources(plan, group, programme)
        for entry in programme.entries.values():
            blocks += strategic_objective(plan, entry, columns)
            for op in entry.operational:
                if key_only and not any(i.published for i in plan.indicators.get(op.pk, [])):
                    continue  # no key indicator: nothing this objective publishes
                blocks += objective(plan, entry.objective, op, columns, key_only)
    return blocks


def programme_text(programme: ProgrammeGroup, described: PlanProgramme | None) -> list[Block]:
    """Whose classification it is, then the body's description of the programme."""
    blocks: list[Block] = []
    performa = (described is not None and described.classified_by == Classification.PERFORMA
                ) or any(entry.objective.classified_by == Classification.PERFORMA
                         for entry in programme.entries.values())
    if programme.programme is not None and performa:
        blocks.append(Paragraph(PERFORMA_NOTE, "note"))
    if described is None:
        return blocks
    if described.narrative.strip():
        blocks.append(Paragraph(described.narrative.strip()))
    pairs = [(label, text.strip()) for label, text in (
        ("PORTATORI D'INTERESSE", described.stakeholders),
        ("BENEFICI ATTESI", described.benefits)) if text.strip()]
    if pairs:
        blocks.append(KeyValues(pairs))
    return blocks


def programme_resources(plan: Plan, group: MissionGroup,
                        programme: ProgrammeGroup) -> list[Block]:
    """The programme's resources: the actions' money per objective and the programme's total
    (``plans.money``) when the plan gives its actions, else the amounts its objectives state."""
    code = programme.programme.code if programme.programme is not None else ""
    sheet = f"Risorse {group.mission.code}.{code}" if group.mission else "Risorse"
    caption = f"Risorse del programma {programme.label}"
    operational = [op for entry in programme.entries.values() for op in entry.operational]
    if plan.has_actions:
        rows = [[f"({op.code}) {op.title}", *money_cells(plan.money.of_operational(op.code))]
                for op in operational]
        mission = group.mission.code if group.mission is not None else ""
        rows.append(["Totale del programma",
                     *money_cells(plan.money.of_programme(mission, code))])
        return [Table(header=[plan.body.operational_label, *FIGURES], rows=rows,
                      caption=caption, sheet=sheet, total_rows=[len(rows) - 1],
                      widths=[4.4, 1.4, 1.4, 1.4, 1.4])]
    rows = [[f"({entry.objective.code}) {entry.objective.title}", stated]
            for entry in programme.entries.values()
            if entry.own and (stated := objective_resources(plan, entry.objective).strip())]
    rows += [[f"({op.code}) {op.title}", stated] for op in operational
             if (stated := plan.resources_of(op))]
    if not rows:
        return []
    return [Table(header=["Obiettivo", "Risorse economiche"], rows=rows, caption=caption,
                  sheet=sheet, widths=[6, 2])]


def strategic_objective(plan: Plan, entry: Entry,
                        columns: Columns | None = None) -> list[Block]:
    """The heading, the PIRA card when the plan has one, and the function of the objective."""
    so = entry.objective
    blocks: list[Block] = [Heading(f"{plan.body.strategic_label} ({so.code}) {so.title}", 3)]
    if not entry.own:
        mission, programme = classification(so)
        where = (f"{programme.mission.code}.{programme.code}" if programme is not None else
                 mission.code if mission is not None else "")
        blocks.append(Paragraph(
            "Sono qui riportati gli obiettivi operativi ricondotti a questo programma per la "
            "funzione della loro Area"
            + (f"; l'obiettivo strategico è classificato nel programma {where}." if where
               else "."), "note"))
        return blocks
    card = [(label, text.strip()) for label, text in (
        ("DESCRIZIONE", so.description),
        ("ARCO TEMPORALE DI REALIZZAZIONE", so.time_span),
        ("PORTATORI D'INTERESSE", so.stakeholders),
        ("BENEFICI ATTESI", so.benefits),
        ("CENTRO DI RESPONSABILITA'", so.responsible_centre),
        ("RISORSE ECONOMICHE", objective_resources(plan, so)),
    ) if text.strip()]
    if card:
        blocks.append(KeyValues([("TITOLO", f"({so.code}) {so.title}"), *card]))
    blocks += phases_table(plan, plan.phases.get(("so", so.pk), []), so.code, columns)
    if so.function_id:
        blocks.append(Paragraph(
            f"Funzione istituzionale (D.P.R. 254/2005): {so.function.code}) "
            f"{so.function.name}.", "note"))
    return blocks


def objective_resources(plan: Plan, so: StrategicObjective) -> str:
    """The actions' money under the objective when the plan gives actions; else «€ 460.000,00»
    when the card states an amount, else the words it uses."""
    if plan.has_actions:
        return money_text(plan.money.of_strategic(so.code))
    if so.resources_amount is not None:
        return format_money(so.resources_amount)
    return str(so.resources)


def objective(plan: Plan, so: StrategicObjective, op: OperationalObjective,
              columns: Columns | None, key_only: bool = False) -> list[Block]:
    stakeholders = (so.stakeholders.strip()
                    or (STAKEHOLDERS.get(so.perspective, "") if so.perspective else ""))
    pairs = [
        ("OBIETTIVO", op.code),
        ("TITOLO", f"({op.code}) {op.title}"),
        ("DESCRIZIONE", dash(" ".join(
            t.strip() for t in (op.description, op.expected_impact) if t.strip()))),
        ("ARCO TEMPORALE DI REALIZZAZIONE", so.time_span.strip()
         or f"{plan.cycle.first_year}/{plan.cycle.last_year} (triennale)"),
        ("PORTATORI D'INTERESSE", stakeholders or "non indicati"),
        ("CENTRO DI RESPONSABILITA'", dash(plan.area_of(op))),
        ("RISORSE ECONOMICHE", dash(money_text(plan.money.of_operational(op.code))
                                    if plan.has_actions else plan.resources_of(op))),
    ]
    return [KeyValues(pairs), indicator_table(plan, op, columns, key_only),
            *phases_table(plan, plan.phases.get(("op", op.pk), []), op.code, columns)]


def phases_table(plan: Plan, phases: list[Phase], code: str,
                 columns: Columns | None) -> list[Block]:
    """The objective's *Fasi*: years and milestone; in the consuntivo, each phase's outcome at
    the period's date (milestone reached by its date: ``engine.phases``)."""
    if not phases:
        return []
    header = ["Fase", "Anni", "Milestone"]
    table = Table(header=header, rows=[], caption=f"Fasi dell'obiettivo {code}",
                  sheet=f"Fasi {code}", widths=[4, 1.2, 1.2])
    reference = columns.reference if columns is not None else None
    if reference is None:
        table.rows = [[phase.title, years(phase), day(phase.milestone)] for phase in phases]
        return [table]
    table.header += ["Completata il", f"Esito al {reference:%d/%m/%Y}"]
    table.widths += [1.3, 4]
    for row in phase_rows(plan.cycle, phases, reference):
        done = row.completion.completed_on if row.completion else None
        table.rows.append([row.phase.title, years(row.phase), day(row.phase.milestone),
                           day(done if done is not None and done <= reference else None),
                           outcome_text(row.outcome)])
    return [table]


def outcome_text(outcome: PhaseOutcome) -> str:
    """«Raggiunta (100%): completata il 20/06/2022, entro la milestone del 30/06/2022»; the
    state is said once when the explanation already opens with it («Senza milestone: …»)."""
    label = outcome.state.label
    if outcome.explanation.startswith(label):
        return outcome.explanation[0].upper() + outcome.explanation[1:]
    state = label.capitalize()
    if outcome.achievement is not None:
        state += f" ({percent(outcome.achievement)})"
    return f"{state}: {outcome.explanation}"


def years(phase: Phase) -> str:
    if phase.first_year == phase.last_year:
        return str(phase.first_year)
    return f"{phase.first_year}-{phase.last_year}"


def day(when: date | None) -> str:
    return f"{when:%d/%m/%Y}" if when is not None else "—"


def indicator_table(plan: Plan, op: OperationalObjective, columns: Columns | None,
                    key_only: bool = False) -> Table:
    year = plan.year
    header = ["KPI", "Algoritmo di calcolo", "Tipologia", "UdM", "Fonte",
              f"Valore osservato ({year - 1})", f"Target {year}", f"Target {year + 1}",
              f"Target {year + 2}"]
    widths = [2.6, 3, 1.3, 0.6, 1.1, 1, 0.9, 0.9, 0.9]
    table = Table(header=header, rows=[], caption=f"Indicatori dell'obiettivo {op.code}",
                  sheet=op.code, widths=widths)
    if columns is not None:
        interim = (f"Valore al {columns.interim.date:%d/%m/%Y}" if columns.interim
                   else "Valore intermedio")
        table.header += [interim, f"Valore al 31/12/{year}", "Raggiungimento"]
        table.widths += [1, 1, 1.1]
    for indicator in plan.indicators.get(op.pk, []):
        if key_only and not indicator.published:
            continue
        row = [
            indicator.name, dash(indicator.description or indicator.formula),
            dash(pira_type(indicator.kind)), dash(indicator.unit), dash(indicator.source),
            dash(indicator.baseline), target_of(indicator, year),
            target_of(indicator, year + 1), target_of(indicator, year + 2),
        ]
        if columns is not None:
            row += measured(indicator, columns, table)
        table.rows.append(row)
    return table


def measured(indicator: Indicator, columns: Columns, table: Table) -> list[str]:
    """The values at the two dates and the achievement, with a note when below target."""
    cells = []
    for results in (columns.interim_results, columns.final_results):
        result = results.of(indicator) if results else None
        cells.append(dash(result.display) if result is not None else "—")
    latest = columns.latest
    result = latest.of(indicator) if latest else None
    achievement = result.achievement if result is not None else None
    cell = percent(achievement)
    if latest is not None and achievement is not None and achievement < 1:
        table.footnotes.append(latest.deviation(indicator))
        cell += f" [{len(table.footnotes)}]"
    cells.append(cell)
    return cells


registry.register(registry.Kind(
    "pira", "PIRA — Piano degli indicatori e dei risultati attesi di bilancio",
    build_preventivo))
registry.register(registry.Kind(
    "pira-consuntivo", "Rapporto sui risultati (PIRA consuntivo)", build_consuntivo))
