"""Thin Celery task of the case file: what the table of dates gave, worked out again after an edit of
the calendar or the rule settings (cases.signals queues it on commit) — every open case's deadlines
(the reminders, the desk's overdue marks) and the kept approval bounds of the 发展对象."""

from celery import shared_task
from django.db import OperationalError

from cases import tallies
from cases.services.case_deadlines import resync_deadlines


@shared_task(name="cases.dates_moved", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=60)
def dates_moved_task() -> int:
    done = resync_deadlines()
    tallies.refresh_targets()
    return done
