"""A card's indicators as one table, with their targets of the year, saved all at once."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from performa.catalog.models import IndicatorType, Unit
from performa.engine.values import ValueParseError, format_number
from performa.plans import editing
from performa.plans.models import Indicator, OperationalObjective, Target
from performa.plans.validation import parse_weight, weight_tolerance

from .base import FORM_METHODS, FROZEN_NOTE, draft_or_redirect, plan_version
from .forms import IndicatorFormSet
from .formula import check_formula, formula_context

COMPARATORS = [">=", "<=", "=", ">", "<", "≥", "≤"]


@require_http_methods(FORM_METHODS)
@login_required
def indicators(request: HttpRequest, body_id: int, version_id: int, pk: int) -> HttpResponse:
    """The card's indicators as one table, saved all at once (or not at all)."""
    body, plan = plan_version(request, body_id, version_id)
    card = get_object_or_404(OperationalObjective.objects.select_related("strategic_objective"),
                             pk=pk, version=plan)
    if request.method == "POST" and (refused := draft_or_redirect(request, plan)) is not None:
        return refused
    year = plan.cycle.year
    targets = {t.indicator_id: t for t in
               Target.objects.filter(indicator__operational_objective=card, year=year)}
    formset = IndicatorFormSet(request.POST or None, instance=card, prefix="indicators",
                               queryset=card.indicators.order_by("order", "pk"),
                               form_kwargs={"year": year, "targets": targets})
    if request.method == "POST" and formset.is_valid():
        try:
            editing.save_indicators(request.user, card, year, _rows(formset))
        except ValidationError as error:  # measured data at stake, or adopted meanwhile
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, f"Indicatori della scheda {card.code} salvati.")
            return redirect("web:planning_indicators", body.pk, plan.pk, card.pk)
    context = formula_context(plan)
    url = reverse("web:planning_formula", args=[body.pk, plan.pk])
    rows = []
    for form in formset.forms:
        _wire_formula(form, url)
        text = form["formula"].value() or ""
        check = check_formula(text, form["unit"].value() or "", context) if text else None
        rows.append((form, check))
    empty = formset.empty_form
    _wire_formula(empty, url)
    total, off = _weight_total(formset)
    return render(request, "web/planning/indicators.html", {
        "body": body, "version": plan, "card": card, "formset": formset, "rows": rows,
        "empty_form": empty, "weight_total": total, "weight_off": off,
        "year": year, "frozen": plan.frozen, "frozen_note": FROZEN_NOTE,
        "variables": context.variables, "period": context.period,
        "kinds": IndicatorType.objects.values_list("name", flat=True),
        "units": Unit.objects.values_list("symbol", flat=True), "comparators": COMPARATORS,
        "read_only_rows": _read_only_rows(card, year) if plan.frozen else [],
    })


def _rows(formset: Any) -> list[editing.IndicatorRow]:
    """The table as typed, for the action: every stored row, and the new ones filled in."""
    rows = []
    for form in formset.forms:
        deleted = form in formset.deleted_forms
        if form.instance.pk is None and (deleted or not form.has_changed()):
            continue  # a blank new row, or one added and deleted at once
        rows.append(editing.IndicatorRow(
            form.instance, target=(form.cleaned_data.get("target") or "").strip(),
            shown=form.existing_target, shown_comparator=form.initial.get("comparator") or "",
            changed=form.changed_data, position=form.cleaned_data.get("ORDER"),
            moved="ORDER" in form.changed_data, deleted=deleted,
        ))
    return rows


def _weight_total(formset: Any) -> tuple[str, bool]:
    """The weights of the rows as shown (typed or stored), for the page without JavaScript."""
    weights = []
    for form in formset.forms:
        if form.prefix and form["DELETE"].value() in (True, "on"):
            continue
        try:
            weight = parse_weight(form["weight_text"].value() or "")
        except ValueParseError:
            return "n.d.", True
        if weight is not None or form.instance.pk:
            weights.append(weight or Decimal(0))
    total = sum(weights, Decimal(0))
    off = bool(weights) and abs(total - 1) > weight_tolerance(len(weights))
    return f"{format_number(float(total) * 100, 1)}%", off


def _wire_formula(form: forms.Form, url: str) -> None:
    """The formula input checks itself as the user types (htmx), into the row's region."""
    bound = form["formula"]
    described = [f"{bound.auto_id}_check"]
    if form.is_bound and bound.errors:
        described.append(f"{bound.auto_id}_error")
    form.fields["formula"].widget.attrs |= {
        "hx-post": url, "hx-trigger": "input changed delay:500ms",
        "hx-target": f"#{bound.auto_id}_check", "hx-swap": "innerHTML",
        "aria-describedby": " ".join(described),
    }


def _read_only_rows(card: OperationalObjective, year: int) -> list[tuple[Indicator, str]]:
    rows = []
    for indicator in card.indicators.prefetch_related("targets").order_by("order"):
        target = indicator.target_for(year)
        rows.append((indicator, f"{target.comparator} {target.value}".strip() if target else ""))
    return rows
