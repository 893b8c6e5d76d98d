"""Editing forms that refuse new violations of the plan rules, in Italian, naming the item.

The admin uses them today and the planning editor will; the rules are those of
``validation``, so an import and an edit judge a plan the same way. An imported plan may
already break a rule (weights not summing to 100%): editing is refused only when the edit
itself breaks one, so a planning office can still fix other things on such a card.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from performa.engine.values import format_number

from . import models as m
from .validation import check_fields, check_target, parse_weight, weight_tolerance


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = m.Indicator
        fields = [
            "order", "code", "catalog", "name", "description", "formula", "kind", "unit",
            "source", "comparator", "baseline", "weight_text", "office",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        version = self.instance.version if self.instance.version_id else None
        variables = (
            list(version.cycle.variables.values_list("name", flat=True)) if version else None
        )
        item = f"Indicatore «{data.get('name') or self.instance.name}»"
        problems = check_fields(
            data.get("unit") or "", data.get("comparator") or "", data.get("baseline") or "",
            data.get("weight_text") or "", data.get("formula") or "", item, variables,
        )
        blocking = [f.message for f in problems if f.blocking]
        if blocking:
            raise ValidationError(blocking)
        return data


class TargetForm(forms.ModelForm):
    class Meta:
        model = m.Target
        fields = ["year", "comparator", "value"]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        indicator = self.instance.indicator if self.instance.indicator_id else None
        unit = indicator.unit if indicator else ""
        comparator = data.get("comparator") or (indicator.comparator if indicator else "")
        if data.get("value") and data.get("year"):
            problems = check_target(data["year"], data["value"], unit, comparator, "")
            blocking = [f.message for f in problems if f.blocking]
            if blocking:
                raise ValidationError({"value": blocking})
        return data


class IndicatorInlineFormSet(forms.BaseInlineFormSet):
    """The weights of one objective's indicators, checked together as they are saved."""

    def _construct_form(self, i: int, **kwargs: Any) -> forms.Form:
        form = super()._construct_form(i, **kwargs)
        if self.instance.pk and not form.instance.version_id:  # new rows: the card's version
            form.instance.version = self.instance.version
        return form

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        kept = [f for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")]
        changed = any(
            f.has_changed() and ("weight_text" in f.changed_data or not f.instance.pk)
            for f in kept
        ) or any(f.cleaned_data.get("DELETE") for f in self.forms if f.cleaned_data)
        if not changed:
            return
        total = sum((parse_weight(f.cleaned_data.get("weight_text") or "") or Decimal(0)
                     for f in kept), Decimal(0))
        if kept and abs(total - 1) > weight_tolerance(len(kept)):
            code = getattr(self.instance, "code", "")
            raise ValidationError(
                f"La somma dei pesi degli indicatori di «{code}» è "
                f"{format_number(float(total) * 100, 1)}%: deve essere 100%."
            )
