"""Plans are set on the plan pages (plans.services.save_plan, with its permission); the admin only
reads them and their history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from plans.models import Plan


@admin.register(Plan)
class PlanAdmin(SimpleHistoryAdmin):
    list_display = ("org", "year", "quota", "float_percent")
    list_filter = ("year",)
    search_fields = ("org__name",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
