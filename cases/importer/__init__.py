"""Excel import of cases already under way (product.md §6).

reader (file → typed rows) → plan (row → person, branch, steps) → checker (plan → E/W codes through
cases.rules) → writer (plan → the one write path). batches keeps the file and audits each run;
tasks runs the browser's real imports in a worker.
"""

from cases.importer.batches import (
    AlreadyConfirmed,
    check_batch,
    import_batch,
    queue_import,
    store_path,
    store_upload,
)
from cases.importer.pipeline import CheckResult, check_file
from cases.importer.reader import UnreadableFile
from cases.importer.report import RowReport, RowStatus

__all__ = [
    "AlreadyConfirmed",
    "CheckResult",
    "RowReport",
    "RowStatus",
    "UnreadableFile",
    "check_batch",
    "check_file",
    "import_batch",
    "queue_import",
    "store_path",
    "store_upload",
]
