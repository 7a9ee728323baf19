"""A county seeded so that every page has something to show: cases waiting in the queues of the
党委 and the 党总支, a case with a material, a letter, an import preview. The fuzz tests walk every
URL pattern with these objects' ids, as every persona.

Hypothesis runs inside one test with its fixtures set up once (the examples share the database
of that test, and each request checks the row counts itself), so the health check about
function-scoped fixtures is off. FUZZ_EXAMPLES scales every target's examples (default 1.0)."""

import datetime as dt
import io
import os
from types import SimpleNamespace

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, settings

from cases import services
from cases.models import Submission, SubmissionStatus
from demo.journey import advance
from imports.models import ImportBatch, ImportStatus
from reviews.models import Letter
from reviews.queues import BY_SLUG
from reviews.services import decide_batch
from tests import factories as f
from tests.reviews.conftest import meeting_on, new_cases, waiting_at_step

settings.register_profile(
    "fuzz",
    deadline=None,
    database=None,  # nothing written to .hypothesis/; a failure prints its reproduction blob
    print_blob=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
SCALE = float(os.environ.get("FUZZ_EXAMPLES", "1"))


def examples(n: int) -> int:
    return max(1, round(n * SCALE))


def pdf_upload(name="谈话记录.pdf") -> SimpleUploadedFile:
    writer = pypdf.PdfWriter()
    writer.add_blank_page(width=72, height=72)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def superuser(db):
    return f.user("admin", is_staff=True, is_superuser=True)


@pytest.fixture
def fuzz_scene(county, personas, superuser, crew, general_crew, settings, tmp_path):
    """Two cases waiting for 积极分子备案 at the 党委 (one answered, so a letter exists), one
    waiting at the 党总支, a material, and an import preview of the secretary."""
    settings.MEDIA_ROOT = tmp_path / "media"
    waiting, answered = new_cases(county, crew.secretary, 2)
    for case in (waiting, answered):
        waiting_at_step(case, crew, "activist_filing")
    on = max(r.on for r in answered.records.all())
    queue = BY_SLUG["activist_filing"]
    decide_batch(
        queue=queue,
        action="acknowledge",
        items=list(Submission.objects.filter(case=answered, status=SubmissionStatus.PENDING)),
        actor=crew.officer,
        on=on,
    )
    [under_reviewer] = new_cases(county, general_crew.secretary, 1, branch=county.branch_under_reviewer)
    advance(under_reviewer, general_crew, until="activist_selection")
    services.submit(
        case=under_reviewer,
        step_code="activist_filing",
        on=meeting_on(under_reviewer, "activist_selection"),
        actor=general_crew.secretary,
    )  # not forwarded: it waits at the 党总支
    material = services.upload_material(
        case=waiting, title="谈话记录", upload=pdf_upload(), actor=crew.secretary, step="initial_talk"
    )
    batch = ImportBatch.objects.create(
        user=crew.secretary,
        file_name="导入.xlsx",
        size=1,
        sha256="0" * 64,
        status=ImportStatus.CHECKED,
        dry_run=True,
        rows_total=1,
        rows_valid=1,
        report=[{"row": 2, "status": "valid", "name": "张三", "problems": [], "notes": []}],
    )
    return SimpleNamespace(
        users={**personas, "admin": superuser, "anonymous": None},
        case=waiting,
        closed_case=answered,
        submission=Submission.objects.get(case=waiting, status=SubmissionStatus.PENDING),
        reviewer_submission=Submission.objects.get(case=under_reviewer, status=SubmissionStatus.PENDING),
        material=material,
        letter=Letter.objects.get(),
        batch=batch,
        today=dt.date.today(),
    )
