"""Celery discovers the tasks of the cases app here (app.autodiscover_tasks looks for cases.tasks)."""

from cases.importer.tasks import check_batch_task, import_batch_task

__all__ = ["check_batch_task", "import_batch_task"]
