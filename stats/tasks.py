"""Thin Celery task of the 四色研判: the daily judgement (scheduled in config/celery.py)."""

import datetime as dt

from celery import shared_task
from django.db import OperationalError

from stats.services import judge_colours


@shared_task(name="stats.judge_colours", autoretry_for=(OperationalError,), max_retries=3, retry_backoff=60)
def judge_colours_task(day: str | None = None) -> int:
    return judge_colours(on=dt.date.fromisoformat(day) if day else None)
