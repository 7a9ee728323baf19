"""The browser's runs, in a Celery worker: the web request only stores the upload and queues the
check on commit; confirming queues the import. Each task claims its batch with compare-and-set (a
message delivered twice runs once), reports progress (imports.importer.progress), and a task that
dies leaves the batch failed, or stalled, with a retry on its page — never spinning for ever.
"""

from pathlib import Path

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cases.digests import sha256_of
from imports.importer.batches import StoredFile, new_batch, run_check, run_import
from imports.importer.progress import BatchProgress, alive_until
from imports.importer.reader import UnreadableFile
from imports.models import IMPORT_IN_PROGRESS, ImportBatch, ImportMode, ImportStatus

INTERRUPTED = "处理中断（处理进程没有响应，可能已被终止），未写入任何数据"


class AlreadyConfirmed(Exception):
    pass


def queue_check(stored: StoredFile, *, user, source: str = "web", default_branch=None) -> ImportBatch:
    """The upload: a batch 排队等待检查, its check queued once the batch is committed."""
    from imports.tasks import check_batch_task

    with transaction.atomic():
        batch = new_batch(
            stored,
            user=user,
            source=source,
            dry_run=True,
            default_branch=default_branch,
            status=ImportStatus.PENDING,
            alive_until=alive_until(),
        )
        batch.save()
        check_batch_task.delay_on_commit(batch.pk)
    return batch


def run_queued_check(batch_id: int) -> None:
    if _claim(batch_id, ImportStatus.PENDING, ImportStatus.CHECKING):
        batch = ImportBatch.objects.select_related("user", "default_branch").get(pk=batch_id)
        run_check(batch, BatchProgress(batch_id))


def retry_check(batch: ImportBatch) -> bool:
    """Queue the check of a failed or stalled dry run again; False when it is neither (any more)."""
    from imports.tasks import check_batch_task

    retryable = Q(status=ImportStatus.FAILED) | Q(
        status__in=(ImportStatus.PENDING, ImportStatus.CHECKING), alive_until__lt=timezone.now()
    )
    with transaction.atomic():
        again = (
            ImportBatch.objects.filter(retryable, pk=batch.pk, dry_run=True).update(
                status=ImportStatus.PENDING,
                error="",
                rows_checked=0,
                rows_total=0,
                finished_at=None,
                alive_until=alive_until(),
            )
            == 1
        )
        if again:
            check_batch_task.delay_on_commit(batch.pk)
    return again


def queue_import(preview: ImportBatch, *, user, mode: str, warning_reason: str, ip=None) -> ImportBatch:
    """The browser's confirm step: queue the import of the file a preview checked, once. A worker
    runs it (imports.tasks), so a long import never hits the web server's request timeout."""
    from imports.tasks import import_batch_task

    with transaction.atomic():
        preview = ImportBatch.objects.select_for_update().get(pk=preview.pk)
        preview.imports.filter(status__in=IMPORT_IN_PROGRESS, alive_until__lt=timezone.now()).update(
            status=ImportStatus.FAILED, error=INTERRUPTED, finished_at=timezone.now()
        )
        earlier = preview.imports.filter(
            status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.IMPORTED)
        ).first()
        if earlier is not None:
            raise AlreadyConfirmed(
                f"该文件已确认导入（批次 #{earlier.pk}，{earlier.get_status_display()}），未重复导入"
            )
        stored = StoredFile(Path(preview.stored_path), preview.file_name, preview.size, preview.sha256)
        if not stored.path.is_file() or sha256_of(stored.path) != preview.sha256:
            raise UnreadableFile("预览时上传的文件已不存在或已被改动，请重新上传")
        batch = new_batch(
            stored,
            user=user,
            source=preview.source,
            dry_run=False,
            default_branch=preview.default_branch,
            mode=ImportMode(mode),
            preview_of=preview,
            warning_reason=warning_reason.strip(),
            ip=ip,
            status=ImportStatus.QUEUED,
            alive_until=alive_until(),
        )
        batch.save()
        import_batch_task.delay_on_commit(batch.pk)
    return batch


def run_queued_import(batch_id: int) -> None:
    """Claim a queued batch (compare-and-set, so a redelivered message never imports twice) and run it."""
    if _claim(batch_id, ImportStatus.QUEUED, ImportStatus.RUNNING):
        batch = ImportBatch.objects.select_related("user", "default_branch").get(pk=batch_id)
        run_import(batch, BatchProgress(batch_id))


def mark_failed(batch_id: int, error: str) -> None:
    """A task raised (or hit its time limit): the batch says so, and may be tried again."""
    batch = ImportBatch.objects.filter(pk=batch_id, status__in=IMPORT_IN_PROGRESS).first()
    if batch is None:
        return
    what = "检查过程中出错，未写入任何数据" if batch.dry_run else "导入过程中出错，整批已回滚"
    ImportBatch.objects.filter(pk=batch_id, status__in=IMPORT_IN_PROGRESS).update(
        status=ImportStatus.FAILED, error=f"{what}：{error}"[:2000], finished_at=timezone.now()
    )


def _claim(batch_id: int, waiting: str, running: str) -> bool:
    return (
        ImportBatch.objects.filter(pk=batch_id, status=waiting).update(
            status=running, alive_until=alive_until()
        )
        == 1
    )
