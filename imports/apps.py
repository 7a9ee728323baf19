"""The import/export app beside the case file; Celery finds its tasks in imports.tasks."""

from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "imports"
    verbose_name = "导入导出"
