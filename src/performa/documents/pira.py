"""PIRA — Piano degli indicatori e dei risultati attesi di bilancio (art. 19 D.Lgs. 91/2011).

Two documents from one layout (seed ``004_…``, DPCM 18/09/2012): the *preventivo* attached to
the budget, by missione/programma, each objective with title, description, time span,
stakeholders, responsibility centre and resources, and its indicators with algorithm, type,
unit, source, last observed value and the triennial targets; and the *consuntivo* (Rapporto
sui risultati), which adds the values measured at the interim date and at 31/12, the
achievement, and a numbered footnote with the cause of every deviation.

The objectives are the operational objectives, filed under the mission and programme of their
strategic objective (or of its institutional function when that maps to one programme only);
those without either are grouped under «Missione non indicata».
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from performa.catalog.models import Mission, Programme
from performa.measures.models import Period
from performa.plans.models import Indicator, OperationalObjective, StrategicObjective

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

NO_MISSION = "Missione non indicata"
NO_PROGRAMME = "Programma non indicato"

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
class ProgrammeGroup:
    programme: Programme | None
    objectives: list[StrategicObjective] = field(default_factory=list)


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


def by_mission(plan: Plan) -> list[MissionGroup]:
    groups: dict[str, MissionGroup] = {}
    for so in plan.all_strategic():
        mission, programme = classification(so)
        group = groups.setdefault(mission.code if mission else "", MissionGroup(mission))
        key = programme.code if programme else ""
        group.programmes.setdefault(key, ProgrammeGroup(programme)).objectives.append(so)
    # Missions in their official order, the unclassified ones last.
    ordered = sorted(groups.items(), key=lambda item: (item[0] == "", item[0]))
    return [group for _, group in ordered]


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
    doc.blocks += premise(plan, columns)
    groups = by_mission(plan)
    doc.blocks += link_table(groups)
    for group in groups:
        doc.blocks += mission_section(plan, group, columns)
    return doc


def premise(plan: Plan, columns: Columns | None) -> list[Block]:
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
                f"{programme.programme.code} {programme.programme.name}"
                if programme.programme else NO_PROGRAMME,
                ", ".join(f"{so.code} {so.title}" for so in programme.objectives),
            ])
    return [Table(header=["Missione", "Programma", "Obiettivi strategici"], rows=rows,
                  caption="Raccordo tra missioni, programmi e obiettivi strategici",
                  sheet="Raccordo", widths=[2.5, 3, 4])]


def mission_section(plan: Plan, group: MissionGroup, columns: Columns | None) -> list[Block]:
    blocks: list[Block] = [Heading(group.title)]
    for programme in group.programmes.values():
        label = (f"{programme.programme.code} {programme.programme.name}"
                 if programme.programme else NO_PROGRAMME)
        blocks.append(Heading(f"PROGRAMMA DI SPESA: {label}", 2))
        for so in programme.objectives:
            blocks.append(Heading(f"{plan.body.strategic_label} ({so.code}) {so.title}", 3))
            if so.function_id:
                blocks.append(Paragraph(
                    f"Funzione istituzionale (D.P.R. 254/2005): {so.function.code}) "
                    f"{so.function.name}.", "note"))
            for op in plan.operational.get(so.pk, []):
                blocks += objective(plan, so, op, columns)
    return blocks


def objective(plan: Plan, so: StrategicObjective, op: OperationalObjective,
              columns: Columns | None) -> list[Block]:
    stakeholders = STAKEHOLDERS.get(so.perspective, "") if so.perspective else ""
    pairs = [
        ("OBIETTIVO", op.code),
        ("TITOLO", f"({op.code}) {op.title}"),
        ("DESCRIZIONE", dash(" ".join(
            t.strip() for t in (op.description, op.expected_impact) if t.strip()))),
        ("ARCO TEMPORALE DI REALIZZAZIONE",
         f"{plan.cycle.first_year}/{plan.cycle.last_year} (triennale)"),
        ("PORTATORI D'INTERESSE", stakeholders or "non indicati"),
        ("CENTRO DI RESPONSABILITA'", dash(plan.area_of(op))),
        ("RISORSE ECONOMICHE", dash(plan.resources_of(op))),
    ]
    return [KeyValues(pairs), indicator_table(plan, op, columns)]


def indicator_table(plan: Plan, op: OperationalObjective, columns: Columns | None) -> Table:
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
