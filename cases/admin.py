"""Admin: configuration (calendar, rule settings) is editable; case content is read-only here —
every change to a case goes through cases.services, and history is read-only for everyone."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from cases.models import (
    Case,
    CaseEvent,
    Holiday,
    Material,
    Meeting,
    RuleSettings,
    SensitiveAccess,
    StepRecord,
    StepRecordPerson,
)


class ReadOnly:
    """Shown, never changed here: case content changes only through cases.services."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(ReadOnly, admin.ModelAdmin):
    pass


class ReadOnlyHistoryAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    pass


@admin.register(Case)
class CaseAdmin(ReadOnlyHistoryAdmin):
    list_display = ("person", "branch", "stage", "next_step", "next_due", "outcome")
    list_filter = ("stage", "outcome", "next_step")
    search_fields = ("person__name", "person__name_initials")
    list_select_related = ("person", "branch")


class RecordedPeopleInline(ReadOnly, admin.TabularInline):
    """The contacts / introducers as the record keeps them (read-only, like the record)."""

    model = StepRecordPerson
    fields = readonly_fields = ("name", "status", "sanction", "sanction_until", "member")
    extra = 0


@admin.register(StepRecord)
class StepRecordAdmin(ReadOnlyHistoryAdmin):
    inlines = [RecordedPeopleInline]
    list_display = ("case", "step", "on", "org", "recorded_by", "rule_set", "is_current")
    list_filter = ("step", "rule_set")
    list_select_related = ("case__person", "case__branch", "org", "recorded_by")


@admin.register(CaseEvent)
class CaseEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "case", "kind", "summary", "actor", "org", "ip", "source")
    list_filter = ("kind", "source")
    search_fields = ("summary", "case__person__name")
    list_select_related = ("case__person", "case__branch", "actor", "org")


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyHistoryAdmin):
    list_display = ("held_on", "org", "body", "entitled", "present")


@admin.register(Material)
class MaterialAdmin(ReadOnlyAdmin):
    list_display = ("case", "title", "step", "size", "uploaded_by", "uploaded_at")


@admin.register(SensitiveAccess)
class SensitiveAccessAdmin(ReadOnlyAdmin):
    list_display = ("at", "user", "case", "ip")


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ("date", "is_workday", "name")
    list_filter = ("is_workday",)
    date_hierarchy = "date"


@admin.register(RuleSettings)
class RuleSettingsAdmin(admin.ModelAdmin):
    list_display = ("__str__", "rules_2026_effective", "rules_2026_confirmed", "updated_at")

    def has_add_permission(self, request):
        return not RuleSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False
