"""Admin: the audit's records are shown, never changed — to everyone, superusers included."""

from django.contrib import admin

from audit.models import CheckpointEntry, SealCheckpoint, VerifyRun
from cases.admin import ReadOnlyAdmin


@admin.register(VerifyRun)
class VerifyRunAdmin(ReadOnlyAdmin):
    list_display = ("started_at", "scope", "result", "problems", "first_broken", "checkpoint")
    list_filter = ("result",)


@admin.register(SealCheckpoint)
class SealCheckpointAdmin(ReadOnlyAdmin):
    list_display = ("number", "created_at", "entries", "key_id")


@admin.register(CheckpointEntry)
class CheckpointEntryAdmin(ReadOnlyAdmin):
    list_display = ("checkpoint", "case_id", "count")
