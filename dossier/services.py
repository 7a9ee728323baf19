"""一人一档: ask for a case's archive (one click), build it (the Celery task calls build_archive), and
stream a branch's archives of a year as one .zip. Who may: cases.permissions (Act.ARCHIVE on the
case; archive_bundle_answer for a branch). Each request is a CaseEvent on the case's trail; each
download is a read (audit.ReadRecord), recorded by the views before the file is served."""

import datetime as dt
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cases.models import Case, EventKind, EventSource, Outcome
from cases.permissions import Act, act_answer
from cases.services import as_actor
from cases.services.actors import Actor, granted
from cases.services.errors import StepNotAllowed
from cases.services.events import record_event
from cases.services.step_service import lock_case
from dossier import builder
from dossier.models import ArchiveStatus, CaseArchive
from dossier.streaming import ZipStream

logger = logging.getLogger(__name__)

STALE_AFTER = dt.timedelta(minutes=35)  # past the task's hard time limit (dossier.tasks)


@transaction.atomic
def request_archive(*, case: Case, actor) -> CaseArchive:
    """Queue a build of the case's archive (once at a time per case); the task runs on commit."""
    from dossier import tasks

    actor = as_actor(actor)
    lock_case(case)
    grant = granted(act_answer(actor.user, case, Act.ARCHIVE))
    running = CaseArchive.objects.filter(
        case=case, status__in=(ArchiveStatus.QUEUED, ArchiveStatus.BUILDING)
    ).first()
    if running is not None and running.requested_at < timezone.now() - STALE_AFTER:
        # its worker was killed (past the task's time limit): it will never finish, say so
        _set(
            running.pk,
            status=ArchiveStatus.FAILED,
            stage="生成中断",
            error="生成中断（处理进程已终止），请重新生成",
        )
    elif running is not None:
        raise StepNotAllowed("该案例的一人一档正在生成，请稍候")
    archive = CaseArchive.objects.create(case=case, requested_by=actor.user, stage="排队中")
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.ARCHIVE,
        summary="申请生成一人一档（PDF 及原件压缩包）",
        role=grant.recorded_role,
        org=grant.org,
    )
    tasks.build_case_archive_task.delay_on_commit(archive.pk)
    return archive


def _set(archive_id: int, **fields) -> None:
    CaseArchive.objects.filter(pk=archive_id).update(**fields)


def build_archive(*, archive_id: int) -> CaseArchive | None:
    """Claim the queued archive (compare-and-set), build its files, and mark it READY only once
    both are renamed into place; a failure is recorded on the row in Chinese."""
    claimed = CaseArchive.objects.filter(pk=archive_id, status=ArchiveStatus.QUEUED).update(
        status=ArchiveStatus.BUILDING, stage="开始生成", progress=1
    )
    if claimed != 1:
        return None  # built or being built by another worker
    archive = CaseArchive.objects.select_related("case__person", "case__branch").get(pk=archive_id)
    case = archive.case
    stem = f"{archive.pk}-{uuid.uuid4().hex[:12]}"

    def progress(percent: int, stage: str) -> None:
        _set(archive_id, progress=min(percent, 99), stage=stage[:100])

    try:
        built = builder.build(case, builder.archive_dir(case.pk), stem, progress)
    except Exception as exc:
        logger.exception("archive %s of case %s failed", archive_id, case.pk)
        _set(archive_id, status=ArchiveStatus.FAILED, stage="生成失败", error=f"生成失败：{exc}"[:2000])
        return None
    root = Path(settings.MEDIA_ROOT)
    with transaction.atomic():
        lock_case(case)
        _set(
            archive_id,
            status=ArchiveStatus.READY,
            progress=100,
            stage="已完成",
            pdf_name=str(built.pdf_path.relative_to(root)),
            zip_name=str(built.zip_path.relative_to(root)),
            pdf_sha256=built.pdf_sha256,
            zip_sha256=built.zip_sha256,
            pages=built.pages,
            notes=built.notes,
            finished_at=timezone.now(),
        )
        # The system job's own entry on the trail: the files' fingerprints, sealed with the case's
        # history, so a file swapped later no longer matches what the trail says was built.
        record_event(
            case=case,
            actor=Actor(user=archive.requested_by, source=EventSource.SYSTEM),
            kind=EventKind.ARCHIVE,
            summary=f"一人一档已生成：PDF {built.pages} 页",
            note=f"PDF SHA-256 {built.pdf_sha256}；压缩包 SHA-256 {built.zip_sha256}",
        )
    archive.refresh_from_db()
    return archive


def sweep_stale_files() -> int:
    """The daily clean-up (dossier.tasks): remove the temporary files and working folders that
    killed builds left beside the archives (builder.sweep_stale). Returns how many were removed."""
    removed = builder.sweep_stale(builder.archives_root())
    if removed:
        logger.warning("removed %d stale archive build files: %s", len(removed), [p.name for p in removed])
    return len(removed)


RECENT = 5


def recent_archives(case: Case) -> list[CaseArchive]:
    """The case's newest requests (in progress, ready or failed), newest first: one query."""
    return list(CaseArchive.objects.filter(case=case).order_by("-requested_at", "-pk")[:RECENT])


def ready_archive(case: Case) -> CaseArchive | None:
    return (
        CaseArchive.objects.filter(case=case, status=ArchiveStatus.READY)
        .order_by("-finished_at", "-pk")
        .first()
    )


def archive_path(name: str) -> Path:
    return Path(settings.MEDIA_ROOT) / name


def year_cases(cases, year: int):
    """A branch's cases archived (材料归档) in `year`: what its yearly bundle holds."""
    return cases.filter(outcome=Outcome.ARCHIVED, outcome_on__year=year).select_related("person")


def latest_ready_by_case(case_ids: list[int]) -> dict[int, CaseArchive]:
    found: dict[int, CaseArchive] = {}
    for archive in CaseArchive.objects.filter(case_id__in=case_ids, status=ArchiveStatus.READY).order_by(
        "case_id", "-finished_at", "-pk"
    ):
        found.setdefault(archive.case_id, archive)
    return found


def bundle_chunks(
    branch_name: str, year: int, cases: list[Case], archives: dict[int, CaseArchive]
) -> Iterator[bytes]:
    """The yearly .zip, streamed: each case's archive .zip read from disk in chunks, and 说明.txt
    naming the cases whose archive is not yet built. Memory stays at one chunk."""
    stream = ZipStream()
    folder = builder.safe_name(f"{branch_name}-{year}年")
    missing = []
    for case in cases:
        archive = archives.get(case.pk)
        name = builder.safe_name(f"{case.person_on_file.name}-{case.pk}")
        if archive is None or not archive_path(archive.zip_name).exists():
            missing.append(f"{case.person_on_file.name}（案例 {case.pk}）")
            continue
        yield from stream.add_file(archive_path(archive.zip_name), f"{folder}/{name}.zip")
    lines = [
        f"{branch_name} {year}年归档案例一人一档",
        f"共 {len(cases)} 人，收录 {len(cases) - len(missing)} 份。",
    ]
    if missing:
        lines += ["以下案例尚未生成一人一档，请在案例页面生成后重新下载：", *missing]
    yield from stream.add_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"), f"{folder}/说明.txt")
    yield from stream.close()
