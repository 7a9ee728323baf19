"""Import batches: keep the uploaded file, run the dry run or the real import, and audit each run
(ImportBatch: who, file name, size, SHA-256, counts, mode). The browser's confirm step re-reads
the stored file by the batch id; the client never sends the data again."""

import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.importer.pipeline import CheckResult, check_file
from cases.importer.reader import UnreadableFile
from cases.importer.template import MAX_FILE_BYTES
from cases.importer.writer import write_rows
from cases.models import ImportBatch, ImportMode, ImportStatus


class AlreadyConfirmed(Exception):
    pass


@dataclass(frozen=True)
class StoredFile:
    path: Path
    name: str
    size: int
    sha256: str


def import_dir() -> Path:
    folder = Path(settings.MEDIA_ROOT) / "imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def store_upload(upload) -> StoredFile:
    """Save an uploaded .xlsx as MEDIA_ROOT/imports/<sha256>.xlsx (same content, same file)."""
    name = (upload.name or "").strip()
    if not name.lower().endswith(".xlsx"):
        raise UnreadableFile(f"只接受 Excel 工作簿（.xlsx）文件，「{name}」不是 .xlsx 文件")
    if upload.size > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"文件大小 {upload.size / 1048576:.1f} MB，超过上限 {MAX_FILE_BYTES // 1048576} MB，请分成多个文件导入"
        )
    digest = hashlib.sha256()
    with tempfile.NamedTemporaryFile(dir=import_dir(), suffix=".part", delete=False) as temp:
        for chunk in upload.chunks():
            digest.update(chunk)
            temp.write(chunk)
    target = import_dir() / f"{digest.hexdigest()}.xlsx"
    Path(temp.name).replace(target)
    return StoredFile(target, name[:255], upload.size, digest.hexdigest())


def store_path(path: str | Path) -> StoredFile:
    """A file named on the command line: hashed in place, not copied."""
    path = Path(path)
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return StoredFile(path, path.name[:255], path.stat().st_size, digest.hexdigest())


def _new_batch(
    stored: StoredFile, *, user, source: str, dry_run: bool, default_branch=None, **extra
) -> ImportBatch:
    return ImportBatch(
        user=user,
        source=source,
        file_name=stored.name,
        size=stored.size,
        sha256=stored.sha256,
        stored_path=str(stored.path),
        dry_run=dry_run,
        default_branch=default_branch,
        **extra,
    )


def _finish(batch: ImportBatch, result: CheckResult | None, status: str, error: str = "") -> ImportBatch:
    batch.status, batch.error, batch.finished_at = status, error, timezone.now()
    if result is not None:
        counts = result.counts
        batch.rows_total, batch.rows_valid, batch.rows_invalid = counts.total, counts.valid, counts.invalid
        batch.rows_skipped, batch.rows_warned, batch.rows_imported = (
            counts.skipped,
            counts.warned,
            counts.imported,
        )
        batch.report = [report.as_stored() for report in result.reports]
    batch.save()
    return batch


def check_batch(
    stored: StoredFile, *, user, source="web", default_branch=None
) -> tuple[ImportBatch, CheckResult | None]:
    """The dry run: nothing is written but its own audit row."""
    batch = _new_batch(stored, user=user, source=source, dry_run=True, default_branch=default_branch)
    try:
        result = check_file(stored.path, user=user, default_branch=default_branch)
    except UnreadableFile as exc:
        return _finish(batch, None, ImportStatus.REJECTED, str(exc)), None
    return _finish(batch, result, ImportStatus.CHECKED), result


def import_batch(
    stored: StoredFile,
    *,
    user,
    mode: str,
    warning_reason: str = "",
    source: str = "web",
    default_branch=None,
    preview_of: ImportBatch | None = None,
    ip=None,
) -> tuple[ImportBatch, CheckResult | None]:
    """A real import, here and now (the command line): check the file, then write."""
    batch = _new_batch(
        stored,
        user=user,
        source=source,
        dry_run=False,
        default_branch=default_branch,
        mode=ImportMode(mode),
        preview_of=preview_of,
        warning_reason=warning_reason.strip(),
        ip=ip,
        status=ImportStatus.RUNNING,
    )
    batch.save()  # the audit row exists even if the writes are rolled back
    return run_import(batch)


def run_import(batch: ImportBatch) -> tuple[ImportBatch, CheckResult | None]:
    """Check the batch's stored file again (the database may have changed since any preview),
    then write the importable rows in one transaction."""
    try:
        result = check_file(batch.stored_path, user=batch.user, default_branch=batch.default_branch)
    except UnreadableFile as exc:
        return _finish(batch, None, ImportStatus.REJECTED, str(exc)), None
    counts = result.counts
    if batch.mode == ImportMode.ALL_OR_NOTHING and counts.invalid:
        error = f"有 {counts.invalid} 行存在错误；按「全部导入或全部不导入」，未导入任何一行"
        return _finish(batch, result, ImportStatus.FAILED, error), result
    if counts.warned and not batch.warning_reason:
        error = f"有 {counts.warned} 行存在预警，须填写一条预警说明（记录在每个被预警的步骤上）后才能导入"
        return _finish(batch, result, ImportStatus.FAILED, error), result
    if not counts.valid:
        if counts.invalid:
            return _finish(batch, result, ImportStatus.FAILED, "没有可导入的行"), result
        return _finish(batch, result, ImportStatus.IMPORTED), result  # every row imported before
    written = write_rows(
        result.rows,
        user=batch.user,
        mode=batch.mode,
        warning_reason=batch.warning_reason,
        label=f"{batch.file_name}（批次 #{batch.pk}）",
        ip=batch.ip,
    )
    if written.aborted is not None:
        error = f"第{written.aborted.row}行写入被拒绝，整批已回滚"
        return _finish(batch, result, ImportStatus.FAILED, error), result
    return _finish(batch, result, ImportStatus.IMPORTED), result


def queue_import(preview: ImportBatch, *, user, mode: str, warning_reason: str, ip=None) -> ImportBatch:
    """The browser's confirm step: queue the import of the file a preview checked, once. A worker
    runs it (cases.importer.tasks), so a long import never hits the web server's request timeout."""
    from cases.importer.tasks import import_batch_task

    with transaction.atomic():
        preview = ImportBatch.objects.select_for_update().get(pk=preview.pk)
        earlier = preview.imports.filter(
            status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.IMPORTED)
        ).first()
        if earlier is not None:
            raise AlreadyConfirmed(
                f"该文件已确认导入（批次 #{earlier.pk}，{earlier.get_status_display()}），未重复导入"
            )
        stored = StoredFile(Path(preview.stored_path), preview.file_name, preview.size, preview.sha256)
        if not stored.path.is_file() or _sha256(stored.path) != preview.sha256:
            raise UnreadableFile("预览时上传的文件已不存在或已被改动，请重新上传")
        batch = _new_batch(
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
        )
        batch.save()
        import_batch_task.delay_on_commit(batch.pk)
    return batch


def run_queued_import(batch_id: int) -> None:
    """Claim a queued batch (compare-and-set, so a redelivered message never imports twice) and run it."""
    claimed = ImportBatch.objects.filter(pk=batch_id, status=ImportStatus.QUEUED).update(
        status=ImportStatus.RUNNING
    )
    if claimed == 1:
        run_import(ImportBatch.objects.select_related("user", "default_branch").get(pk=batch_id))


def mark_failed(batch_id: int, error: str) -> None:
    ImportBatch.objects.filter(pk=batch_id, status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING)).update(
        status=ImportStatus.FAILED,
        error=f"导入过程中出错，整批已回滚：{error}"[:2000],
        finished_at=timezone.now(),
    )


def _sha256(path: Path) -> str:
    return store_path(path).sha256
