"""Thin Celery tasks of the reminders: the daily sweep (scheduled in config/celery.py at
settings.REMINDER_SWEEP_HOUR, Asia/Shanghai), then the day's e-mail digests.

The digests are a task of their own, queued once the sweep has committed, so that a mail server
that is down retries the mail, never the sweep. It is found by name: the digest sender registers a
task named DIGEST_TASK taking the day as "YYYY-MM-DD" (reminders.services.digest.send_digests);
until one is registered, the sweep queues nothing after it."""

import datetime as dt

from celery import current_app, shared_task
from django.db import OperationalError

from reminders.services.digest import send_digests
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
    # Through the registered task (not send_task), so that eager settings run it in place.
    current_app.tasks[DIGEST_TASK].apply_async(args=[day.isoformat()])
    return True


class DigestsNotSent(Exception):
    """Some digests were refused by the mail server: the task retries (the sent ones stay sent)."""


@shared_task(
    name=DIGEST_TASK,
    autoretry_for=(DigestsNotSent, OperationalError),
    max_retries=8,
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
)
def send_digests_task(day: str) -> dict:
    result = send_digests(dt.date.fromisoformat(day))
    if result.failed:
        raise DigestsNotSent(f"{len(result.failed)} 封提醒邮件未发出：{', '.join(result.failed[:20])}")
    return {"sent": result.sent, "skipped": result.skipped}
