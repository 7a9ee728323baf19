"""Thin: fetch by id, call the service."""

from celery import shared_task

from dossier import services


@shared_task(name="dossier.build_case_archive", time_limit=1800, soft_time_limit=1700)
def build_case_archive_task(archive_id: int) -> None:
    services.build_archive(archive_id=archive_id)


@shared_task(name="dossier.sweep_stale_files")
def sweep_stale_files_task() -> int:
    return services.sweep_stale_files()
