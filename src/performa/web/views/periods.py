"""Monitoring periods (rilevazioni): the planning office opens and closes them, the OIV
validates them.

Every member sees where each period stands — how many values are in, how many are due, which
offices are late — because that is what the September meeting asks. Only the planning office
creates periods and moves them; only the OIV validates. The moves go through
``measures.actions.move_period``, which owns the rules (a reopening needs a reason, the year
end needs every deviation explained) and whose Italian refusals are shown next to the button.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from performa.accounts import access
from performa.engine.values import format_percent
from performa.measures import actions
from performa.measures import read_model as r
from performa.measures.models import Deviation, IndicatorResult, NodeResult, Period, ResultSet
from performa.measures.reach import body_for, cycle_for, period_for, planning_body
from performa.plans.models import Body, Cycle, StrategicArea

from .. import listing
from .history import history_url

ROME = ZoneInfo("Europe/Rome")
DATE_FORMATS = ["%d/%m/%Y"]
QUICK_DATES = ((6, 30), (9, 30), (12, 31))
AWAITING = (Period.State.CLOSED, Period.State.VALIDATED)


# --- Periods page ---------------------------------------------------------------------------


@dataclass
class PeriodRow:
    """One period with its progress: values in, values due, offices late."""

    period: Period
    entered: int
    expected: int
    late: list[str] | None  # None: no deadline, or the deadline has not passed yet
    history: str = ""

    @property
    def late_text(self) -> str:
        if self.late is None:
            if self.period.state == Period.State.PLANNED:
                return "non ancora aperta"
            return "scadenza non passata" if self.period.deadline else "nessuna scadenza"
        if not self.late:
            return "nessuno"
        return f"{len(self.late)}: {'; '.join(self.late)}"


def period_rows(cycle: Cycle, today: date | None = None) -> list[PeriodRow]:
    today = today or timezone.localdate()
    version = cycle.current_version()
    found = []
    for period in cycle.periods.order_by("date"):
        dues = r.dues(period, version) if version is not None else []
        late = None
        # A period never opened has no late offices, whatever its deadline says.
        started = period.state != Period.State.PLANNED
        if started and period.deadline is not None and period.deadline < today:
            late = [d.office.name if d.office else "uffici non assegnati"
                    for d in dues if d.missing]
        found.append(PeriodRow(period, sum(d.entered for d in dues),
                               sum(d.expected for d in dues), late, history_url(period)))
    return found


PERIOD_COLUMNS = [
    listing.Column("data", "Data", lambda row: row.period.date),
    listing.Column("denominazione", "Denominazione", lambda row: row.period.label,
                   filter="text"),
    listing.Column("scadenza", "Scadenza inserimento", lambda row: row.period.deadline,
                   display=lambda row: listing.italian(row.period.deadline)
                   if row.period.deadline else "nessuna"),
    listing.Column("stato", "Stato", lambda row: row.period.get_state_display(),
                   filter="choice"),
    listing.Column("dati", "Dati", lambda row: "dati dimostrativi" if row.period.demo
                   else "dati reali", filter="choice"),
    listing.Column("inseriti", "Valori inseriti", lambda row: row.entered),
    listing.Column("attesi", "Valori attesi", lambda row: row.expected),
    listing.Column("ritardo", "Uffici in ritardo",
                   lambda row: None if row.late is None else len(row.late),
                   display=lambda row: row.late_text),
]


class PeriodForm(forms.ModelForm):
    date = forms.DateField(label="Data di riferimento", input_formats=DATE_FORMATS,
                           help_text="gg/mm/aaaa; scelte rapide: 30/06, 30/09, 31/12")
    deadline = forms.DateField(label="Scadenza per l'inserimento dei dati", required=False,
                               input_formats=DATE_FORMATS, help_text="gg/mm/aaaa")

    class Meta:
        model = Period
        fields = ["date", "label", "deadline"]
        labels = {"label": "Denominazione"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in self.fields:
            self.fields[name].widget.attrs.update({"class": "form-control", "autocomplete": "off"})
        self.fields["date"].widget.attrs["list"] = "date-rapide"

    def clean_date(self) -> date:
        day: date = self.cleaned_data["date"]
        cycle = self.instance.cycle
        if day.year != cycle.year:
            raise ValidationError(f"La data deve cadere nell'anno del ciclo ({cycle.year}).")
        if cycle.periods.filter(date=day).exists():
            raise ValidationError(f"Esiste già una rilevazione al {day:%d/%m/%Y}.")
        return day


def _periods_url(cycle: Cycle) -> str:
    return reverse("web:periods", kwargs={"body_id": cycle.body_id}) + f"?anno={cycle.year}"


def _periods_page(request: HttpRequest, body: Body, cycle: Cycle,
                  form: PeriodForm | None = None,
                  error_period: int | None = None, errors: list[str] | None = None,
                  ) -> HttpResponse:
    found = listing.table(request, period_rows(cycle), PERIOD_COLUMNS,
                          caption=f"Rilevazioni del ciclo {cycle.year}",
                          filename=f"rilevazioni-{cycle.year}")
    if isinstance(found, HttpResponse):
        return found
    can_plan = access.can_plan(request.user, body)
    taken = set(cycle.periods.values_list("date", flat=True))
    quick = [date(cycle.year, m, d) for m, d in QUICK_DATES]
    return render(request, "web/periods/periods.html", {
        "body": body, "cycle": cycle, "table": found, "can_plan": can_plan,
        "form": form or PeriodForm(instance=Period(cycle=cycle)),
        "quick_dates": [d for d in quick if d not in taken],
        "error_period": error_period, "errors": errors or [],
        "cycles": list(body.cycles.order_by("-year").values_list("year", flat=True)),
    })


@require_safe
@login_required
def periods(request: HttpRequest, body_id: int) -> HttpResponse:
    body = body_for(request, body_id)
    return _periods_page(request, body, cycle_for(request, body))


@require_POST
@login_required
def create_period(request: HttpRequest, body_id: int) -> HttpResponse:
    body = planning_body(request, body_id)
    cycle = cycle_for(request, body)
    form = PeriodForm(request.POST, instance=Period(cycle=cycle))
    if not form.is_valid():
        return _periods_page(request, body, cycle, form=form)
    period = actions.create_period(request.user, cycle, **form.cleaned_data)
    messages.success(request, f"Rilevazione al {period.date:%d/%m/%Y} creata.")
    return redirect(_periods_url(cycle))


MOVES = {
    Period.State.OPEN: "aperta",
    Period.State.CLOSED: "chiusa",
}


@require_POST
@login_required
def move_period(request: HttpRequest, body_id: int, period_id: int) -> HttpResponse:
    body = planning_body(request, body_id)
    period = period_for(request, body, period_id)
    state = request.POST.get("stato", "")
    if state not in MOVES:
        return HttpResponseBadRequest("Stato non previsto.")
    reopening = period.state in AWAITING
    try:
        actions.move_period(request.user, period, state, request.POST.get("motivo", ""))
    except ValidationError as error:
        return _periods_page(request, body, period.cycle, error_period=period.pk,
                             errors=error.messages)
    done = "riaperta" if reopening else MOVES[state]
    messages.success(request, f"Rilevazione al {period.date:%d/%m/%Y} {done}.")
    return redirect(_periods_url(period.cycle))


# --- OIV validation -------------------------------------------------------------------------


def evaluator_body(request: HttpRequest, body_id: int) -> Body:
    body = body_for(request, body_id)
    if not access.can_validate(request.user, body):
        raise PermissionDenied("Riservato all'OIV.")
    return body


def current_results(period: Period) -> ResultSet | None:
    return period.result_sets.filter(current=True).select_related("version").first()


def validated_at(period: Period) -> tuple[datetime, Any] | None:
    """When (and by whom) the period became validated the last time, from its history."""
    if period.state != Period.State.VALIDATED:
        return None
    found = None
    for record in period.history.select_related("history_user").order_by(
        "-history_date", "-history_id"
    ):
        if record.state != Period.State.VALIDATED:
            break
        found = record
    if found is None:
        return None
    return found.history_date, found.history_user


VALIDATION_COLUMNS = [
    listing.Column("data", "Data", lambda p: p.date,
                   link=lambda p: reverse("web:validation_period",
                                          kwargs={"body_id": p.cycle.body_id,
                                                  "period_id": p.pk})),
    listing.Column("denominazione", "Denominazione", lambda p: p.label, filter="text"),
    listing.Column("stato", "Stato", lambda p: "da validare" if p.state == Period.State.CLOSED
                   else "validata", filter="choice"),
    listing.Column("ente", "Raggiungimento dell'ente", lambda p: p.body_achievement,
                   display=lambda p: format_percent(p.body_achievement)),
]


@require_safe
@login_required
def validation(request: HttpRequest, body_id: int) -> HttpResponse:
    body = evaluator_body(request, body_id)
    cycle = cycle_for(request, body)
    found_periods = list(cycle.periods.filter(state__in=AWAITING).select_related("cycle"))
    achievements = dict(
        NodeResult.objects.filter(result_set__period__in=found_periods,
                                  result_set__current=True, tree=NodeResult.Tree.STRATEGY,
                                  key="body")
        .values_list("result_set__period_id", "achievement")
    )
    for period in found_periods:
        period.body_achievement = achievements.get(period.pk)  # type: ignore[attr-defined]
    found = listing.table(request, found_periods, VALIDATION_COLUMNS,
                          caption=f"Rilevazioni chiuse e validate del ciclo {cycle.year}",
                          filename=f"validazione-{cycle.year}")
    if isinstance(found, HttpResponse):
        return found
    return render(request, "web/periods/validation.html",
                  {"body": body, "cycle": cycle, "table": found})


@dataclass
class BelowTarget:
    result: IndicatorResult
    target: str
    deviation: Deviation | None


BELOW_COLUMNS = [
    listing.Column("obiettivo", "Obiettivo operativo",
                   lambda b: b.result.indicator.operational_objective.code, filter="text"),
    listing.Column("indicatore", "Indicatore", lambda b: b.result.indicator.name,
                   filter="text"),
    listing.Column("valore", "Valore", lambda b: b.result.value,
                   display=lambda b: b.result.display or "n.d."),
    listing.Column("target", "Target", lambda b: b.target),
    listing.Column("raggiungimento", "Raggiungimento", lambda b: b.result.achievement,
                   display=lambda b: format_percent(b.result.achievement)),
    listing.Column("motivazione", "Motivazione dello scostamento",
                   lambda b: b.deviation.text if b.deviation else "",
                   display=lambda b: b.deviation.text if b.deviation else "motivazione mancante",
                   sortable=False, filter="text"),
]


def below_target(period: Period, results: ResultSet) -> list[BelowTarget]:
    """Indicators under 100%, with what their offices wrote about the gap."""
    found = (
        results.indicators.filter(achievement__lt=1)
        .select_related("indicator__operational_objective")
        .prefetch_related("indicator__targets")
        .order_by("indicator__operational_objective__order", "indicator__order")
    )
    # A deviation written before an amendment still explains the same indicator (lineage).
    deviations = {
        d.indicator.lineage: d
        for d in Deviation.objects.filter(period=period).select_related("indicator")
    }
    rows = []
    for result in found:
        indicator = result.indicator
        target = indicator.target_for(period.cycle.year)
        shown = f"{target.comparator or indicator.comparator} {target.value}".strip() \
            if target else ""
        rows.append(BelowTarget(result, shown, deviations.get(indicator.lineage)))
    return rows


def strategy_rows(results: ResultSet) -> list[tuple[str, str, float | None, bool]]:
    """(code, title, achievement, is_area) for areas and their strategic objectives."""
    nodes = {n.key: n for n in results.nodes.filter(tree=NodeResult.Tree.STRATEGY)}
    rows = []
    areas = StrategicArea.objects.filter(version=results.version).prefetch_related("objectives")
    for area in areas:
        node = nodes.get(f"area:{area.code}")
        rows.append((area.code, area.title, node.achievement if node else None, True))
        for objective in area.objectives.all():
            node = nodes.get(f"so:{objective.code}")
            rows.append((objective.code, objective.title,
                         node.achievement if node else None, False))
    return rows


def _validation_page(request: HttpRequest, body: Body, period: Period,
                     errors: list[str] | None = None) -> HttpResponse:
    results = current_results(period)
    below = below_target(period, results) if results is not None else []
    found = listing.table(request, below, BELOW_COLUMNS,
                          caption="Indicatori sotto il target",
                          filename=f"scostamenti-{period.date:%Y-%m-%d}")
    if isinstance(found, HttpResponse):
        return found
    body_node = results.nodes.filter(tree=NodeResult.Tree.STRATEGY, key="body").first() \
        if results is not None else None
    validated = validated_at(period)
    return render(request, "web/periods/validation_period.html", {
        "body": body, "period": period, "results": results, "table": found,
        "body_achievement": body_node.achievement if body_node else None,
        "strategy": strategy_rows(results) if results is not None else [],
        "validated_when": validated[0].astimezone(ROME) if validated else None,
        "validated_by": (validated[1].get_full_name() or validated[1].get_username())
        if validated and validated[1] else "",
        "missing": sum(1 for b in below if b.deviation is None),
        "errors": errors or [],
        "history": history_url(period),
    })


@require_safe
@login_required
def validation_period(request: HttpRequest, body_id: int, period_id: int) -> HttpResponse:
    body = evaluator_body(request, body_id)
    period = period_for(request, body, period_id)
    if period.state not in AWAITING:
        raise Http404("La rilevazione non è chiusa.")
    return _validation_page(request, body, period)


@require_POST
@login_required
def validate(request: HttpRequest, body_id: int, period_id: int) -> HttpResponse:
    body = evaluator_body(request, body_id)
    period = period_for(request, body, period_id)
    try:
        actions.move_period(request.user, period, Period.State.VALIDATED,
                            request.POST.get("motivo", ""))
    except ValidationError as error:
        return _validation_page(request, body, period, errors=error.messages)
    messages.success(request, f"Rilevazione al {period.date:%d/%m/%Y} validata: "
                              "i risultati sono congelati.")
    return redirect("web:validation_period", body_id=body.pk, period_id=period.pk)
