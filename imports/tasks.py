"""The browser's checks and imports run here, in a worker: fetch the batch by id, run it.
Celery's autodiscover_tasks finds them in this module; their names (cases.check_batch,
cases.import_batch) are kept from when they lived in cases, so messages already queued still run."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from imports.importer import background
from imports.importer.batches import IMPORT_TIME_LIMIT

# A dry run of 10,000 rows takes about a minute; the limit only guards against a worker stuck for good.
CHECK_TIME_LIMIT = 15 * 60


class ImportTask(DjangoTask):  # DjangoTask: delay_on_commit
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        batch_id = kwargs.get("batch_id", args[0] if args else None)
        if batch_id is not None:
            background.mark_failed(batch_id, f"{type(exc).__name__}: {exc}")


@shared_task(
    base=ImportTask,
    name="cases.check_batch",
    time_limit=CHECK_TIME_LIMIT,
    soft_time_limit=CHECK_TIME_LIMIT - 30,
)
def check_batch_task(batch_id: int) -> None:
    background.run_queued_check(batch_id)


@shared_task(
    base=ImportTask,
    name="cases.import_batch",
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 60,
)
def import_batch_task(batch_id: int) -> None:
    background.run_queued_import(batch_id)
