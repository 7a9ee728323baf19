"""Thin Celery tasks: fetch by id, call a service. Retries with backoff; when they run out the
letter is marked failed with the error (the decision it answers is never touched).

Delivery does not rest on the broker. On kombu's filesystem transport (the embedded default) a
message is moved out of the queue folder and deleted the moment a worker fetches it — the task and
every message the worker prefetched live only in its memory, so a killed worker loses them whatever
acks_late says. On Redis, acks_late keeps the message in the unacked set, but it comes back only
after the visibility timeout (an hour). What brings a lost letter back within a minute or two is the
sweep below: a pending letter whose claim ran out, or that nobody claimed, is rendered by it.
"""

from celery import Task, shared_task

from reviews import services
from reviews.services.render_claims import LEASE


class RenderLetterTask(Task):
    autoretry_for = (Exception,)
    max_retries = 3
    retry_backoff = 5  # 5 s, 10 s, 20 s (with jitter)
    retry_backoff_max = 300
    retry_jitter = True
    # Redis only: the message of a worker killed mid-render is delivered again after the visibility
    # timeout (the claim makes that late copy harmless). The filesystem transport has deleted it.
    acks_late = True
    # A render never outlives its claim's lease (it takes well under a second).
    soft_time_limit = LEASE.total_seconds() * 2 / 3
    time_limit = LEASE.total_seconds() * 5 / 6

    def on_failure(self, exc, task_id, args, kwargs, einfo):
        letter_id = kwargs.get("letter_id", args[0] if args else None)
        if letter_id is not None:
            services.mark_letter_failed(letter_id=letter_id, error=f"{type(exc).__name__}: {exc}")


@shared_task(base=RenderLetterTask, name="reviews.render_letter")
def render_letter_task(letter_id: int) -> None:
    services.render_letter(letter_id=letter_id)


@shared_task(name="reviews.rescue_stuck_letters")
def rescue_stuck_letters_task() -> int:
    return services.rescue_stuck_letters()
