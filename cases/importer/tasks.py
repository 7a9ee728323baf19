"""The browser's real imports run here, in a worker: fetch the batch by id, run the import."""

from celery import shared_task
from celery.contrib.django.task import DjangoTask

from cases.importer import batches

# Above the default task limit: 10,000 rows take about a minute on a quiet server, far longer on a
# busy one; the limit only guards against a worker stuck for good.
IMPORT_TIME_LIMIT = 60 * 60


class ImportTask(DjangoTask):  # DjangoTask: delay_on_commit
    def on_failure(self, exc, task_id, args, kwargs, einfo):
        batch_id = kwargs.get("batch_id", args[0] if args else None)
        if batch_id is not None:
            batches.mark_failed(batch_id, f"{type(exc).__name__}: {exc}")


@shared_task(
    base=ImportTask,
    name="cases.import_batch",
    time_limit=IMPORT_TIME_LIMIT,
    soft_time_limit=IMPORT_TIME_LIMIT - 60,
)
def import_batch_task(batch_id: int) -> None:
    batches.run_queued_import(batch_id)
