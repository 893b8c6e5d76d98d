"""The formula check: as the planning office types a formula, its error and where, or the
variables it reads and its value on the last period's figures."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from performa.engine.formula import FormulaError, FormulaSyntaxError, MappingEnv, parse
from performa.engine.values import Kind, format_money, format_number, unit_kind
from performa.measures.models import MeasuredValue, Period
from performa.plans.models import PlanVersion

from .base import plan_version


@dataclass
class FormulaContext:
    """What a formula of this cycle can read: its variables and the last period's values."""

    variables: dict[str, str]  # name → description
    period: Period | None
    values: dict[str, float | None]
    texts: dict[str, str]  # name → value as typed


@dataclass
class FormulaCheck:
    text: str
    error: str = ""
    position: int | None = None
    before: str = ""
    at: str = ""
    after: str = ""
    used: list[tuple[str, str | None, str]] = field(default_factory=list)  # name, descr, value
    nodes: list[str] = field(default_factory=list)
    preview: str = ""
    preview_error: str = ""
    period: Period | None = None


def formula_context(plan: PlanVersion) -> FormulaContext:
    variables = dict(plan.cycle.variables.values_list("name", "description"))
    period = (Period.objects.filter(cycle=plan.cycle, values__variable__isnull=False)
              .order_by("-date").first())
    values: dict[str, float | None] = {}
    texts: dict[str, str] = {}
    if period is not None:
        for name, number, text in MeasuredValue.objects.filter(
            period=period, variable__isnull=False
        ).values_list("variable__name", "number", "value_text"):
            values[name], texts[name] = number, text
    return FormulaContext(variables, period, values, texts)


def check_formula(text: str, unit: str, context: FormulaContext) -> FormulaCheck:
    check = FormulaCheck(text=text, period=context.period)
    try:
        formula = parse(text, known=context.variables.keys())
    except FormulaSyntaxError as error:
        check.error, check.position = str(error), error.position
        check.before, check.at = error.text[:error.position], error.text[error.position:][:1]
        check.after = error.text[error.position + 1:]
        return check
    names = sorted(formula.variables | formula.previous_variables)
    check.used = [(n, context.variables.get(n), context.texts.get(n, "")) for n in names]
    check.nodes = sorted(formula.node_refs)
    if context.period is None:
        check.preview_error = "Nessuna rilevazione con valori: anteprima non disponibile."
        return check
    result = formula.evaluate(MappingEnv(context.values))
    if isinstance(result, FormulaError):
        check.preview_error = result.reason
    else:
        check.preview = _format_result(result, unit)
    return check


def _format_result(value: float | None, unit: str) -> str:
    """The previewed value the way a card prints it: 0.224 under «%» is «22,4%»."""
    if value is None or not math.isfinite(value):
        return "n.d."
    kind = unit_kind(unit)
    if kind is Kind.PERCENT:
        return f"{format_number(value * 100, 1)}%"
    if kind is Kind.MONEY:
        return format_money(value)
    return format_number(value, 0 if value == int(value) else 2)


@require_POST
@login_required
def formula(request: HttpRequest, body_id: int, version_id: int) -> HttpResponse:
    """Check a formula as typed: the error and its position, or the variables it reads and
    its value on the last period's figures. The text comes as ``formula`` or, from a row of
    the card editor, as the field htmx names in ``HX-Trigger-Name``."""
    _, plan = plan_version(request, body_id, version_id)
    name = request.headers.get("HX-Trigger-Name", "")
    if not name.endswith("formula"):
        name = "formula"
    text = request.POST.get(name, "").strip()
    unit = request.POST.get(name[: -len("formula")] + "unit", "")
    check = check_formula(text, unit, formula_context(plan)) if text else None
    return render(request, "web/planning/_formula_check.html", {"check": check})
