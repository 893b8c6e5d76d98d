"""The forms of the planning pages: what each accepts, in Italian, styled for Bootstrap Italia.

They validate and build the objects; saving is the actions' (``plans.actions``,
``plans.editing``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import inlineformset_factory

from performa.engine.values import ValueParseError, format_money, parse_money
from performa.plans.forms import IndicatorForm, IndicatorInlineFormSet
from performa.plans.models import (
    Action,
    CostCentre,
    Indicator,
    OperationalObjective,
    OrgUnit,
    Phase,
    PlanVersion,
    StrategicArea,
    StrategicObjective,
    Target,
)
from performa.plans.validation import check_target


def _styled(form: forms.BaseForm, size: str = "") -> None:
    """Bootstrap Italia's classes on every widget (the templates render widgets as they are)."""
    for bound in form.fields.values():
        widget = bound.widget
        if isinstance(widget, forms.CheckboxSelectMultiple):
            continue
        if isinstance(widget, forms.CheckboxInput):
            css = "form-check-input"
        elif isinstance(widget, forms.Select):
            css = f"form-select{' form-select-' + size if size else ''}"
        else:
            css = f"form-control{' form-control-' + size if size else ''}"
        widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


# -- adoption -------------------------------------------------------------------------------


class AdoptForm(forms.Form):
    organ = forms.CharField(label="Organo", max_length=60, initial="Giunta")
    number = forms.CharField(label="Delibera n.", max_length=30)
    day = forms.DateField(
        label="Delibera del", input_formats=["%d/%m/%Y"], help_text="gg/mm/aaaa",
        error_messages={"invalid": "Data non valida: scriverla come gg/mm/aaaa."},
        widget=forms.DateInput(format="%d/%m/%Y"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _styled(self)


# -- the tree's nodes -----------------------------------------------------------------------


class VersionedForm(forms.ModelForm):
    """A tree item of one version; its code must be unique in the version."""

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.version = version
        self.instance.version = version
        _styled(self)

    def clean_code(self) -> str:
        code: str = self.cleaned_data["code"].strip()
        taken = type(self.instance).objects.filter(version=self.version, code=code)
        if self.instance.pk:
            taken = taken.exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(code_taken(code))
        return code


def code_taken(code: str) -> str:
    return f"Il codice «{code}» è già usato in questa versione del piano."


class AreaForm(VersionedForm):
    class Meta:
        model = StrategicArea
        fields = ["code", "title"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}


def _classification(form: forms.ModelForm) -> None:
    """A programme chosen without its mission brings the mission; one of another mission is
    refused beside the field."""
    programme = form.cleaned_data.get("programme")
    mission = form.cleaned_data.get("mission")
    if programme is None:
        return
    if mission is None:
        form.cleaned_data["mission"] = programme.mission
    elif programme.mission_id != mission.pk:
        form.add_error("programme", f"Il programma {programme.mission.code}.{programme.code} "
                                    f"non appartiene alla missione {mission.code}.")


class StrategicObjectiveForm(VersionedForm):
    class Meta:
        model = StrategicObjective
        fields = ["code", "title", "area", "mission", "programme", "function", "perspective",
                  "common_objective", "description", "time_span", "stakeholders", "benefits",
                  "responsible_centre", "resources", "related"]
        labels = {"area": "Ambito strategico", "function":
                  "Funzione istituzionale (DPR 254/2005)",
                  "description": "Descrizione (scheda PIRA)",
                  "time_span": "Arco temporale di realizzazione",
                  "stakeholders": "Portatori d'interesse", "benefits": "Benefici attesi",
                  "responsible_centre": "Centro di responsabilità",
                  "resources": "Risorse economiche",
                  "related": "Obiettivi operativi collegati"}
        help_texts = {
            "time_span": "Come nel PIRA: «2022/2024 (triennale)».",
            "resources": "Come stampate nella scheda: «€ 460.000,00».",
        }
        widgets = {"title": forms.Textarea(attrs={"rows": 2}),
                   "description": forms.Textarea(attrs={"rows": 4}),
                   "stakeholders": forms.Textarea(attrs={"rows": 2}),
                   "benefits": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.fields["area"].queryset = StrategicArea.objects.filter(version=version)
        self.fields["programme"].queryset = self.fields["programme"].queryset.select_related(
            "mission")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _classification(self)
        return data

    def _post_clean(self) -> None:
        # The model's own check says the same as _classification: keep one message.
        if self.has_error("programme"):
            return
        super()._post_clean()


class CardForm(VersionedForm):
    class Meta:
        model = OperationalObjective
        fields = ["code", "title", "description", "expected_impact", "resources",
                  "strategic_objective", "area", "offices", "transversal", "common_objective",
                  "mission", "programme"]
        labels = {"resources": "Risorse economiche", "offices": "Uffici"}
        help_texts = {
            "resources": "Come stampate nella scheda: «€ 20.000,00» oppure «risorse interne».",
            "mission": "Vuota: quella dell'obiettivo strategico.",
            "programme": "Vuoto: quello dell'obiettivo strategico.",
        }
        widgets = {
            "title": forms.Textarea(attrs={"rows": 2}),
            "description": forms.Textarea(attrs={"rows": 4}),
            "expected_impact": forms.Textarea(attrs={"rows": 3}),
            "offices": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        body_units = OrgUnit.objects.filter(body=version.cycle.body_id)
        self.fields["strategic_objective"].queryset = StrategicObjective.objects.filter(
            version=version)
        self.fields["area"].queryset = body_units.filter(kind=OrgUnit.Kind.AREA)
        self.fields["offices"].queryset = body_units.filter(kind=OrgUnit.Kind.OFFICE)
        self.fields["programme"].queryset = self.fields["programme"].queryset.select_related(
            "mission")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        _classification(self)
        return data


# -- phases and actions ---------------------------------------------------------------------

YEAR_ERRORS = {"invalid": "Scrivere l'anno in cifre, es. 2022.",
               "min_value": "Anno non ammesso: dal 2000.",
               "max_value": "Anno non ammesso: fino al 2100."}


class PhaseForm(forms.ModelForm):
    """A phase of an objective: the years it runs and its milestone, if any."""

    first_year = forms.IntegerField(label="Dal (anno)", min_value=2000, max_value=2100,
                                    error_messages=YEAR_ERRORS)
    last_year = forms.IntegerField(label="Al (anno)", min_value=2000, max_value=2100,
                                   error_messages=YEAR_ERRORS)
    milestone = forms.DateField(
        label="Milestone entro il", required=False, input_formats=["%d/%m/%Y"],
        help_text="gg/mm/aaaa; vuota: la fase non ha una milestone.",
        error_messages={"invalid": "Data non valida: scriverla come gg/mm/aaaa."},
        widget=forms.DateInput(format="%d/%m/%Y"),
    )

    class Meta:
        model = Phase
        fields = ["title", "first_year", "last_year", "milestone"]
        labels = {"title": "Fase"}
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.version = version
        if not self.instance.pk:
            self.initial.setdefault("first_year", version.cycle.first_year)
            self.initial.setdefault("last_year", version.cycle.last_year)
        _styled(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None and first > last:
            self.add_error("last_year", f"L'anno di fine {last} viene prima di quello di "
                                        f"inizio {first}.")
        return data


AMOUNTS = {"costs": "Oneri", "revenues": "Ricavi", "contributions": "Contributi",
           "investments": "Investimenti"}


class ActionForm(VersionedForm):
    """An action of a card, its cost centre and office, and its money typed the Italian way
    («40.000,00» or «€ 40.000,00»; empty: nothing)."""

    costs = forms.CharField(label="Oneri", required=False, max_length=30)
    revenues = forms.CharField(label="Ricavi", required=False, max_length=30)
    contributions = forms.CharField(label="Contributi", required=False, max_length=30)
    investments = forms.CharField(label="Investimenti", required=False, max_length=30)

    class Meta:
        model = Action
        fields = ["code", "title", "activity", "cost_centre", "office", "description",
                  "costs", "revenues", "contributions", "investments"]
        labels = {"office": "Ufficio responsabile"}
        widgets = {"title": forms.Textarea(attrs={"rows": 2}),
                   "description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        body = version.cycle.body_id
        self.fields["cost_centre"].queryset = CostCentre.objects.filter(body=body)
        self.fields["office"].queryset = OrgUnit.objects.filter(body=body)
        for name in AMOUNTS:
            self.fields[name].help_text = "es. 40.000,00"
            if self.instance.pk:
                self.initial[name] = format_money(getattr(self.instance, name))

    def _amount(self, name: str) -> Decimal:
        text = (self.cleaned_data.get(name) or "").strip()
        try:
            amount = parse_money(text)
        except ValueParseError as error:
            raise ValidationError(f"{AMOUNTS[name]}: {error.reason}.") from None
        if amount is not None and amount < 0:
            raise ValidationError(f"{AMOUNTS[name]}: indicare un importo non negativo.")
        return amount if amount is not None else Decimal(0)

    def clean_costs(self) -> Decimal:
        return self._amount("costs")

    def clean_revenues(self) -> Decimal:
        return self._amount("revenues")

    def clean_contributions(self) -> Decimal:
        return self._amount("contributions")

    def clean_investments(self) -> Decimal:
        return self._amount("investments")


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(queryset=StrategicArea.objects.none(), label="Sposta in")


# -- a card's indicators --------------------------------------------------------------------


class IndicatorRowForm(IndicatorForm):
    """One row of the card's table: the indicator's fields and its target for the year."""

    target = forms.CharField(max_length=60, required=False)

    class Meta(IndicatorForm.Meta):
        fields = ["name", "description", "kind", "unit", "baseline", "comparator",
                  "weight_text", "formula", "source", "published"]
        labels = {"name": "Nome", "description": "Descrizione / algoritmo",
                  "kind": "Tipologia", "unit": "UdM", "baseline": "Stato anno precedente",
                  "comparator": "Comparatore", "weight_text": "Peso", "formula": "Formula",
                  "source": "Fonte del dato", "published": "Indicatore chiave (PIRA)"}
        widgets = {
            "name": forms.Textarea(attrs={"rows": 3, "cols": 22}),
            "description": forms.Textarea(attrs={"rows": 3, "cols": 30}),
            "kind": forms.TextInput(attrs={"list": "tipologie", "size": 12}),
            "unit": forms.TextInput(attrs={"list": "unita", "size": 4}),
            "baseline": forms.TextInput(attrs={"size": 7}),
            "comparator": forms.TextInput(attrs={"list": "comparatori", "size": 3}),
            "weight_text": forms.TextInput(attrs={"size": 6, "data-weight": ""}),
            "formula": forms.TextInput(attrs={"size": 28, "data-formula-input": "",
                                              "autocomplete": "off", "spellcheck": "false"}),
            "source": forms.TextInput(attrs={"size": 12}),
        }

    def __init__(self, *args: Any, year: int, targets: dict[int, Target], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.fields["target"].label = f"Target {year}"
        current = targets.get(self.instance.pk) if self.instance.pk else None
        self.existing_target = current
        self.initial["target"] = current.value if current else ""
        self.fields["target"].widget.attrs["size"] = 8
        _styled(self, "sm")
        for bound in self.fields.values():  # the sizes above decide the columns' widths
            bound.widget.attrs["class"] += " w-auto"

    def clean(self) -> dict[str, Any]:
        text = (self.cleaned_data.get("target") or "").strip()
        comparator = self.cleaned_data.get("comparator") or ""
        if text:
            for finding in check_target(self.year, text, self.cleaned_data.get("unit") or "",
                                        comparator, ""):
                if finding.blocking:
                    self.add_error("target", finding.message)
        return super().clean()


class IndicatorRows(IndicatorInlineFormSet):
    """The card's table, with a position and a delete box on each row."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Posizione"
        form.fields["ORDER"].widget.attrs |= {
            "class": "form-control form-control-sm w-auto", "min": 1, "size": 3,
        }
        form.fields["DELETE"].label = "Elimina"
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"


IndicatorFormSet = inlineformset_factory(
    OperationalObjective, Indicator, form=IndicatorRowForm, formset=IndicatorRows, extra=1,
    can_delete=True, can_order=True,
)
