"""Admin for every plan model; pieces of an adopted version are shown read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from . import forms
from . import models as m

admin.site.site_header = "Performa — amministrazione"
admin.site.site_title = "Performa"
admin.site.index_title = "Gestione del ciclo della performance"


def _frozen(obj: Any) -> bool:
    version = getattr(obj, "version", None)
    if version is None and isinstance(obj, m.Target):
        version = obj.indicator.version
    return bool(version is not None and version.frozen)


class FrozenAwareMixin:
    """An adopted version's tree can be read, not changed: amendments start a new draft."""

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return not _frozen(obj) and super().has_delete_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        parent_frozen = obj is not None and _frozen(obj)
        if isinstance(self, admin.options.InlineModelAdmin):
            return not parent_frozen and super().has_add_permission(request, obj)  # type: ignore[misc]
        return super().has_add_permission(request)  # type: ignore[misc]


class VersionedAdmin(FrozenAwareMixin, SimpleHistoryAdmin):
    list_select_related = ["version__cycle__body"]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for row in formset.forms:  # inline rows belong to their parent's plan version
            if isinstance(row.instance, m.VersionedModel) and not row.instance.version_id:
                row.instance.version = form.instance.version
        super().save_formset(request, form, formset, change)

    @admin.display(description="versione")
    def version_label(self, obj: Any) -> str:
        return f"{obj.version.cycle.body.short_name or obj.version.cycle.body} " \
               f"{obj.version.cycle.year} v{obj.version.number}"


@admin.register(m.Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "merged_into"]
    search_fields = ["name", "short_name"]


class OfficeInline(admin.TabularInline):
    model = m.OrgUnit
    fk_name = "parent"
    fields = ["name", "kind", "fte"]
    extra = 0
    verbose_name = "ufficio"
    verbose_name_plural = "uffici"


@admin.register(m.OrgUnit)
class OrgUnitAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "parent", "fte", "body"]
    list_filter = ["body", "kind"]
    search_fields = ["name"]
    inlines = [OfficeInline]


@admin.register(m.CostCentre)
class CostCentreAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "body"]
    list_filter = ["body"]


class VersionInline(admin.TabularInline):
    model = m.PlanVersion
    fields = ["number", "title", "status", "organ", "resolution_number", "resolution_date"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["body", "year", "first_year", "last_year"]
    list_filter = ["body"]
    inlines = [VersionInline]


@admin.register(m.PlanVersion)
class PlanVersionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "cycle", "status", "organ", "resolution_number",
                    "resolution_date"]
    list_filter = ["status", "cycle__body", "cycle__year"]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # Status moves only through adopt/amend, which check the plan and keep one in force.
        fields = ["status", "based_on", "number"]
        return fields + ["cycle"] if obj is not None else fields


@admin.register(m.StrategicArea)
class StrategicAreaAdmin(VersionedAdmin):
    list_display = ["code", "title", "version_label"]
    list_filter = ["version__cycle__body", "version__cycle__year"]
    search_fields = ["code", "title"]


@admin.register(m.StrategicObjective)
class StrategicObjectiveAdmin(VersionedAdmin):
    list_display = ["code", "title", "area", "mission", "programme", "function",
                    "version_label"]
    list_filter = ["version__cycle__body", "mission", "function"]
    search_fields = ["code", "title"]


class IndicatorInline(FrozenAwareMixin, admin.TabularInline):
    model = m.Indicator
    form = forms.IndicatorForm
    formset = forms.IndicatorInlineFormSet
    fields = ["order", "name", "kind", "unit", "baseline", "comparator", "weight_text",
              "formula"]
    extra = 0
    show_change_link = True


class ActionInline(FrozenAwareMixin, admin.TabularInline):
    model = m.Action
    fields = ["code", "title", "activity", "cost_centre", "costs", "revenues",
              "contributions", "investments"]
    extra = 0


@admin.register(m.OperationalObjective)
class OperationalObjectiveAdmin(VersionedAdmin):
    list_display = ["code", "title", "strategic_objective", "area", "transversal",
                    "version_label"]
    list_filter = ["version__cycle__body", "transversal", "common_objective", "area"]
    search_fields = ["code", "title", "description"]
    filter_horizontal = ["offices"]
    inlines = [IndicatorInline, ActionInline]


class TargetInline(FrozenAwareMixin, admin.TabularInline):
    model = m.Target
    form = forms.TargetForm
    extra = 0


@admin.register(m.Indicator)
class IndicatorAdmin(VersionedAdmin):
    form = forms.IndicatorForm
    list_display = ["name", "operational_objective", "kind", "unit", "comparator",
                    "weight_text"]
    list_filter = ["version__cycle__body", "kind", "unit"]
    search_fields = ["name", "description", "code"]
    inlines = [TargetInline]


@admin.register(m.Target)
class TargetAdmin(FrozenAwareMixin, SimpleHistoryAdmin):
    form = forms.TargetForm
    list_display = ["indicator", "year", "comparator", "value"]
    list_filter = ["year"]


@admin.register(m.Variable)
class VariableAdmin(SimpleHistoryAdmin):
    list_display = ["name", "description", "unit", "office", "cycle"]
    list_filter = ["cycle__body", "cycle__year"]
    search_fields = ["name", "description"]


@admin.register(m.Assignment)
class AssignmentAdmin(VersionedAdmin):
    list_display = ["area", "objective_title", "operational_objective", "version_label"]
    list_filter = ["version__cycle__body", "area"]


class FundShareInline(FrozenAwareMixin, admin.TabularInline):
    model = m.FundShare
    fields = ["strategic_objective", "amount"]
    extra = 0


@admin.register(m.IncentiveFund)
class IncentiveFundAdmin(VersionedAdmin):
    list_display = ["version_label", "total"]
    inlines = [FundShareInline]


@admin.register(m.Action)
class ActionAdmin(VersionedAdmin):
    list_display = ["code", "title", "operational_objective", "activity", "costs",
                    "revenues", "contributions", "investments"]
    list_filter = ["version__cycle__body", "activity"]
