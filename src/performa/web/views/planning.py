"""The planning editor: versions, amendment and adoption, the draft's tree, cards, formulas.

Only the planning office (and administrators) come here. An adopted plan is frozen: it is
shown read-only and changed by starting an amendment, a draft copied from it, which is edited
and then adopted by resolution (``plans.actions``). The draft's tree keeps the ``order`` of
each level running through the whole version in document order (as the loader stores it),
so every other page can list a level with a plain ``order_by("order")``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import Count, Sum
from django.forms.models import inlineformset_factory
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from simple_history.utils import bulk_update_with_history

from performa.accounts import access
from performa.catalog.models import IndicatorType, Unit
from performa.engine.formula import FormulaError, FormulaSyntaxError, MappingEnv, parse
from performa.engine.values import (
    Kind,
    ValueParseError,
    format_number,
    parse_value,
    unit_kind,
)
from performa.measures.models import Deviation, IndicatorResult, MeasuredValue, Period
from performa.measures.reach import body_for, cycle_for, planning_body
from performa.plans import actions
from performa.plans.diff import ADDED, CARD, INDICATOR, REMOVED, STRATEGIC, Change, diff
from performa.plans.forms import IndicatorForm, IndicatorInlineFormSet
from performa.plans.models import (
    Body,
    Cycle,
    Indicator,
    OperationalObjective,
    OrgUnit,
    PlanVersion,
    StrategicArea,
    StrategicObjective,
    Target,
)
from performa.plans.store import plan_document
from performa.plans.validation import check_target, parse_weight, weight_tolerance

FROZEN_NOTE = "Piano adottato: avviare un aggiornamento per modificarlo."
FORM_METHODS = ["GET", "HEAD", "POST"]
COMPARATORS = [">=", "<=", "=", ">", "<", "≥", "≤"]


# -- access ---------------------------------------------------------------------------------


def _version(request: HttpRequest, body_id: int, version_id: int) -> tuple[Body, PlanVersion]:
    """A version of a body the user plans for: 404 outside the body, 403 without the role."""
    body = planning_body(request, body_id)
    version = get_object_or_404(
        PlanVersion.objects.select_related("cycle", "based_on"), pk=version_id, cycle__body=body
    )
    return body, version


def _tree_url(version: PlanVersion, anchor: str = "") -> str:
    url = reverse("web:planning_version", args=[version.cycle.body_id, version.pk])
    return f"{url}#{anchor}" if anchor else url


def _versions_url(cycle: Cycle) -> str:
    return f"{reverse('web:planning', args=[cycle.body_id])}?anno={cycle.year}"


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


# -- versions, amendment, adoption ----------------------------------------------------------


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


@require_safe
@login_required
def versions(request: HttpRequest, body_id: int) -> HttpResponse:
    """The cycle's plan versions, with amendment, adoption and comparison."""
    body = planning_body(request, body_id)
    return _versions_page(request, body, cycle_for(request, body))


def _versions_page(
    request: HttpRequest, body: Body, cycle: Cycle, adopt_form: AdoptForm | None = None,
    adopt_errors: Sequence[str] = (),
) -> HttpResponse:
    found = list(cycle.versions.select_related("based_on").order_by("number"))
    draft = next((v for v in found if v.status == PlanVersion.Status.DRAFT), None)
    current = cycle.current_version()
    newest = found[-1] if found else None
    return render(request, "web/planning/versions.html", {
        "body": body, "cycle": cycle, "versions": found, "draft": draft,
        "cycles": list(body.cycles.order_by("-year")),
        "can_amend": current is not None and draft is None,
        "adopt_form": adopt_form or AdoptForm(), "adopt_errors": adopt_errors,
        "compare_old": newest.based_on if newest and newest.based_on else None,
        "compare_new": newest,
    })


@require_POST
@login_required
def amend(request: HttpRequest, body_id: int) -> HttpResponse:
    """Start an amendment: a draft copied from the plan in force."""
    body = planning_body(request, body_id)
    cycle = cycle_for(request, body)
    try:
        draft = actions.amend(cycle)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(_versions_url(cycle))
    messages.success(request, f"Bozza di aggiornamento (versione {draft.number}) creata: "
                              "modificarla e poi adottarla con la delibera.")
    return redirect(_tree_url(draft))


@require_POST
@login_required
def adopt(request: HttpRequest, body_id: int, version_id: int) -> HttpResponse:
    """Adopt the draft by resolution; every new rule violation is listed, nothing adopted."""
    body, version = _version(request, body_id, version_id)
    form = AdoptForm(request.POST)
    if not form.is_valid():
        return _versions_page(request, body, version.cycle, form)
    data = form.cleaned_data
    try:
        actions.adopt(version, data["organ"].strip(), data["number"].strip(), data["day"])
    except ValidationError as error:
        return _versions_page(request, body, version.cycle, form, error.messages)
    messages.success(request, f"Versione {version.number} adottata: delibera della "
                              f"{data['organ']} n. {data['number']} del "
                              f"{data['day']:%d/%m/%Y}.")
    return redirect(_versions_url(version.cycle))


# -- comparison -----------------------------------------------------------------------------


@dataclass
class ChangeGroup:
    heading: str
    anchor: str
    lines: list[tuple[str, str]] = field(default_factory=list)  # (kind, Italian text)


_NOUNS = {  # (article + noun, feminine)
    "ambito": ("l'ambito", False), STRATEGIC: ("l'obiettivo strategico", False),
    CARD: ("la scheda", True), INDICATOR: ("l'indicatore", False),
}
_ANCHORS = {"ambito": "ambito", STRATEGIC: "os", CARD: "scheda"}


@require_safe
@login_required
def compare(request: HttpRequest, body_id: int) -> HttpResponse:
    """What changed between two versions (``?da=`` older, ``?a=`` newer), grouped by card.

    Every member reads it (the OIV checks what an amendment changed); drafts stay the
    planning office's, as everywhere."""
    body = body_for(request, body_id)
    every = PlanVersion.objects.filter(cycle__body=body).select_related("cycle")
    if not access.can_plan(request.user, body):
        every = every.exclude(status=PlanVersion.Status.DRAFT)
    every = list(every.order_by("-cycle__year", "-number"))
    if not every:
        raise Http404("Nessun piano per questo ente.")
    by_pk = {str(v.pk): v for v in every}
    new = by_pk.get(request.GET.get("a", "")) or every[0]
    fallback = new.based_on or next((v for v in every if v.cycle_id == new.cycle_id
                                     and v.number < new.number), new)
    old = by_pk.get(request.GET.get("da", "")) or fallback
    old_doc, new_doc = plan_document(old), plan_document(new)
    changes = diff(old_doc, new_doc)
    return render(request, "web/planning/compare.html", {
        "body": body, "cycle": new.cycle, "old": old, "new": new, "versions": every,
        "can_plan": access.can_plan(request.user, body),
        "groups": _groups(changes, [old_doc, new_doc]), "count": len(changes),
    })


def _groups(changes: list[Change], docs: list[Any]) -> list[ChangeGroup]:
    titles: dict[tuple[str, str], str] = {}
    for doc in docs:  # the newer title wins
        for area in doc.areas:
            titles[("ambito", area.code)] = area.title
            for so in area.objectives:
                titles[(STRATEGIC, so.code)] = so.title
                for card in so.operational:
                    titles[(CARD, card.code)] = card.title
    groups: dict[tuple[str, str], ChangeGroup] = {}
    for change in changes:
        level = CARD if change.level in (CARD, INDICATOR) else change.level
        code = change.path[{"ambito": 0, STRATEGIC: 1, CARD: 2}[level]]
        group = groups.get((level, code))
        if group is None:
            heading = f"{level.capitalize()} {code} {titles.get((level, code), '')}".strip()
            group = groups[(level, code)] = ChangeGroup(heading, f"{_ANCHORS[level]}-{code}")
        group.lines.append((change.kind, _describe(change)))
    return list(groups.values())


def _describe(change: Change) -> str:
    """One change in Italian: «Target 2022: 80 → 60», «Aggiunto l'indicatore «Eventi PID»»."""
    noun, feminine = _NOUNS[change.level]
    ending = "a" if feminine else "o"
    if change.level == INDICATOR:
        subject = f"{noun} «{change.label}»"
    else:
        subject = f"{noun} {change.label} «{change.new or change.old}»"
    if change.kind == ADDED:
        return f"Aggiunt{ending} {subject}"
    if change.kind == REMOVED:
        return f"Eliminat{ending} {subject}"
    text = f"{change.field.capitalize()}: {change.old or '—'} → {change.new or '—'}"
    if change.level == INDICATOR:
        return f"Indicatore «{change.label}» — {text}"
    return text


# -- the draft's tree -----------------------------------------------------------------------


@require_safe
@login_required
def version(request: HttpRequest, body_id: int, version_id: int) -> HttpResponse:
    """The tree of a version: editable for a draft, read-only once adopted."""
    body, plan = _version(request, body_id, version_id)
    areas = list(StrategicArea.objects.filter(version=plan))
    objectives = list(StrategicObjective.objects.filter(version=plan)
                      .select_related("mission", "programme", "function"))
    cards = list(OperationalObjective.objects.filter(version=plan).select_related("area")
                 .annotate(indicator_count=Count("indicators"),
                           weight_sum=Sum("indicators__weight")))
    tree = [{
        "area": area,
        "objectives": [{
            "so": so,
            "cards": [(card, _weight_note(card)) for card in cards
                      if card.strategic_objective_id == so.pk],
        } for so in objectives if so.area_id == area.pk],
    } for area in areas]
    return render(request, "web/planning/version.html", {
        "body": body, "cycle": plan.cycle, "version": plan, "tree": tree,
        "frozen": plan.frozen, "frozen_note": FROZEN_NOTE,
        "areas": areas, "objectives": objectives,
    })


def _weight_note(card: Any) -> tuple[str, bool]:
    """The card's weight sum as printed ("100,0%") and whether it is off 100%."""
    if not card.indicator_count:
        return "nessun indicatore", True
    total = card.weight_sum or Decimal(0)
    off = abs(total - 1) > weight_tolerance(card.indicator_count)
    return f"{format_number(float(total) * 100, 1)}%", off


class _VersionedForm(forms.ModelForm):
    """A tree item of one version; its code must be unique in the version."""

    parent_field = ""

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
            raise ValidationError(_code_taken(code))
        return code

    def save_checked(self) -> bool:
        """Save, turning a code taken meanwhile (the database constraint) or a version
        adopted meanwhile into form errors instead of a server error."""
        new = self.instance.pk is None
        moved = bool(self.parent_field) and self.parent_field in self.changed_data
        try:
            with transaction.atomic():
                saved = self.save()
                if new or moved:  # last among its (new) siblings
                    _place_last(saved, self.parent_field)
        except IntegrityError:
            self.add_error("code", _code_taken(self.cleaned_data.get("code", "")))
            return False
        except ValidationError as error:
            self.add_error(None, error)
            return False
        return True


def _code_taken(code: str) -> str:
    return f"Il codice «{code}» è già usato in questa versione del piano."


class AreaForm(_VersionedForm):
    class Meta:
        model = StrategicArea
        fields = ["code", "title"]
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}


class StrategicObjectiveForm(_VersionedForm):
    parent_field = "area"

    class Meta:
        model = StrategicObjective
        fields = ["code", "title", "area", "mission", "programme", "function", "perspective",
                  "common_objective"]
        labels = {"area": "Ambito strategico", "function":
                  "Funzione istituzionale (DPR 254/2005)"}
        widgets = {"title": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args: Any, version: PlanVersion, **kwargs: Any) -> None:
        super().__init__(*args, version=version, **kwargs)
        self.fields["area"].queryset = StrategicArea.objects.filter(version=version)
        self.fields["programme"].queryset = self.fields["programme"].queryset.select_related(
            "mission")


class CardForm(_VersionedForm):
    parent_field = "strategic_objective"

    class Meta:
        model = OperationalObjective
        fields = ["code", "title", "description", "expected_impact", "resources",
                  "strategic_objective", "area", "offices", "transversal", "common_objective"]
        labels = {"resources": "Risorse economiche", "offices": "Uffici"}
        help_texts = {
            "resources": "Come stampate nella scheda: «€ 20.000,00» oppure «risorse interne».",
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

    def save(self, commit: bool = True) -> OperationalObjective:
        card: OperationalObjective = super().save(commit=False)
        card.resources_amount = _money(card.resources)
        # The texts are what documents print; follow a changed choice, keep imported wording.
        if "area" in self.changed_data or "transversal" in self.changed_data:
            card.area_text = (card.area.name if card.area else
                              "Obiettivo trasversale" if card.transversal else "")
        if "offices" in self.changed_data:
            card.office_text = ", ".join(o.name for o in self.cleaned_data["offices"])
        if commit:
            card.save()
            self.save_m2m()
        return card


def _money(text: str) -> Decimal | None:
    """The amount of printed resources ("€ 20.000,00"); None for words ("risorse interne")."""
    try:
        value = parse_value(text, "€") if text.strip() else None
    except ValueParseError:
        return None
    if value is None or value.kind not in (Kind.MONEY, Kind.NUMBER) or value.number is None:
        return None
    return Decimal(repr(value.number)).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class _Level:
    slug: str
    model: type[models.Model]
    form: type[_VersionedForm]
    parent: str  # the field naming the parent node; "" for areas
    noun: str  # "l'ambito"
    new_title: str


LEVELS = {
    level.slug: level for level in (
        _Level("ambiti", StrategicArea, AreaForm, "", "l'ambito", "Nuovo ambito strategico"),
        _Level("obiettivi-strategici", StrategicObjective, StrategicObjectiveForm, "area",
               "l'obiettivo strategico", "Nuovo obiettivo strategico"),
        _Level("schede", OperationalObjective, CardForm, "strategic_objective", "la scheda",
               "Nuova scheda (obiettivo operativo)"),
    )
}


def _level(slug: str) -> _Level:
    found = LEVELS.get(slug)
    if found is None:
        raise Http404
    return found


def _draft_or_redirect(request: HttpRequest, plan: PlanVersion) -> HttpResponse | None:
    if plan.frozen:
        messages.error(request, FROZEN_NOTE)
        return redirect(_tree_url(plan))
    return None


@require_http_methods(FORM_METHODS)
@login_required
def node_new(request: HttpRequest, body_id: int, version_id: int, level: str) -> HttpResponse:
    """Add an area, a strategic objective or a card; ``?padre=`` preselects the parent."""
    body, plan = _version(request, body_id, version_id)
    kind = _level(level)
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    initial = {}
    if kind.parent and request.GET.get("padre", "").isdigit():
        initial[kind.parent] = int(request.GET["padre"])
    form = kind.form(request.POST or None, initial=initial, version=plan)
    if request.method == "POST" and form.is_valid() and form.save_checked():
        messages.success(request, f"Aggiunto al piano: {form.instance}.")
        return redirect(_tree_url(plan, f"{kind.slug}-{form.instance.pk}"))
    return render(request, "web/planning/form.html", {
        "body": body, "version": plan, "form": form, "title": kind.new_title,
    })


@require_http_methods(FORM_METHODS)
@login_required
def node_edit(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int
) -> HttpResponse:
    """Edit a node; changing its parent moves it (last among its new siblings)."""
    body, plan = _version(request, body_id, version_id)
    kind = _level(level)
    node = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    form = kind.form(request.POST or None, instance=node, version=plan)
    if request.method == "POST" and form.is_valid() and form.save_checked():
        messages.success(request, f"Salvato: {form.instance}.")
        return redirect(_tree_url(plan, f"{kind.slug}-{node.pk}"))
    return render(request, "web/planning/form.html", {
        "body": body, "version": plan, "form": form,
        "title": f"Modifica {kind.noun} {node.code}",
    })


@require_http_methods(FORM_METHODS)
@login_required
def node_delete(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int
) -> HttpResponse:
    """Confirm, then delete a node with everything under it — never measured values."""
    body, plan = _version(request, body_id, version_id)
    kind = _level(level)
    node: Any = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    cards = _cards_under(kind, node)
    indicators = Indicator.objects.filter(operational_objective__in=cards)
    blocker = _measured(indicators, cards)
    if request.method == "POST" and not blocker:
        try:
            with transaction.atomic():
                node.delete()
        except (ValidationError, models.ProtectedError, models.RestrictedError) as error:
            blocker = _message(error)
        else:
            messages.success(request, f"Eliminato: {node.code} {node.title}.")
            return redirect(_tree_url(plan))
    return render(request, "web/planning/delete.html", {
        "body": body, "version": plan, "node": node, "noun": kind.noun, "blocker": blocker,
        "objectives": (StrategicObjective.objects.filter(area=node).count()
                       if kind.model is StrategicArea else 0),
        "cards": cards.count() if kind.model is not OperationalObjective else 0,
        "indicators": indicators.count(),
    })


def _cards_under(kind: _Level, node: Any) -> models.QuerySet[OperationalObjective]:
    if kind.model is StrategicArea:
        return OperationalObjective.objects.filter(strategic_objective__area=node)
    if kind.model is StrategicObjective:
        return OperationalObjective.objects.filter(strategic_objective=node)
    return OperationalObjective.objects.filter(pk=node.pk)


def _measured(
    indicators: models.QuerySet[Indicator], cards: models.QuerySet[OperationalObjective] | None
) -> str:
    """Why deleting would lose measured data (values, explanations, results), or ""."""
    for model, what in ((MeasuredValue, "valori rilevati"), (Deviation, "scostamenti motivati"),
                        (IndicatorResult, "risultati calcolati")):
        found = model.objects.filter(
            indicator__in=indicators).select_related("indicator").first()
        if found is not None:
            return (f"Non si può eliminare: l'indicatore «{found.indicator.name}» ha {what}, "
                    "che andrebbero persi.")
    if cards is not None and cards.filter(resource_uses__isnull=False).exists():
        return "Non si può eliminare: è registrato l'utilizzo delle risorse della scheda."
    return ""


def _message(error: Exception) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "Non si può eliminare: altri dati vi fanno riferimento."


class MoveForm(forms.Form):
    parent = forms.ModelChoiceField(queryset=StrategicArea.objects.none(), label="Sposta in")


@require_POST
@login_required
def node_move(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int
) -> HttpResponse:
    """Move a strategic objective to another area, or a card to another strategic objective."""
    _, plan = _version(request, body_id, version_id)
    kind = _level(level)
    if not kind.parent:
        raise Http404
    node: Any = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    form = MoveForm(request.POST)
    parent_model = StrategicArea if kind.model is StrategicObjective else StrategicObjective
    form.fields["parent"].queryset = parent_model.objects.filter(version=plan)
    if not form.is_valid():
        messages.error(request, "Scegliere dove spostare l'elemento.")
        return redirect(_tree_url(plan, f"{kind.slug}-{node.pk}"))
    parent = form.cleaned_data["parent"]
    if getattr(node, f"{kind.parent}_id") != parent.pk:
        with transaction.atomic():
            setattr(node, kind.parent, parent)
            node.save(update_fields=[kind.parent])
            _place_last(node, kind.parent)
        messages.success(request, f"{node.code} spostato in {parent.code}.")
    return redirect(_tree_url(plan, f"{kind.slug}-{node.pk}"))


@require_POST
@login_required
def node_reorder(
    request: HttpRequest, body_id: int, version_id: int, level: str, pk: int, direction: str
) -> HttpResponse:
    """Move a node one place up or down among its siblings."""
    _, plan = _version(request, body_id, version_id)
    kind = _level(level)
    if direction not in ("su", "giu"):
        raise Http404
    node: Any = get_object_or_404(kind.model, pk=pk, version=plan)
    if (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    siblings = kind.model.objects.filter(version=plan)
    if kind.parent:
        siblings = siblings.filter(**{kind.parent: getattr(node, f"{kind.parent}_id")})
    sequence = list(siblings.order_by("order", "pk").values_list("pk", flat=True))
    at = sequence.index(node.pk)
    other = at - 1 if direction == "su" else at + 1
    if 0 <= other < len(sequence):
        sequence[at], sequence[other] = sequence[other], sequence[at]
        with transaction.atomic():
            _renumber(plan, (kind.model, sequence))
    return redirect(_tree_url(plan, f"{kind.slug}-{node.pk}"))


# -- keeping the order of the tree ----------------------------------------------------------

_ORDERED: list[tuple[type[models.Model], str]] = [
    (StrategicArea, ""), (StrategicObjective, "area_id"),
    (OperationalObjective, "strategic_objective_id"), (Indicator, "operational_objective_id"),
]


def _place_last(node: Any, parent_field: str) -> None:
    """Put a new or moved node last among its siblings."""
    siblings = type(node).objects.filter(version=node.version_id)
    if parent_field:
        siblings = siblings.filter(**{parent_field: getattr(node, f"{parent_field}_id")})
    sequence = [pk for pk in siblings.order_by("order", "pk").values_list("pk", flat=True)
                if pk != node.pk]
    _renumber(node.version, (type(node), [*sequence, node.pk]))


def _renumber(
    plan: PlanVersion, sequence: tuple[type[models.Model], list[int]] | None = None
) -> None:
    """Number each level of the version 0, 1, 2… in document order (parent first, then own
    order); ``sequence`` imposes the order of one group of siblings. Only rows whose number
    changes are written, each with its history row."""
    rank: dict[int, int] = {}
    for model, parent in _ORDERED:
        rows: list[Any] = list(model.objects.filter(version=plan))
        rows.sort(key=lambda r, p=parent: (rank.get(getattr(r, p), -1) if p else 0, r.order,
                                           r.pk))
        if sequence is not None and sequence[0] is model:
            wanted = {pk: i for i, pk in enumerate(sequence[1])}
            slots = [i for i, row in enumerate(rows) if row.pk in wanted]
            for slot, row in zip(slots, sorted((rows[i] for i in slots),
                                               key=lambda r: wanted[r.pk]), strict=True):
                rows[slot] = row
        changed = []
        for position, row in enumerate(rows):
            if row.order != position:
                row.order = position
                changed.append(row)
        if changed:
            bulk_update_with_history(changed, model, ["order"],
                                     default_change_reason="ordine nel piano")
        rank = {row.pk: position for position, row in enumerate(rows)}


# -- the card editor ------------------------------------------------------------------------


class IndicatorRowForm(IndicatorForm):
    """One row of the card's table: the indicator's fields and its target for the year."""

    target = forms.CharField(max_length=60, required=False)

    class Meta(IndicatorForm.Meta):
        fields = ["name", "description", "kind", "unit", "baseline", "comparator",
                  "weight_text", "formula"]
        labels = {"name": "Nome", "description": "Descrizione / algoritmo",
                  "kind": "Tipologia", "unit": "UdM", "baseline": "Stato anno precedente",
                  "comparator": "Comparatore", "weight_text": "Peso", "formula": "Formula"}
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
    """The card's table; deleting a row must never take measured values with it."""

    def add_fields(self, form: forms.Form, index: int | None) -> None:
        super().add_fields(form, index)
        form.fields["ORDER"].label = "Posizione"
        form.fields["ORDER"].widget.attrs.update({
            "class": "form-control form-control-sm w-auto", "min": 1, "size": 3,
        })
        form.fields["DELETE"].label = "Elimina"
        form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def clean(self) -> None:
        super().clean()
        if any(self.errors):
            return
        gone = [f.instance.pk for f in self.deleted_forms if f.instance.pk]
        if gone and (blocker := _measured(Indicator.objects.filter(pk__in=gone), None)):
            raise ValidationError(blocker)


IndicatorFormSet = inlineformset_factory(
    OperationalObjective, Indicator, form=IndicatorRowForm, formset=IndicatorRows, extra=1,
    can_delete=True, can_order=True,
)


@require_http_methods(FORM_METHODS)
@login_required
def indicators(request: HttpRequest, body_id: int, version_id: int, pk: int) -> HttpResponse:
    """The card's indicators as one table, saved all at once (or not at all)."""
    body, plan = _version(request, body_id, version_id)
    card = get_object_or_404(OperationalObjective.objects.select_related("strategic_objective"),
                             pk=pk, version=plan)
    if request.method == "POST" and (refused := _draft_or_redirect(request, plan)) is not None:
        return refused
    year = plan.cycle.year
    targets = {t.indicator_id: t for t in
               Target.objects.filter(indicator__operational_objective=card, year=year)}
    formset = IndicatorFormSet(request.POST or None, instance=card, prefix="indicators",
                               queryset=card.indicators.order_by("order", "pk"),
                               form_kwargs={"year": year, "targets": targets})
    if request.method == "POST" and formset.is_valid():
        try:
            with transaction.atomic():
                _save_rows(formset, card, year)
        except ValidationError as error:  # adopted meanwhile
            formset._non_form_errors = formset.error_class(error.messages)
        else:
            messages.success(request, f"Indicatori della scheda {card.code} salvati.")
            return redirect("web:planning_indicators", body.pk, plan.pk, card.pk)
    context = _formula_context(plan)
    url = reverse("web:planning_formula", args=[body.pk, plan.pk])
    rows = []
    for form in formset.forms:
        _wire_formula(form, url)
        text = form["formula"].value() or ""
        check = _check_formula(text, form["unit"].value() or "", context) if text else None
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


def _save_rows(formset: Any, card: OperationalObjective, year: int) -> None:
    formset.save()
    for form in formset.forms:
        if form in formset.deleted_forms or not form.has_changed() or not form.instance.pk:
            continue
        _save_target(form, year)
    _renumber(card.version, (Indicator, _row_sequence(formset)))


def _row_sequence(formset: Any) -> list[int]:
    """The rows kept, by the «Posizione» typed; a row given the position of another takes
    its place (typing 2 puts a row second), blank positions go last, as listed."""
    deleted = set(map(id, formset.deleted_forms))
    kept = [(i, f) for i, f in enumerate(formset.forms)
            if id(f) not in deleted and f.instance.pk]

    def key(item: tuple[int, Any]) -> tuple[float, int, int]:
        index, form = item
        position = form.cleaned_data.get("ORDER")
        moved = "ORDER" in form.changed_data
        return (position if position is not None else math.inf, 0 if moved else 1, index)

    return [form.instance.pk for _, form in sorted(kept, key=key)]


def _save_target(form: IndicatorRowForm, year: int) -> None:
    """The year's target follows the row; the other years' follow a changed comparator."""
    indicator = form.instance
    text = (form.cleaned_data.get("target") or "").strip()
    current = form.existing_target
    if "comparator" in form.changed_data:
        old = form.initial.get("comparator") or ""
        for target in indicator.targets.exclude(year=year):
            if target.comparator in ("", old):
                target.comparator = indicator.comparator
                target.save(update_fields=["comparator"])
    if not text:
        if current is not None:
            current.delete()
        return
    if current is None:
        Target.objects.create(indicator=indicator, year=year, comparator=indicator.comparator,
                              value=text)
    elif (current.value, current.comparator) != (text, indicator.comparator):
        current.value, current.comparator = text, indicator.comparator
        current.save(update_fields=["value", "comparator"])


def _wire_formula(form: forms.Form, url: str) -> None:
    """The formula input checks itself as the user types (htmx), into the row's region."""
    bound = form["formula"]
    described = [f"{bound.auto_id}_check"]
    if form.is_bound and bound.errors:
        described.append(f"{bound.auto_id}_error")
    form.fields["formula"].widget.attrs.update({
        "hx-post": url, "hx-trigger": "input changed delay:500ms",
        "hx-target": f"#{bound.auto_id}_check", "hx-swap": "innerHTML",
        "aria-describedby": " ".join(described),
    })


def _read_only_rows(card: OperationalObjective, year: int) -> list[tuple[Indicator, str]]:
    rows = []
    for indicator in card.indicators.prefetch_related("targets").order_by("order"):
        target = next((t for t in indicator.targets.all() if t.year == year), None)
        rows.append((indicator, f"{target.comparator} {target.value}".strip() if target else ""))
    return rows


# -- the formula editor ---------------------------------------------------------------------


@dataclass
class _FormulaContext:
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


def _formula_context(plan: PlanVersion) -> _FormulaContext:
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
    return _FormulaContext(variables, period, values, texts)


def _check_formula(text: str, unit: str, context: _FormulaContext) -> FormulaCheck:
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
        return f"€ {format_number(value, 2)}"
    return format_number(value, 0 if value == int(value) else 2)


@require_POST
@login_required
def formula(request: HttpRequest, body_id: int, version_id: int) -> HttpResponse:
    """Check a formula as typed: the error and its position, or the variables it reads and
    its value on the last period's figures. The text comes as ``formula`` or, from a row of
    the card editor, as the field htmx names in ``HX-Trigger-Name``."""
    _, plan = _version(request, body_id, version_id)
    name = request.headers.get("HX-Trigger-Name", "")
    if not name.endswith("formula"):
        name = "formula"
    text = request.POST.get(name, "").strip()
    unit = request.POST.get(name[: -len("formula")] + "unit", "")
    check = _check_formula(text, unit, _formula_context(plan)) if text else None
    return render(request, "web/planning/_formula_check.html", {"check": check})
