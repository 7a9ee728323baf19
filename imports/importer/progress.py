"""How far a queued check or import has got, and the promise that its worker is still alive.

The worker reports the rows it has checked (at most once a second), and every report moves the
batch's `alive_until` forward by settings.IMPORT_STALL_SECONDS. A batch still 排队/检查中/导入中
after that moment has lost its worker (killed, out of memory, its message lost): ImportBatch.stalled
is then true, and its page says so and offers a retry instead of spinning for ever. The one silent
phase, the import's single write transaction, promises progress by the end of the task's time limit.
"""

import time
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from imports.models import ImportBatch

REPORT_EVERY = 1.0  # seconds between two progress writes


def stall_after() -> timedelta:
    return timedelta(seconds=settings.IMPORT_STALL_SECONDS)


def alive_until(seconds: float | None = None):
    return timezone.now() + (timedelta(seconds=seconds) if seconds is not None else stall_after())


class BatchProgress:
    """progress(checked, total): total is 0 while the file is still being read."""

    def __init__(self, batch_id: int):
        self.batch_id = batch_id
        self._last = float("-inf")

    def __call__(self, checked: int = 0, total: int = 0) -> None:
        now = time.monotonic()
        if now - self._last < REPORT_EVERY and not (total and checked == total):
            return
        self._last = now
        ImportBatch.objects.filter(pk=self.batch_id).update(
            rows_checked=checked, rows_total=total, alive_until=alive_until()
        )

    def heartbeat(self) -> None:
        self(0, 0)

    def writing(self, seconds: float) -> None:
        """Entering the write transaction, which reports nothing until it ends."""
        ImportBatch.objects.filter(pk=self.batch_id).update(alive_until=alive_until(seconds))
