"""Thin Celery task of the case file: the kept approval bounds worked out again after an edit of
the calendar or the rule settings (cases.signals queues it on commit)."""

from celery import shared_task
from django.db import OperationalError

from cases import tallies


@shared_task(
    name="cases.refresh_target_tallies", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=60
)
def refresh_target_tallies_task() -> int:
    return tallies.refresh_targets()
