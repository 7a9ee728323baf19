"""Thin Celery tasks: fetch by id, call a service. Retries with backoff; when they run out the
letter is marked failed with the error (the decision it answers is never touched)."""

import datetime as dt

from celery import Task, shared_task

from reviews import services

STALE_AFTER = dt.timedelta(minutes=10)


class RenderLetterTask(Task):
    autoretry_for = (Exception,)
    max_retries = 3
    retry_backoff = 5  # 5 s, 10 s, 20 s (with jitter)
    retry_backoff_max = 300
    retry_jitter = True
    acks_late = True  # a worker killed mid-render leaves the message to be delivered again

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        letter_id = kwargs.get("letter_id", args[0] if args else None)
        if letter_id is not None:
            services.mark_letter_failed(letter_id=letter_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(base=RenderLetterTask, name="reviews.render_letter")
def render_letter_task(letter_id: int) -> None:
    services.render_letter(letter_id=letter_id)


@shared_task(name="reviews.requeue_stale_letters")
def requeue_stale_letters_task() -> int:
    return services.requeue_stale_letters(older_than=STALE_AFTER)
