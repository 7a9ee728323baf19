from django.contrib import admin

from cases.admin import ReadOnlyAdmin
from stats.models import BoardSettings, FollowUp


@admin.register(BoardSettings)
class BoardSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "orange_years", "red_years", "pipeline_ratio", "min_per_branch", "updated_at")

    def has_add_permission(self, request):
        return not BoardSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(FollowUp)
class FollowUpAdmin(ReadOnlyAdmin):
    """Shown, never changed here: follow-ups are written on the board (stats.services)."""

    list_display = ("branch", "colour", "action", "on", "by", "done", "done_on")
    list_filter = ("colour", "action", "done")
