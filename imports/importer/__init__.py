"""Excel import of cases already under way (product.md §6).

limits + container (the file's size, zip, rows, columns and cells, refused before any work) →
reader (file → typed rows) → plan (row → person, branch, steps) → checker (plan → E/W codes: the
history decider, cases.services.history, as a dry run) → writer (plan → the same decider, then the
bulk writer). batches keeps the file and audits each run; background and tasks run the browser's
checks and imports in a worker, with progress.
"""

from imports.importer.background import (
    AlreadyConfirmed,
    queue_check,
    queue_import,
    retry_check,
)
from imports.importer.batches import check_batch, import_batch, store_path, store_upload
from imports.importer.limits import UnreadableFile
from imports.importer.pipeline import CheckResult, check_file
from imports.importer.report import RowReport, RowStatus

__all__ = [
    "AlreadyConfirmed",
    "CheckResult",
    "RowReport",
    "RowStatus",
    "UnreadableFile",
    "check_batch",
    "check_file",
    "import_batch",
    "queue_check",
    "queue_import",
    "retry_check",
    "store_path",
    "store_upload",
]
