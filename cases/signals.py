"""The one place model edits outside the services reach the kept aggregates: a holiday or the rule
settings changed (the admin, the calendar's seeding) moves every open 发展对象's approval bounds
(cases.tallies.TargetTally), so the task that works them out again is queued when the edit commits."""

from django.db import connection, transaction
from django.db.models.signals import post_delete, post_save

from cases.models import Holiday, RuleSettings


def _queue_refresh() -> None:
    from cases.tasks import refresh_target_tallies_task

    refresh_target_tallies_task.delay()


def _bounds_moved(sender, **kwargs) -> None:
    """Once per transaction, however many holidays it saves or deletes (an admin's bulk delete)."""
    if not any(entry[1] is _queue_refresh for entry in connection.run_on_commit):
        transaction.on_commit(_queue_refresh)


def connect() -> None:
    for model in (Holiday, RuleSettings):
        post_save.connect(_bounds_moved, sender=model, dispatch_uid=f"tallies.saved.{model.__name__}")
        post_delete.connect(_bounds_moved, sender=model, dispatch_uid=f"tallies.deleted.{model.__name__}")
