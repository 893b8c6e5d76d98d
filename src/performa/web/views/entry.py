"""Data entry for office staff: their own indicators and variables, open periods only.

The page lists only what the user's offices own; the POST is checked again on the server by
``measures.actions.enter_value``, so another office's value is refused even when its URL is
typed by hand. Saving answers with the row, showing the new achievement or the Italian error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_POST, require_safe

from performa.accounts import access
from performa.measures import actions
from performa.measures import read_model as r
from performa.measures.computing import measured_in
from performa.measures.models import Deviation, MeasuredValue, Period
from performa.measures.reach import body_for, cycle_for, period_for
from performa.plans.models import Body, Indicator, OrgUnit, Variable


def _offices(user: Any, body: Body) -> list[OrgUnit]:
    """The offices whose values the user may type."""
    units = list(body.org_units.filter(kind=OrgUnit.Kind.OFFICE).select_related("parent"))
    return [u for u in units if access.can_enter(user, body, u)]


@dataclass
class _Stored:
    """A period's values and deviations read once, for every row of the page."""

    values: dict[Any, MeasuredValue]
    deviations: dict[int, Deviation]

    @classmethod
    def of(cls, period: Period, indicators: list[Indicator] | None = None,
           variables: list[Variable] | None = None) -> _Stored:
        found = MeasuredValue.objects.filter(period=period)
        if indicators is not None and variables is not None:  # only the page's rows
            found = found.filter(Q(indicator__lineage__in=[i.lineage for i in indicators])
                                 | Q(variable__in=variables))
        values: dict[Any, MeasuredValue] = {}
        for value in found.select_related("indicator", "author"):
            values[value.indicator.lineage if value.indicator else value.variable_id] = value
        deviations = {d.indicator_id: d for d in Deviation.objects.filter(period=period)}
        return cls(values, deviations)


def _row(period: Period, owner: Indicator | Variable, result: Any = None,
         error: str = "", field: str = "", stored: _Stored | None = None) -> dict[str, Any]:
    stored = stored or _Stored.of(period)
    indicator = isinstance(owner, Indicator)
    value = stored.values.get(owner.lineage if isinstance(owner, Indicator) else owner.pk)
    deviation = stored.deviations.get(owner.pk) if indicator else None
    kind = "indicatore" if isinstance(owner, Indicator) else "variabile"
    return {"period": period, "owner": owner, "kind": kind, "value": value, "result": result,
            "error": error, "error_field": field, "deviation": deviation,
            "target": _target(owner, period) if isinstance(owner, Indicator) else None,
            "dom_id": f"valore-{period.pk}-{kind}-{owner.pk}"}


def _target(indicator: Indicator, period: Period) -> str:
    target = indicator.target_for(period.cycle.year)
    if target is None:
        return ""
    return f"{target.comparator or indicator.comparator} {target.value}".strip()


@require_safe
@login_required
def entry(request: HttpRequest, body_id: int) -> HttpResponse:
    body = body_for(request, body_id)
    cycle = cycle_for(request, body)
    offices = _offices(request.user, body)
    if not offices and not access.can_plan(request.user, body):
        raise PermissionDenied("Il suo ruolo non prevede l'inserimento di valori.")
    wanted = request.GET.get("ufficio", "")
    chosen = [o for o in offices if str(o.pk) == wanted]
    if wanted and not chosen:  # another office's page, asked for by hand
        raise PermissionDenied("Può vedere solo l'inserimento del proprio ufficio.")
    shown = chosen or offices
    office_ids = {o.pk for o in shown}
    version = cycle.current_version()
    periods = list(cycle.periods.filter(state=Period.State.OPEN).order_by("date"))
    sections = []
    mine = [] if version is None else [
        i for i in r.direct_indicators(version, office_ids)
        if (office := r.owner_office(i)) is not None and office.pk in office_ids
    ]
    variables = list(cycle.variables.filter(office__in=office_ids))
    for period in periods:
        results = r.indicator_results(r.result_set(period))
        stored = _Stored.of(period, mine, variables)
        rows = [_row(period, i, results.get(i.pk), stored=stored)
                for i in mine if measured_in(i, period)]
        rows += [_row(period, v, stored=stored) for v in variables]
        sections.append({"period": period, "rows": rows,
                         "missing": sum(1 for row in rows if row["value"] is None)})
    return render(request, "web/entry/entry.html", {
        "body": body, "cycle": cycle, "offices": offices, "shown": shown, "wanted": wanted,
        "sections": sections,
    })


@require_POST
@login_required
def save(request: HttpRequest, body_id: int, period_id: int, kind: str,
         owner_id: int) -> HttpResponse:
    body = body_for(request, body_id)
    period = period_for(request, body, period_id)
    owner = _owner(period, kind, owner_id)
    if not access.can_enter(request.user, body, r.owner_office(owner)
                            if isinstance(owner, Indicator) else owner.office):
        raise PermissionDenied("Può inserire solo i valori del proprio ufficio.")
    error, field, result, status = "", "", None, 200
    try:
        if request.POST.get("deviation") is not None and isinstance(owner, Indicator):
            actions.explain_deviation(request.user, period, owner, request.POST["deviation"])
        else:
            entered = actions.enter_value(
                request.user, period, owner, request.POST.get("value", ""),
                revision=_revision(request.POST.get("revision", "")),
                note=request.POST.get("note", ""),
                not_available_reason=request.POST.get("not_available_reason", ""),
                evidence=request.FILES.get("evidence"),
                reason=request.POST.get("reason", ""),
            )
            result = entered.result[0] if entered.result else None
    except ValidationError as refused:  # a ConflictError too: the row shows the newer value
        error = " ".join(refused.messages)
        fields = list(getattr(refused, "error_dict", {}))
        field = fields[0] if fields else "value"
        status = 409 if isinstance(refused, actions.ConflictError) else 422
    if result is None and isinstance(owner, Indicator):
        result = r.indicator_results(r.result_set(period)).get(owner.pk)
    row = _row(period, owner, result, error, field)
    # htmx swaps the row in place for these statuses too (htmx-config in base.html).
    template = "web/entry/row.html" if request.headers.get("HX-Request") else \
        "web/entry/saved.html"
    return render(request, template, {"body": body, "row": row}, status=status)


_REVISION = re.compile(r"[0-9]{1,9}")


def _revision(text: str) -> int:
    """The revision the form was built from ("0": there was no value yet). A form that does not
    say what it read could overwrite a value saved meanwhile, so it is refused."""
    if not _REVISION.fullmatch(text):
        raise ValidationError({"revision": "Il modulo non indica quale versione del valore è "
                                           "stata letta: ricaricare la pagina e riprovare."})
    return int(text)


def _owner(period: Period, kind: str, owner_id: int) -> Indicator | Variable:
    if kind == "indicatore":
        version = period.cycle.current_version()
        return get_object_or_404(Indicator, pk=owner_id, version=version)
    if kind == "variabile":
        return get_object_or_404(Variable, pk=owner_id, cycle=period.cycle)
    raise Http404
