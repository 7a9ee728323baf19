"""Import batches: keep the uploaded file, run the dry run or the real import, and audit each run
(ImportBatch: who, file name, size, SHA-256, counts, mode). The browser's confirm step re-reads
the stored file by the batch id; the client never sends the data again. The browser's runs go
through a worker (imports.importer.background); the command line runs them here and now."""

import gc
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from cases.digests import sha256_of
from imports.importer import limits
from imports.importer.pipeline import CheckResult, check_file
from imports.importer.progress import BatchProgress
from imports.importer.reader import UnreadableFile
from imports.importer.writer import write_rows
from imports.models import ImportBatch, ImportMode, ImportStatus

# Above the default task limit: 10,000 rows take about a minute on a quiet server, far longer on a
# busy one; the limit only guards against a worker stuck for good.
IMPORT_TIME_LIMIT = 60 * 60


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
    within = limits.current()
    if upload.size > within.file_bytes:
        raise within.file_too_big(upload.size)
    with tempfile.NamedTemporaryFile(dir=import_dir(), suffix=".part", delete=False) as temp:
        for chunk in upload.chunks():
            temp.write(chunk)
    digest = sha256_of(temp.name)
    target = import_dir() / f"{digest}.xlsx"
    Path(temp.name).replace(target)
    return StoredFile(target, name[:255], upload.size, digest)


def store_path(path: str | Path) -> StoredFile:
    """A file named on the command line: hashed in place, not copied."""
    path = Path(path)
    return StoredFile(path, path.name[:255], path.stat().st_size, sha256_of(path))


def new_batch(
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
        batch.rows_checked = counts.total
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
    """The dry run, here and now (the command line): nothing is written but its own audit row."""
    batch = new_batch(stored, user=user, source=source, dry_run=True, default_branch=default_branch)
    return run_check(batch)


def run_check(
    batch: ImportBatch, progress: BatchProgress | None = None
) -> tuple[ImportBatch, CheckResult | None]:
    try:
        result = check_file(
            batch.stored_path, user=batch.user, default_branch=batch.default_branch, progress=progress
        )
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
    batch = new_batch(
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


def run_import(
    batch: ImportBatch, progress: BatchProgress | None = None
) -> tuple[ImportBatch, CheckResult | None]:
    """Check the batch's stored file again (the database may have changed since any preview),
    then write the importable rows in one transaction, as the check decided them."""
    label = f"{batch.file_name}（批次 #{batch.pk}）"
    try:
        result = check_file(
            batch.stored_path,
            user=batch.user,
            default_branch=batch.default_branch,
            progress=progress,
            label=label,
            warning_reason=batch.warning_reason,
        )
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
    if progress:
        progress.writing(IMPORT_TIME_LIMIT)
    with checked_rows_kept(result):
        written = write_rows(
            result.rows,
            user=batch.user,
            mode=batch.mode,
            warning_reason=batch.warning_reason,
            label=label,
            ip=batch.ip,
        )
    if written.aborted is not None:
        error = f"第{written.aborted.row}行写入被拒绝，整批已回滚"
        return _finish(batch, result, ImportStatus.FAILED, error), result
    return _finish(batch, result, ImportStatus.IMPORTED), result


@contextmanager
def checked_rows_kept(result: CheckResult):
    """The check's decided rows stay alive until they are written: out of the cyclic garbage
    collector's sight meanwhile (gc.freeze), so that each of its full collections during the write
    does not walk the whole checked batch again (a fifth of a 10,000-row write's CPU went there)."""
    gc.freeze()
    try:
        yield result
    finally:
        gc.unfreeze()
