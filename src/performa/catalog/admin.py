from django.contrib import admin

from . import models


@admin.register(models.Mission)
class MissionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]


@admin.register(models.Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ["mission", "code", "name"]
    list_filter = ["mission"]


@admin.register(models.InstitutionalFunction)
class InstitutionalFunctionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    filter_horizontal = ["programmes"]


@admin.register(models.IndicatorType)
class IndicatorTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "family"]
    list_filter = ["family"]


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["symbol", "name"]


@admin.register(models.CatalogIndicator)
class CatalogIndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "unit", "common_objective"]
    list_filter = ["kind", "common_objective"]
    search_fields = ["code", "name", "algorithm"]
