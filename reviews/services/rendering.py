"""Rendering letters to stored PDFs, after the decisions committed; failures never touch decisions.

States: pending (registered, waiting for a renderer; also while retries remain) → rendered, or
failed once the task has given up. Delivery does not depend on the broker keeping its message: a
renderer first claims the letter (render_claims: compare-and-set with a lease, so it is rendered
and stored exactly once), and the beat job renders, every minute, the pending letters nobody holds
— a message lost with a killed worker, a broker that was down when the decision committed.
`manage.py render_letters` renders pending and failed letters in-process, with no broker at all.
"""

import datetime as dt
import logging
import time
from contextlib import suppress
from functools import partial

from django.db import DatabaseError, transaction
from django.db.models import Q
from django.utils import timezone

from cases import services as case_services
from reviews import letters
from reviews.models import Letter, LetterStatus
from reviews.services import render_claims

logger = logging.getLogger(__name__)

MAX_ERROR = 2000
UNCLAIMED_AFTER = dt.timedelta(minutes=1)  # queued but not claimed for this long: its message is lost
SWEEP_BUDGET = dt.timedelta(seconds=40)  # one sweep renders for at most this long (beat: every minute)
MAX_ATTEMPTS = 6  # claims, retries and sweeps together; then the sweep marks the letter failed


def queue_render(letter_id: int) -> bool:
    """The on-commit callback: hand the letter to the worker. If the broker is down (kombu
    OperationalError, a refused connection…) log it and leave the letter pending — the decision has
    committed and the user must not see an error for it; the beat job or the command renders it."""
    from reviews.tasks import render_letter_task

    try:
        render_letter_task.delay(letter_id)
    except Exception:
        logger.exception(
            "发文 %s 未能交给后台生成（消息队列不可用？），保持“待生成”，将由定时任务或 render_letters 命令补生成",
            letter_id,
        )
        with suppress(DatabaseError):
            Letter.objects.filter(pk=letter_id, status=LetterStatus.PENDING).update(queued_at=None)
        return False
    return True


def render_letter(*, letter_id: int, now: dt.datetime | None = None) -> Letter | None:
    """Render one letter from its snapshot and store the PDF with its SHA-256, if this call wins the
    claim on it (render_claims). A letter already rendered, or being rendered by a live claim, is
    left alone: the letter is returned as it stands. A failure records the error, gives the claim
    back and re-raises for the task's retry."""
    rendered_here(letter_id, now=now)
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None:
        logger.warning("发文 %s 不存在，跳过生成", letter_id)
    return letter


def rendered_here(letter_id: int, *, now: dt.datetime | None = None) -> bool:
    """True if this call claimed, rendered and stored the letter; False if another renderer holds
    it, it is already rendered, or it does not exist."""
    token = render_claims.claim(letter_id, now=now)
    if token is None:
        return False
    letter = Letter.objects.get(pk=letter_id)
    try:
        return render_claims.store(letter, token, letters.render(letter))
    except Exception as exc:
        render_claims.release(letter_id, token, error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
        raise


def mark_letter_failed(*, letter_id: int, error: str) -> None:
    """The task gave up: the letter shows as failed with the error; the decision stays as it is."""
    Letter.objects.filter(pk=letter_id).exclude(status=LetterStatus.RENDERED).update(
        status=LetterStatus.FAILED, error=(error or "未知错误")[:MAX_ERROR]
    )
    logger.error("发文 %s 生成失败：%s", letter_id, error)


@transaction.atomic
def regenerate_letter(*, letter: Letter, actor) -> Letter:
    """Render again from the same snapshot: the number, code and wording never change."""
    case_services.require_letter_grant(actor, letter.addressee, letter.step)
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    letter.status = LetterStatus.PENDING
    letter.error = ""
    letter.queued_at = timezone.now()
    # A claim still held is left alone: its render is of the same snapshot, and if its worker died,
    # whoever takes the claim over deletes the file it left.
    letter.save(update_fields=["status", "error", "queued_at"])
    cases = [entry.case for entry in letter.entries.select_related("case")]
    case_services.record_letter_regenerated(cases=cases, letter=letter, actor=actor)
    transaction.on_commit(partial(queue_render, letter.pk))
    return letter


def stuck_letters(*, now: dt.datetime | None = None):
    """Pending letters nobody is rendering: a claim that ran out (its worker died), or no claim a
    minute after they were queued (the message was lost, or never sent: queued_at is empty)."""
    now = now or timezone.now()
    unclaimed = Q(claimed_at__isnull=True) & (
        Q(queued_at__isnull=True) | Q(queued_at__lt=now - UNCLAIMED_AFTER)
    )
    lapsed = Q(claimed_at__lt=now - render_claims.LEASE)
    return Letter.objects.filter(unclaimed | lapsed, status=LetterStatus.PENDING).order_by("pk")


def rescue_stuck_letters(*, now: dt.datetime | None = None, budget: dt.timedelta = SWEEP_BUDGET) -> int:
    """The beat job (every minute): render here, one by one, the letters stuck_letters finds — so a
    letter is delivered whatever became of its message. Stops after `budget` (the next sweep goes
    on); a letter that keeps failing is marked failed after MAX_ATTEMPTS. Returns how many it stored."""
    now = now or timezone.now()
    deadline = time.monotonic() + budget.total_seconds()
    stored = 0
    for letter_id in list(stuck_letters(now=now).values_list("pk", flat=True)[:500]):
        if time.monotonic() > deadline:
            break
        try:
            stored += rendered_here(letter_id, now=now)
        except Exception as exc:
            logger.exception("定时补生成发文 %s 失败", letter_id)
            if Letter.objects.filter(pk=letter_id, attempts__gte=MAX_ATTEMPTS).exists():
                mark_letter_failed(letter_id=letter_id, error=f"{type(exc).__name__}: {exc}")
    return stored


def render_outstanding_letters(*, include_failed: bool = True) -> list[tuple[Letter, str]]:
    """The retry command: render every pending (and failed) letter in this process, no broker
    needed. Returns (letter, error) pairs; error is "" for a letter rendered, or left to the worker
    whose live claim holds it (its status is still pending then)."""
    statuses = [LetterStatus.PENDING] + ([LetterStatus.FAILED] if include_failed else [])
    results = []
    for letter_id in list(
        Letter.objects.filter(status__in=statuses).order_by("pk").values_list("pk", flat=True)
    ):
        try:
            letter = render_letter(letter_id=letter_id)
        except Exception as exc:
            error = f"{type(exc).__name__}: {exc}"
            mark_letter_failed(letter_id=letter_id, error=error)
            results.append((Letter.objects.get(pk=letter_id), error))
        else:
            if letter is not None:
                results.append((letter, ""))  # rendered, or still held by a live worker's claim
    return results
