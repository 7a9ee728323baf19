"""一人一档 benchmark: the archive of a complete case (25 steps) with 30 scans of about 2 MB each.

    .venv/bin/python bench/archive_bench.py [--scans 30] [--megabytes 2] [--keep]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangyuan_x_bench .venv/bin/python bench/archive_bench.py

Runs in a throw-away var directory (media, and its own SQLite database), so it never touches var/.
With DATABASE_URL set it runs on PostgreSQL instead: the database it names — on this machine only
(bench/pg.py), and only one whose name ends in `_bench` — is dropped, created and migrated.
The case is taken through its 25 steps by the demo journey (the services), its scans uploaded through
`upload_material` (two thirds PDFs holding a scanned page, one third JPGs), then
`dossier.services.build_archive` runs in a fresh child process (spawned, as a worker is), timed, and the child's peak
resident memory (ru_maxrss of the children) is reported beside the sizes of the PDF and the .zip.

Target (issue 14): under 10 s and under 300 MB.

With --bundle 200 it then streams a committee's yearly .zip of 200 such archives (hard links to the one
built: distinct files of the real size) through dossier.services.bundle_chunks in another fresh process,
and reports the time, the peak resident memory and the resident memory every 0.5 GB sent (it must
stay flat: the bundle is streamed in 1 MB chunks, never held).

With --bundle-view 200 it streams the same bundle through the page a committee officer uses
(GET /dossier/bundles/?branch=…&year=…, Django's test Client in a fresh process, the whole
middleware stack): 199 more archived cases of the branch and year, each with a ready archive (a
hard link to the one built), so the view writes its 200 read-log rows (audit.reads.record_read)
before the first byte; reported: the view's answer time (scope, archives, 200 read records), the
streaming time, the read records written, the peak and the resident memory every 0.5 GB.
"""

import argparse
import datetime as dt
import io
import multiprocessing
import os
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scans", type=int, default=30)
    parser.add_argument("--megabytes", type=float, default=2.0, help="approximate size of each scan")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var directory")
    parser.add_argument(
        "--bundle",
        type=int,
        default=0,
        help="then stream a committee's yearly .zip of this many cases (200 in the issue)",
    )
    parser.add_argument(
        "--bundle-view",
        type=int,
        default=0,
        help="then download that .zip of this many cases through the page (its read-log writes measured)",
    )
    return parser.parse_args()


def setup_django(var_dir: Path):
    """As the letters benchmark does: on its own SQLite database, or on DATABASE_URL's PostgreSQL
    database made afresh (only a local one named *_bench: this drops it)."""
    from bench.letters_bench import setup_django as setup

    url = os.environ.get("DATABASE_URL", "")
    if url:
        from bench.pg import admin_cursor

        with admin_cursor(url) as (cursor, name):
            if not name.endswith("_bench"):
                raise SystemExit(
                    f"DATABASE_URL names {name!r}: this benchmark drops its database, so "
                    "it takes only one whose name ends in _bench"
                )
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
            cursor.execute(f'CREATE DATABASE "{name}"')
    setup(var_dir)


def noise_jpg(megabytes: float) -> bytes:
    """A noisy scan-like JPG of roughly `megabytes` (noise does not compress)."""
    from PIL import Image

    side = int((megabytes * 1_000_000 / 0.9) ** 0.5 * 1.1)
    image = Image.effect_noise((side, int(side * 1.41)), 40).convert("RGB")
    out = io.BytesIO()
    image.save(out, "JPEG", quality=92)
    return out.getvalue()


def scan_pdf(jpg: bytes) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.open(io.BytesIO(jpg)).save(out, "PDF", resolution=200)
    return out.getvalue()


def make_case(scans: int, megabytes: float):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test.utils import override_settings

    from branches.models import OrgKind, Role
    from cases import services, steps
    from demo.journey import Crew, advance
    from tests import factories as f

    dept = f.org("某县委组织部", OrgKind.DEPARTMENT, code="DEPT")
    town = f.org("城关镇党委", OrgKind.COMMITTEE, dept, can_approve=True, code="CG", letter_prefix="城组")
    branch = f.org("城关镇第一党支部", OrgKind.BRANCH, town, code="CG01", short_name="城关一")
    f.members(branch, full=8)
    secretary = f.user("secretary", Role.BRANCH_SECRETARY, branch, first_name="李书记")
    crew = Crew(
        secretary,
        f.user("officer", Role.COMMITTEE_OFFICER, town),
        f.user("auditor", Role.DEPARTMENT_AUDITOR, dept),
    )
    case = f.new_case(branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="conversion_approval")
    items = [(s, m) for s in steps.STEPS for m in s.materials]
    jpg = noise_jpg(megabytes)
    with override_settings(MAX_UPLOAD_BYTES=50 * 1024 * 1024):
        for n in range(scans):
            step, spec = items[n % len(items)]
            if n % 3 == 2:
                upload = SimpleUploadedFile(f"scan{n}.jpg", jpg)
            else:
                upload = SimpleUploadedFile(f"scan{n}.pdf", scan_pdf(jpg))
            services.upload_material(
                case=case, title=spec.title, upload=upload, step=step.code, item=spec.key, actor=secretary
            )
    from cases.context import case_facts

    for step, spec in case_facts(case).missing_materials():
        services.waive_material(
            case=case, step_code=step.code, item=spec.key, reason="基准测试", actor=secretary
        )
    advance(case, crew)
    return case, secretary


def peak_mb() -> float:
    """This process's peak resident memory (VmHWM: per address space, so reset by exec — unlike
    ru_maxrss, which a spawned child inherits from the parent it was forked from)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(archive_id: int, queue):
    """A fresh process, as a Celery worker is: Django set up from the same environment."""
    import django

    django.setup()
    from dossier import services as dossier

    if os.environ.get("ARCHIVE_BENCH_TRACE"):
        original = dossier._set

        def traced(archive_id, **fields):
            rss = peak_mb()
            print(f"  {fields.get('stage', '')}: peak {rss:.0f} MB", flush=True)
            original(archive_id, **fields)

        dossier._set = traced
    start_mb = peak_mb()
    started = time.perf_counter()
    archive = dossier.build_archive(archive_id=archive_id)
    seconds = time.perf_counter() - started
    queue.put(
        (seconds, archive.status, archive.pages, archive.pdf_name, archive.zip_name, start_mb, peak_mb())
    )


def bundle_child(zip_path: str, cases: int, queue):
    """Stream the yearly bundle of `cases` archives (each a hard link to the one built, so each is a
    distinct file of the real size) through dossier.services.bundle_chunks, as the view does,
    discarding the bytes; the resident memory is sampled as it goes."""
    import django

    django.setup()
    from types import SimpleNamespace

    from dossier import services as dossier

    source = Path(zip_path)
    links = source.parent / "bundle-links"
    links.mkdir(exist_ok=True)
    people, archives = [], {}
    for n in range(1, cases + 1):
        link = links / f"{n}.zip"
        if not link.exists():
            os.link(source, link)
        people.append(SimpleNamespace(pk=n, person_on_file=SimpleNamespace(name=f"党员{n}")))
        archives[n] = SimpleNamespace(zip_name=str(link))
    start_mb = peak_mb()
    samples = []
    sent = 0
    started = time.perf_counter()
    for chunk in dossier.bundle_chunks("城关镇第一党支部", 2026, people, archives):
        sent += len(chunk)
        if sent >= (len(samples) + 1) * 500_000_000:
            samples.append(round(rss_mb()))
    seconds = time.perf_counter() - started
    queue.put((seconds, sent, start_mb, peak_mb(), samples))


def add_bundle_cases(case, secretary, zip_name: str, cases: int) -> None:
    """`cases` - 1 more cases archived with `case` (same branch, same day), each with a ready
    archive whose .zip is a hard link to `case`'s (distinct files of the real size). Rows written
    directly: this measures the download, not the write path."""
    from django.utils import timezone

    from cases.models import Case, Outcome, Person, Stage
    from dossier.models import ArchiveStatus, CaseArchive
    from dossier.services import archive_path
    from tests import factories as f

    source = archive_path(zip_name)
    for n in range(2, cases + 1):
        link = f"bench-links/{n}.zip"
        archive_path(link).parent.mkdir(exist_ok=True)
        os.link(source, archive_path(link))
        other = Case.objects.create(
            person=Person.objects.create(**f.person()),
            branch=case.branch,
            stage=Stage.FULL_MEMBER,
            outcome=Outcome.ARCHIVED,
            outcome_on=case.outcome_on,
        )
        CaseArchive.objects.create(
            case=other,
            requested_by=secretary,
            status=ArchiveStatus.READY,
            progress=100,
            zip_name=link,
            finished_at=timezone.now(),
        )


def bundle_view_child(branch_id: int, year: int, queue):
    """The committee officer downloads the branch's yearly .zip through the page, in a fresh process:
    the view's answer (its read-log writes) timed apart from the streaming."""
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    from django.urls import reverse

    from audit.models import ReadKind, ReadRecord

    client = Client()
    client.force_login(get_user_model().objects.get(username="officer"))
    assert client.get(reverse("dossier:bundles")).status_code == 200  # warm: the form page, untimed
    reads = ReadRecord.objects.filter(kind=ReadKind.ARCHIVE)
    before = reads.count()
    start_mb = peak_mb()
    samples, sent = [], 0
    started = time.perf_counter()
    response = client.get(reverse("dossier:bundles"), {"branch": branch_id, "year": year})
    answered = time.perf_counter() - started
    assert response.status_code == 200 and response.streaming, response.status_code
    for chunk in response.streaming_content:
        sent += len(chunk)
        if sent >= (len(samples) + 1) * 500_000_000:
            samples.append(round(rss_mb()))
    seconds = time.perf_counter() - started
    queue.put((answered, seconds, sent, reads.count() - before, start_mb, peak_mb(), samples))


def marks(samples: list[int]) -> str:
    """The resident memory sampled every 0.5 GB, in short: flat or its range."""
    if not samples:
        return "no 0.5 GB mark reached"
    low, high = min(samples), max(samples)
    return (
        f"{low} MB at all {len(samples)} marks"
        if low == high
        else f"{low}–{high} MB over {len(samples)} marks"
    )


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main():
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="archive-bench-"))
    try:
        setup_django(var_dir)
        from django.db import connections

        from dossier.models import CaseArchive
        from dossier.services import archive_path

        t0 = time.perf_counter()
        case, secretary = make_case(args.scans, args.megabytes)
        uploads = case.materials.all()
        total = sum(m.size for m in uploads)
        print(f"setup: {time.perf_counter() - t0:.1f} s; {uploads.count()} scans, {total / 1e6:.1f} MB")
        archive = CaseArchive.objects.create(case=case, requested_by=secretary)
        connections.close_all()
        context = multiprocessing.get_context("spawn")  # a fresh interpreter, like a worker
        queue = context.Queue()
        process = context.Process(target=child, args=(archive.pk, queue))
        process.start()
        seconds, status, pages, pdf_name, zip_name, start_mb, peak = queue.get()
        process.join()
        pdf, zip_ = archive_path(pdf_name), archive_path(zip_name)
        print(f"archive: {status}, {pages} pages, built in {seconds:.2f} s")
        print(f"worker process: {start_mb:.0f} MB after Django set-up, peak {peak:.0f} MB during the build")
        print(f"PDF {pdf.stat().st_size / 1e6:.1f} MB, ZIP {zip_.stat().st_size / 1e6:.1f} MB")
        ok = seconds < 10 and peak < 300
        print("target (under 10 s and 300 MB):", "met" if ok else "NOT met")
        print(f"database: {connections['default'].vendor}; load average {os.getloadavg()}")
        if args.bundle:
            process = context.Process(target=bundle_child, args=(str(zip_), args.bundle, queue))
            process.start()
            seconds, sent, start_mb, peak, samples = queue.get()
            process.join()
            print(
                f"yearly bundle of {args.bundle} cases: {sent / 1e9:.2f} GB streamed in {seconds:.1f} s; "
                f"worker {start_mb:.0f} MB after set-up, peak {peak:.0f} MB; "
                f"resident every 0.5 GB: {marks(samples)}"
            )
        if args.bundle_view:
            case.refresh_from_db()
            add_bundle_cases(case, secretary, zip_name, args.bundle_view)
            connections.close_all()
            year = case.outcome_on.year
            process = context.Process(target=bundle_view_child, args=(case.branch_id, year, queue))
            process.start()
            answered, seconds, sent, reads, start_mb, peak, samples = queue.get()
            process.join()
            print(
                f"yearly bundle through the page, {args.bundle_view} cases: view answered in {answered:.2f} s "
                f"({reads} read records written), {sent / 1e9:.2f} GB streamed in {seconds:.1f} s in all; "
                f"worker {start_mb:.0f} MB after set-up, peak {peak:.0f} MB; resident every 0.5 GB: {marks(samples)}"
            )
    finally:
        if args.keep:
            print("kept", var_dir)
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
