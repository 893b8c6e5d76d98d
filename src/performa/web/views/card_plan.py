"""What a card shows of the plan's PIRA and RPP structure: mission and programme, the
strategic objective's PIRA card, the actions with their money and the totals above them, and
the phases as a Gantt over the cycle's triennium with their milestone state.

The figures come from their one home (``plans.money``, ``measures.phases``); this module
only lays them out for ``web/monitoring/card.html``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils import timezone

from performa.engine.money import Money
from performa.measures.phases import PhaseRow, may_record, phase_rows
from performa.plans.models import (
    Classification,
    Cycle,
    OperationalObjective,
    Phase,
    PlanVersion,
)
from performa.plans.money import classification_of, money_totals

# The strategic objective's card as a PIRA prints it: (field, label), shown when filled.
PIRA_FIELDS = [
    ("description", "Descrizione"),
    ("time_span", "Arco temporale di realizzazione"),
    ("stakeholders", "Portatori d'interesse"),
    ("benefits", "Benefici attesi"),
    ("responsible_centre", "Centro di responsabilità"),
    ("resources", "Risorse economiche"),
    ("related", "Obiettivi operativi collegati"),
]


@dataclass(frozen=True)
class GanttRow:
    row: PhaseRow
    cells: list[tuple[int, bool]]  # (year of the triennium, the phase runs in it)
    before: bool  # it starts before the triennium
    after: bool  # it ends after it
    editable: bool  # the user may record its completion
    error: str = ""  # the completion typed was refused: why
    typed: str = ""  # … and what was typed


@dataclass(frozen=True)
class TotalRow:
    label: str
    money: Money


def plan_context(user: Any, cycle: Cycle, version: PlanVersion,
                 objective: OperationalObjective, error: tuple[int, str, str] | None = None,
                 reference: date | None = None) -> dict[str, Any]:
    """The card's plan sections; ``error``: (phase id, what was typed, why it was refused)."""
    so = objective.strategic_objective
    mission, programme = classification_of(objective)
    actions = list(objective.actions.select_related("cost_centre", "office").order_by("order"))
    totals = money_totals(version)
    card_money = totals.of_operational(objective.code)
    rows: list[TotalRow] = []
    if actions or not totals.total.empty:
        rows = [
            TotalRow(f"Scheda {objective.code}", card_money),
            TotalRow(f"Obiettivo strategico {so.code}", totals.of_strategic(so.code)),
            TotalRow(f"{so.area.code} {so.area.title}", totals.of_area(so.area.code)),
        ]
        mission_code = mission.code if mission else ""
        if programme is not None:
            rows.append(TotalRow(f"Programma {mission_code}.{programme.code}",
                                 totals.of_programme(mission_code, programme.code)))
        rows.append(TotalRow(f"Missione {mission_code}" if mission else "Missione non indicata",
                             totals.of_mission(mission_code)))
    today = reference or timezone.localdate()
    years = list(range(cycle.first_year, cycle.last_year + 1))
    so_phases = _gantt(user, cycle, Phase.objects.filter(strategic_objective=so)
                       .select_related("strategic_objective", "version__cycle__body")
                       .order_by("order"), years, today, error)
    card_phases = _gantt(user, cycle, Phase.objects.filter(operational_objective=objective)
                         .select_related("operational_objective", "version__cycle__body")
                         .order_by("order"), years, today, error)
    return {
        "mission": mission, "programme": programme,
        "classified_by_performa": so.classified_by == Classification.PERFORMA,
        "pira_card": [(label, getattr(so, name)) for name, label in PIRA_FIELDS
                      if getattr(so, name)],
        "actions": actions, "card_money": card_money, "money_totals": rows,
        "gantt_years": years, "so_phases": so_phases, "card_phases": card_phases,
        "phases_reference": today,
    }


def _gantt(user: Any, cycle: Cycle, phases: Any, years: list[int], today: date,
           error: tuple[int, str, str] | None) -> list[GanttRow]:
    found = []
    for row in phase_rows(cycle, list(phases), today):
        phase = row.phase
        _, typed, why = error if error is not None and error[0] == phase.pk else (0, "", "")
        found.append(GanttRow(
            row, [(year, phase.first_year <= year <= phase.last_year) for year in years],
            before=phase.first_year < years[0], after=phase.last_year > years[-1],
            editable=may_record(user, phase), error=why, typed=typed,
        ))
    return found
