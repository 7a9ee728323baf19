"""Reads that matter are recorded before they are served, or refused: `record_read` raises
ReadNotRecorded when the record cannot be written, and the view answers with a refusal instead
of the file (never a read without its record)."""

import logging

from django.db import DatabaseError, transaction

from audit.models import ReadKind, ReadRecord

logger = logging.getLogger(__name__)

REFUSAL = "查阅记录未能写入，为保证每次查阅都有记录，本次下载被拒绝。请稍后重试或联系系统管理员。"


class ReadNotRecorded(Exception):
    """The read's record could not be written: the read must not happen."""


def record_read(
    *, user, kind: ReadKind, obj, what: str, ip: str | None, case_id: int | None = None
) -> ReadRecord:
    try:
        with transaction.atomic():
            return ReadRecord.objects.create(
                user=user, kind=kind, object_id=obj.pk, what=what[:300], case_id=case_id, ip=ip
            )
    except DatabaseError as exc:
        logger.error("查阅记录写入失败，已拒绝查阅（%s #%s）：%s", kind, obj.pk, exc)
        raise ReadNotRecorded(REFUSAL) from exc
