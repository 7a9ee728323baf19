"""一人一档: one click queues a build (a Celery task calling the service); the PDF has a cover, a
table of contents whose page numbers match the pages, a summary page per step, each scan placed
(PDF pages kept, images fitted to A4); the .zip holds every upload with its SHA-256 in the manifest;
a corrupt scan gets a message page, not a failed build; downloads are logged reads; the committee's
yearly bundle is streamed; no half-written file is ever offered."""

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image
from pypdf import PdfReader

from audit.models import ReadKind, ReadRecord
from cases import services, steps
from cases.models import EventKind, EventSource, Material
from cases.services.events import verify_chain
from demo.journey import advance
from dossier import builder
from dossier import services as dossier
from dossier.models import ArchiveStatus, CaseArchive
from tests import factories as f

pytestmark = pytest.mark.django_db


def marked_pdf(marker: str, pages: int = 1) -> bytes:
    """A PDF whose every page says `marker` (so the test can find where it was placed)."""
    from weasyprint import HTML

    html = "".join(f'<p style="page-break-after: always">{marker} p{n}</p>' for n in range(1, pages + 1))
    return HTML(string=html).write_pdf()


def jpg(width=600, height=400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


@pytest.fixture
def archived(county, secretary, crew):
    """A case through all 25 steps whose required materials are each one marked PDF page (two
    pages for 入党志愿书), plus a JPG scan and an extra scan without a checklist item."""
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="conversion_approval")
    for step, spec in steps.required_materials(steps.CODES):
        pages = 2 if spec.key == "application_form" else 1
        services.upload_material(
            case=case,
            title="",
            upload=SimpleUploadedFile(f"{spec.key}.pdf", marked_pdf(f"SCAN-{step.code}-{spec.key}", pages)),
            step=step.code,
            item=spec.key,
            actor=secretary,
        )
    services.upload_material(
        case=case,
        title="推荐票",
        upload=SimpleUploadedFile("ballot.jpg", jpg()),
        step="activist_selection",
        item="recommendation_ballots",
        actor=secretary,
    )
    advance(case, crew)  # 材料归档
    case.refresh_from_db()
    assert case.outcome == "archived"
    return case


def build(case, user, django_capture_on_commit_callbacks) -> CaseArchive:
    with django_capture_on_commit_callbacks(execute=True):
        archive = dossier.request_archive(case=case, actor=user)
    archive.refresh_from_db()
    return archive


def pdf_text(archive) -> list[str]:
    reader = PdfReader(dossier.archive_path(archive.pdf_name))
    return [page.extract_text() or "" for page in reader.pages]


def test_the_table_of_contents_matches_the_pages(archived, secretary, django_capture_on_commit_callbacks):
    archive = build(archived, secretary, django_capture_on_commit_callbacks)
    assert archive.status == ArchiveStatus.READY and archive.progress == 100, archive.error
    pages = pdf_text(archive)
    assert len(pages) == archive.pages
    assert "一 人 一 档" in pages[0].replace("\n", " ") or "一人一档" in pages[0].replace(" ", "")
    first = int(re.search(r"^1\. 递交入党申请书\s*(\d+)$", pages[1], flags=re.M).group(1))
    toc = "\n".join(pages[1 : first - 1])  # the table of contents runs until the first section
    entries = re.findall(r"^(\d+)\. (\S+?)\s*(\d+)$", toc, flags=re.M)
    assert len(entries) == 25, toc
    for number, name, page in entries:
        step = steps.STEPS[int(number) - 1]
        assert name == step.name
        assert f"{number}. {step.name}" in pages[int(page) - 1].replace(" \n", "\n")
        # the step's scans follow its summary page, in the checklist's order
        for spec in (m for m in step.materials if m.required):
            assert any(f"SCAN-{step.code}-{spec.key} p1" in text for text in pages[int(page) : int(page) + 8])
    # the two-page 入党志愿书 keeps both its pages, in order
    first = next(i for i, t in enumerate(pages) if "SCAN-application_form-application_form p1" in t)
    assert "SCAN-application_form-application_form p2" in pages[first + 1]
    # the JPG is placed on an A4 page
    reader = PdfReader(dossier.archive_path(archive.pdf_name))
    sizes = {(round(float(p.mediabox.width)), round(float(p.mediabox.height))) for p in reader.pages}
    assert sizes == {(595, 842)}
    # a summary page says who, the meeting and the vote
    admission = next(t for t in pages if "15. 支部大会讨论" in t and "表决" in t)
    assert "赞成" in admission and "应到会有表决权" in admission


def test_a_finished_build_leaves_the_files_fingerprints_on_the_trail_as_a_system_job(
    archived, secretary, django_capture_on_commit_callbacks
):
    archive = build(archived, secretary, django_capture_on_commit_callbacks)

    requested, built = archived.events.order_by("-seq")[:2][::-1]
    assert requested.source == EventSource.WEB and requested.summary.startswith("申请生成一人一档")
    assert built.source == EventSource.SYSTEM and built.kind == EventKind.ARCHIVE
    assert built.summary == f"一人一档已生成：PDF {archive.pages} 页"
    assert archive.pdf_sha256 in built.note and archive.zip_sha256 in built.note
    assert verify_chain(archived) == []


def test_a_failed_build_leaves_nothing_on_the_trail(
    archived, secretary, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(builder, "build", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("纸张用完")))
    before = archived.events.count()

    archive = build(archived, secretary, django_capture_on_commit_callbacks)

    assert archive.status == ArchiveStatus.FAILED
    assert archived.events.count() == before + 1  # the request only
    assert not archived.events.filter(source=EventSource.SYSTEM).exists()


def test_every_upload_is_in_the_zip_with_its_hash(archived, secretary, django_capture_on_commit_callbacks):
    archive = build(archived, secretary, django_capture_on_commit_callbacks)
    with zipfile.ZipFile(dossier.archive_path(archive.zip_name)) as zf:
        manifest = list(csv.reader(io.StringIO(zf.read("清单.csv").decode("utf-8-sig"))))
        rows = {r[0]: r for r in manifest[1:] if r and not r[0].startswith("#")}
        import hashlib

        for name, row in rows.items():
            assert hashlib.sha256(zf.read(name)).hexdigest() == row[2], name
    uploads = Material.objects.filter(case=archived)
    assert uploads.count() == len([n for n in rows if n.startswith("材料/")])
    assert {m.sha256 for m in uploads} <= {r[2] for r in rows.values()}
    assert rows["档案.pdf"][2] == archive.pdf_sha256


def test_a_corrupt_or_missing_scan_gets_a_message_page_not_a_failed_build(
    archived, secretary, django_capture_on_commit_callbacks
):
    broken = Material.objects.filter(case=archived, item="application_letter").get()
    Path(broken.file.path).write_bytes(b"%PDF-1.4 garbage")
    gone = Material.objects.filter(case=archived, item="talk_record", step="initial_talk").get()
    Path(gone.file.path).unlink()
    archive = build(archived, secretary, django_capture_on_commit_callbacks)
    assert archive.status == ArchiveStatus.READY
    text = "\n".join(pdf_text(archive))
    assert "已损坏或无法打开" in text and "application_letter.pdf" in text
    assert "文件不存在" in text
    assert len(archive.notes) == 2


def test_downloads_are_logged_reads_and_scoped(
    archived, secretary, officer, auditor, outsider, client, django_capture_on_commit_callbacks
):
    archive = build(archived, secretary, django_capture_on_commit_callbacks)
    for kind in ("pdf", "zip"):
        url = reverse("dossier:download", args=[archive.pk, kind])
        client.force_login(outsider)
        assert client.get(url).status_code == 404
        client.force_login(auditor)
        assert client.get(url).status_code == 403
        client.force_login(officer)
        response = client.get(url)
        assert response.status_code == 200
        b"".join(response.streaming_content)
    reads = ReadRecord.objects.filter(kind=ReadKind.ARCHIVE, case_id=archived.pk)
    assert reads.count() == 2 and {r.user for r in reads} == {officer}
    client.force_login(secretary)
    assert client.get(reverse("dossier:download", args=[archive.pk, "exe"])).status_code == 404


def test_the_panel_polls_while_building_and_is_scoped(archived, secretary, outsider, auditor, client):
    client.force_login(secretary)
    with CaptureQueriesContext(connection):
        response = client.post(reverse("dossier:request", args=[archived.pk]), headers={"HX-Request": "true"})
    # no on-commit execution here: the request stays queued, and the panel polls
    html = response.content.decode()
    assert 'hx-trigger="every 2s"' in html and "正在生成" in html
    assert archived.events.filter(kind="archive").count() == 1
    again = client.post(reverse("dossier:request", args=[archived.pk]), follow=True)
    assert "正在生成，请稍候" in again.content.decode()
    assert CaseArchive.objects.filter(case=archived).count() == 1
    for who, status in ((outsider, 404), (auditor, 403)):
        client.force_login(who)
        assert client.get(reverse("dossier:panel", args=[archived.pk])).status_code == status
        assert client.post(reverse("dossier:request", args=[archived.pk])).status_code == status


def test_the_panel_costs_a_constant_number_of_queries(
    archived, secretary, client, django_assert_max_num_queries
):
    client.force_login(secretary)
    url = reverse("dossier:panel", args=[archived.pk])
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_a_killed_build_leaves_no_file_offered(archived, secretary, monkeypatch, client):
    """The worker dies while writing the PDF: only a '.part' file is left (removed by the daily
    sweep once a day old), the row is not READY, no download is offered, and a later request (after
    the time limit) starts again."""
    archive = CaseArchive.objects.create(case=archived, requested_by=secretary)

    class Killed(BaseException):  # like SIGKILL: nothing after it runs
        pass

    def die(*args, **kwargs):
        raise Killed

    monkeypatch.setattr(builder, "_commit", die)
    with pytest.raises(Killed):
        dossier.build_archive(archive_id=archive.pk)
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.BUILDING and not archive.pdf_name
    folder = builder.archive_dir(archived.pk)
    assert [p.name for p in folder.iterdir() if not p.name.startswith(".")] == []
    left = [aged(p, hours=25) for p in folder.iterdir() if p.name.endswith(".part")]
    assert left  # what the killed worker wrote stays until the daily sweep, a day later
    assert set(left) <= set(builder.sweep_stale(builder.archives_root()))
    assert not any(p.exists() for p in left)
    client.force_login(secretary)
    html = client.get(archived.get_absolute_url()).content.decode()
    assert "下载 PDF" not in html
    CaseArchive.objects.filter(pk=archive.pk).update(
        requested_at=archive.requested_at - dt.timedelta(hours=1)
    )
    monkeypatch.undo()
    new = dossier.request_archive(case=archived, actor=secretary)
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.FAILED and "中断" in archive.error and new.pk != archive.pk


def test_the_committee_downloads_a_branch_year_as_one_streamed_zip(
    archived, county, secretary, officer, client, django_capture_on_commit_callbacks
):
    archive = build(archived, secretary, django_capture_on_commit_callbacks)
    other = f.new_case(county.branch, secretary)  # not archived: not in the year's bundle
    year = archived.outcome_on.year
    url = reverse("dossier:bundles") + f"?branch={county.branch.pk}&year={year}"
    client.force_login(secretary)
    assert client.get(url).status_code == 403  # the branch secretary is not the committee
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    body = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(body)) as zf:
        names = zf.namelist()
        inner = [n for n in names if n.endswith(".zip")]
        assert len(inner) == 1 and str(archived.pk) in inner[0]
        import hashlib

        assert hashlib.sha256(zf.read(inner[0])).hexdigest() == archive.zip_sha256
        assert "共 1 人" in zf.read([n for n in names if n.endswith("说明.txt")][0]).decode()
    assert str(other.pk) not in " ".join(names)
    assert ReadRecord.objects.filter(kind=ReadKind.ARCHIVE, user=officer).count() == 1
    bad = client.get(reverse("dossier:bundles") + f"?branch={county.branch.pk}&year=abc")
    assert bad.status_code == 200 and "请填写年份" in bad.content.decode()


def test_a_bundle_whose_reads_cannot_all_be_recorded_records_none_and_is_refused(
    archived, county, secretary, officer, client, django_capture_on_commit_callbacks, monkeypatch
):
    archive = build(archived, secretary, django_capture_on_commit_callbacks)
    other = f.new_case(county.branch, secretary)
    # two archives in the year's bundle (the second case lent the first one's archive)
    monkeypatch.setattr(dossier, "year_cases", lambda cases, year: [archived, other])
    monkeypatch.setattr(
        dossier, "latest_ready_by_case", lambda ids: {archived.pk: archive, other.pk: archive}
    )
    create = ReadRecord.objects.create
    calls = []

    def second_fails(**kwargs):
        calls.append(kwargs)
        if len(calls) == 2:
            raise DatabaseError("disk full")
        return create(**kwargs)

    monkeypatch.setattr(ReadRecord.objects, "create", second_fails)
    client.force_login(officer)
    url = reverse("dossier:bundles") + f"?branch={county.branch.pk}&year={archived.outcome_on.year}"
    response = client.get(url, follow=True)
    assert len(calls) == 2 and not response.streaming and "本次下载被拒绝" in response.content.decode()
    assert not ReadRecord.objects.filter(kind=ReadKind.ARCHIVE).exists()


def test_a_failed_build_removes_its_temporary_and_half_files(archived, secretary, monkeypatch):
    """A build that fails after its PDF is in place (the .zip cannot be written) leaves nothing in
    the case's folder: neither the .part files nor the PDF under its final name."""
    archive = CaseArchive.objects.create(case=archived, requested_by=secretary)

    def broken_zip(*args, **kwargs):
        args[4].write_bytes(b"half a zip")  # the .part is written, then the disk fills
        raise OSError("设备上没有空间")

    monkeypatch.setattr(builder, "_write_zip", broken_zip)
    assert dossier.build_archive(archive_id=archive.pk) is None
    archive.refresh_from_db()
    assert archive.status == ArchiveStatus.FAILED and "设备上没有空间" in archive.error
    assert list(builder.archive_dir(archived.pk).iterdir()) == []


def aged(path: Path, hours: float) -> Path:
    import os
    import time

    if not path.exists():
        path.write_bytes(b"x")
    when = time.time() - hours * 3600
    os.utime(path, (when, when))
    return path


def test_the_daily_sweep_removes_what_killed_builds_left_after_a_day(settings, tmp_path):
    """A killed worker leaves '.part' files and a '.build-' folder: the sweep removes them once
    untouched for a day (older: removed; younger, as a build in progress: kept) and never touches
    finished archives, however old."""
    from config.celery import app
    from dossier.tasks import sweep_stale_files_task

    settings.MEDIA_ROOT = tmp_path
    folder = builder.archive_dir(7)
    folder.mkdir(parents=True)
    aged(folder / ".7-abc.pdf.1a2b3c4d.part", hours=25)
    aged(folder / ".7-def.zip.5e6f7a8b.part", hours=23)
    work = folder / ".build-q1w2e3"
    work.mkdir()
    (work / "front.pdf").write_bytes(b"x")
    aged(work, hours=30)
    finished = folder / "7-abc.pdf"
    finished.write_bytes(b"%PDF")
    aged(finished, hours=24 * 400)
    assert sweep_stale_files_task() == 2
    assert sorted(p.name for p in folder.iterdir()) == [".7-def.zip.5e6f7a8b.part", "7-abc.pdf"]
    assert sweep_stale_files_task() == 0
    entry = app.conf.beat_schedule["sweep-stale-archive-files-daily"]
    assert entry["task"] == "dossier.sweep_stale_files"


def test_an_uploaded_png_is_placed_on_an_a4_page(county, secretary, tmp_path):
    """The upload path now takes PNG (cases.services.uploads): the archive fits it to A4 like a JPG,
    a transparent (RGBA) one included."""
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    material = services.upload_material(
        case=case,
        title="入党申请书（照片）",
        upload=f.png_upload("申请书.png", size=(900, 1200), mode="RGBA"),
        step="application",
        actor=secretary,
    )
    scan = builder.Scan(material, material.title)
    builder.prepare_scan(scan, tmp_path)
    assert (scan.problem, scan.pages) == ("", 1)
    page = PdfReader(scan.pdf_path).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
