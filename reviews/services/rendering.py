"""Rendering letters to stored PDFs, after the decisions committed; failures never touch decisions.

States: pending (registered, waiting for the worker; also while retries remain) → rendered, or
failed once the task has given up. A pending letter whose task was lost (the broker was down) is
queued again by the beat job, and `manage.py render_letters` renders pending and failed letters
in-process, with no broker at all.
"""

import datetime as dt
import hashlib
import logging
from contextlib import suppress
from functools import partial

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from branches.models import Role
from cases.services.actors import acting_grant, as_actor
from cases.services.events import record_event
from cases.services.step_service import lock_case
from reviews import letters
from reviews.models import Letter, LetterStatus

logger = logging.getLogger(__name__)

MAX_ERROR = 2000


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


def render_letter(*, letter_id: int) -> Letter | None:
    """Render one letter from its snapshot and store the PDF with its SHA-256. Idempotent: a letter
    already rendered is left alone. A failure records the error and re-raises for the task's retry."""
    letter = Letter.objects.filter(pk=letter_id).first()
    if letter is None:
        logger.warning("发文 %s 不存在，跳过生成", letter_id)
        return None
    if letter.status == LetterStatus.RENDERED:
        return letter
    Letter.objects.filter(pk=letter_id).update(attempts=F("attempts") + 1)
    try:
        pdf = letters.render(letter)
    except Exception as exc:
        Letter.objects.filter(pk=letter_id).update(error=f"{type(exc).__name__}: {exc}"[:MAX_ERROR])
        raise
    return _store(letter_id, pdf)


@transaction.atomic
def _store(letter_id: int, pdf: bytes) -> Letter:
    letter = Letter.objects.select_for_update().get(pk=letter_id)
    if letter.status == LetterStatus.RENDERED:  # another worker finished first
        return letter
    old = letter.pdf.name
    letter.pdf.save("letter.pdf", ContentFile(pdf), save=False)
    letter.sha256 = hashlib.sha256(pdf).hexdigest()
    letter.status = LetterStatus.RENDERED
    letter.error = ""
    letter.rendered_at = timezone.now()
    letter.save(update_fields=["pdf", "sha256", "status", "error", "rendered_at"])
    if old and old != letter.pdf.name:
        storage = letter.pdf.storage
        transaction.on_commit(partial(storage.delete, old))
    return letter


def mark_letter_failed(*, letter_id: int, error: str) -> None:
    """The task gave up: the letter shows as failed with the error; the decision stays as it is."""
    Letter.objects.filter(pk=letter_id).exclude(status=LetterStatus.RENDERED).update(
        status=LetterStatus.FAILED, error=(error or "未知错误")[:MAX_ERROR]
    )
    logger.error("发文 %s 生成失败：%s", letter_id, error)


@transaction.atomic
def regenerate_letter(*, letter: Letter, actor) -> Letter:
    """Render again from the same snapshot: the number, code and wording never change."""
    actor = as_actor(actor)
    grant = acting_grant(actor.user, letter.addressee, (Role.COMMITTEE_OFFICER,))
    letter = Letter.objects.select_for_update().get(pk=letter.pk)
    letter.status = LetterStatus.PENDING
    letter.error = ""
    letter.queued_at = timezone.now()
    letter.save(update_fields=["status", "error", "queued_at"])
    for entry in letter.entries.select_related("case"):
        lock_case(entry.case)
        record_event(
            case=entry.case,
            actor=actor,
            kind="letter",
            step=letter.step,
            summary=f"重新生成发文 {letter.number}（文号和内容不变）",
            role=grant.role.value,
            org=grant.org,
        )
    transaction.on_commit(partial(queue_render, letter.pk))
    return letter


def stale_letters(*, older_than: dt.timedelta, now=None):
    """Pending letters never queued, or queued longer ago than `older_than` (their task was lost)."""
    cutoff = (now or timezone.now()) - older_than
    return Letter.objects.filter(status=LetterStatus.PENDING).filter(
        Q(queued_at__isnull=True) | Q(queued_at__lt=cutoff)
    )


def requeue_stale_letters(*, older_than: dt.timedelta = dt.timedelta(minutes=10), now=None) -> int:
    """The beat job: queue again the letters whose render request was lost (e.g. Redis was down)."""
    now = now or timezone.now()
    queued = 0
    for letter_id in list(stale_letters(older_than=older_than, now=now).values_list("pk", flat=True)[:500]):
        Letter.objects.filter(pk=letter_id, status=LetterStatus.PENDING).update(queued_at=now)
        if not queue_render(letter_id):
            break  # the broker is still down: try again at the next beat
        queued += 1
    return queued


def render_outstanding_letters(*, include_failed: bool = True) -> list[tuple[Letter, str]]:
    """The retry command: render every pending (and failed) letter in this process, no broker
    needed. Returns (letter, error) pairs; error is "" for a letter rendered."""
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
                results.append((letter, ""))
    return results
