"""The one place model edits outside the services reach what the table of dates gave: a holiday or
the rule settings changed (the admin) moves due dates and approval bounds, so the task that works
every open case's deadlines and the kept approval bounds out again (cases.tasks) is queued when the
edit commits."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from cases.models import Holiday, RuleSettings


def _queue_refresh() -> None:
    from cases.tasks import dates_moved_task

    dates_moved_task.delay()


def _bounds_moved(sender, **kwargs) -> None:
    """Once per transaction, however many holidays it saves or deletes (an admin's bulk delete)."""
    if not any(entry[1] is _queue_refresh for entry in connection.run_on_commit):
        transaction.on_commit(_queue_refresh)


def connect() -> None:
    for model in (Holiday, RuleSettings):
        post_save.connect(_bounds_moved, sender=model, dispatch_uid=f"tallies.saved.{model.__name__}")
        post_delete.connect(_bounds_moved, sender=model, dispatch_uid=f"tallies.deleted.{model.__name__}")
