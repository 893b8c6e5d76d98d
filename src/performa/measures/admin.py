"""Admin for measuring: history of every value and period; results are read-only (derived)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from . import models as m


@admin.register(m.Period)
class PeriodAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "cycle", "date", "deadline", "state", "demo"]
    list_filter = ["cycle__body", "state", "demo"]
    # States move only through performa.measures.actions.move_period (checks and audit).
    readonly_fields = ["state"]


@admin.register(m.MeasuredValue)
class MeasuredValueAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "period", "value_text", "author", "updated_at", "revision"]
    list_filter = ["period__cycle__body", "period"]
    search_fields = ["variable__name", "indicator__name", "value_text", "note"]
    # Values are typed through the data-entry actions (permissions, locking, recompute);
    # here they are read, with their history.
    readonly_fields = [f.name for f in m.MeasuredValue._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(m.SourceResult)
class SourceResultAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "value_text", "achievement_text", "document", "line"]
    list_filter = ["period__cycle__body", "period"]
    search_fields = ["indicator__name", "document"]
    # Written by the import of a document (performa.measures.reported); read here.
    readonly_fields = [f.name for f in m.SourceResult._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(m.Deviation)
class DeviationAdmin(SimpleHistoryAdmin):
    list_display = ["indicator", "period", "author", "updated_at"]
    list_filter = ["period__cycle__body", "period"]


@admin.register(m.ResourceUse)
class ResourceUseAdmin(SimpleHistoryAdmin):
    list_display = ["objective", "period", "used"]
    list_filter = ["period__cycle__body", "period"]


@admin.register(m.PhaseCompletion)
class PhaseCompletionAdmin(SimpleHistoryAdmin):
    list_display = ["objective_code", "phase_title", "cycle", "completed_on"]
    list_filter = ["cycle__body", "cycle"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Results are derived from plan + values + rules: recomputed, never edited."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(m.ResultSet)
class ResultSetAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "period", "version", "current", "frozen", "created_at",
                    "reason"]
    list_filter = ["period__cycle__body", "current", "frozen"]


@admin.register(m.IndicatorResult)
class IndicatorResultAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "display", "achievement", "projected_achievement", "at_risk",
                    "error"]
    list_filter = ["result_set__period", "at_risk"]
    search_fields = ["indicator__name"]


@admin.register(m.NodeResult)
class NodeResultAdmin(ReadOnlyAdmin):
    list_display = ["label", "tree", "achievement"]
    list_filter = ["result_set__period", "tree"]
