"""The one place model edits outside the services reach what the table of dates gave: a holiday or
the rule settings changed (the admin) moves due dates and approval bounds, so the task that works
every open case's deadlines and the kept approval bounds out again (cases.tasks) is queued when the
edit commits — only when the edit changes what dates are counted by (a holiday's name, or the
confirmation of the 2026 rules, moves nothing)."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save, pre_save

from cases.models import Holiday, RuleSettings

# What the table of dates reads of each: the working-day calendar, the 2026 rules' first day.
COUNTED_FIELDS = {Holiday: ("date", "is_workday"), RuleSettings: ("rules_2026_effective",)}


def _queue_refresh() -> None:
    from cases.tasks import dates_moved_task

    dates_moved_task.delay()


def _queue_once() -> None:
    """Once per transaction, however many holidays it saves or deletes (an admin's bulk delete).
    (Django has no public way to ask whether a callback is queued already.)"""
    if not any(entry[1] is _queue_refresh for entry in connection.run_on_commit):
        transaction.on_commit(_queue_refresh)


def _note_counted_change(sender, instance, **kwargs) -> None:
    """pre_save: whether this save changes a field the dates are counted by (a new row does)."""
    fields = COUNTED_FIELDS[sender]
    stored = sender.objects.filter(pk=instance.pk).values(*fields).first() if instance.pk else None
    instance._moves_dates = stored is None or any(stored[f] != getattr(instance, f) for f in fields)


def _saved(sender, instance, **kwargs) -> None:
    if instance._moves_dates:
        _queue_once()


def _deleted(sender, **kwargs) -> None:
    _queue_once()


def connect() -> None:
    for model in COUNTED_FIELDS:
        name = model.__name__
        pre_save.connect(_note_counted_change, sender=model, dispatch_uid=f"tallies.saving.{name}")
        post_save.connect(_saved, sender=model, dispatch_uid=f"tallies.saved.{name}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"tallies.deleted.{name}")
