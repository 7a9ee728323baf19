"""Plans are set on the plan pages (plans.services.save_plan, with its permission); the admin only
reads them and their history."""

from django.contrib import admin

from cases.admin import ReadOnlyHistoryAdmin
from plans.models import Plan


@admin.register(Plan)
class PlanAdmin(ReadOnlyHistoryAdmin):
    list_display = ("org", "year", "quota", "float_percent")
    list_filter = ("year",)
    search_fields = ("org__name",)
