"""Admin for the budget series: browse and correct an amount, with its history."""

from __future__ import annotations

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import BudgetEntry


@admin.register(BudgetEntry)
class BudgetEntryAdmin(SimpleHistoryAdmin):
    list_display = ("body", "scheme", "item", "label", "function", "cost_centre", "year", "kind",
                    "amount")
    list_filter = ("body", "scheme", "year", "kind", "function")
    search_fields = ("item", "label")
    list_select_related = ("body", "cost_centre")
    raw_id_fields = ("cost_centre",)
