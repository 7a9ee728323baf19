"""Thin Celery tasks of the reminders: the daily sweep (scheduled in config/celery.py at
settings.REMINDER_SWEEP_HOUR, Asia/Shanghai), then the day's e-mail digests.

The digests are a task of their own, queued once the sweep has committed, so that a mail server
that is down retries the mail, never the sweep. It is found by name: the digest sender registers a
task named DIGEST_TASK taking the day as "YYYY-MM-DD" (reminders.services.digest.send_digests);
until one is registered, the sweep queues nothing after it."""

import datetime as dt

from celery import current_app, shared_task
from django.db import OperationalError

from reminders.services.sweep import sweep

DIGEST_TASK = "reminders.send_digests"


@shared_task(
    name="reminders.sweep",
    autoretry_for=(OperationalError,),
    max_retries=3,
    retry_backoff=60,
    # A sweep not started within the hour is dropped: the next day's one catches up.
    expires=3600,
)
def sweep_task(day: str | None = None) -> dict[str, int]:
    result = sweep(dt.date.fromisoformat(day) if day else None)
    queue_digests(result.day)
    return result.counts


def queue_digests(day: dt.date) -> bool:
    """Queue the e-mail digests of `day` (after the sweep committed); False when there is no sender."""
    if DIGEST_TASK not in current_app.tasks:
        return False
    current_app.send_task(DIGEST_TASK, args=[day.isoformat()])
    return True
