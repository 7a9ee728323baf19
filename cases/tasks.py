"""Celery discovers the tasks of the cases app here (app.autodiscover_tasks looks for cases.tasks)."""

from cases.importer.tasks import import_batch_task

__all__ = ["import_batch_task"]
