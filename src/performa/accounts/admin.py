from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Membership


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "role", "body", "org_unit"]
    list_filter = ["body", "role"]
    search_fields = ["user__username", "user__last_name", "org_unit__name"]
    autocomplete_fields = ["org_unit"]
