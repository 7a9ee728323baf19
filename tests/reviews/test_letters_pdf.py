"""The PDF itself: a CJK font embedded, the names and dates in its text, the hash recorded."""

import datetime as dt
import hashlib
import subprocess

import pytest

from reviews import letters, services
from reviews.models import Letter
from reviews.queues import BY_SLUG
from reviews.selectors import queue_items

pytestmark = pytest.mark.django_db


def pdf_tool(tool, data: bytes, tmp_path) -> str:
    path = tmp_path / "letter.pdf"
    path.write_bytes(data)
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


@pytest.fixture
def admission_letter(county, secretary, officer, crew, scene, django_capture_on_commit_callbacks):
    cases = scene.new_cases(county, secretary, 3, names=["张三", "李四", "王五"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    queue = BY_SLUG["admission_approval"]
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_batch(
            queue=queue,
            action="approve",
            items=(queued := list(queue_items(officer, queue).order_by("pk"))),
            actor=officer,
            new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=7),
            votes=scene.tallies(queued, 7),
        )
    return Letter.objects.get()


def test_the_pdf_embeds_a_cjk_font_and_says_names_dates_and_number(admission_letter, tmp_path):
    data = admission_letter.pdf.read()
    fonts = pdf_tool("pdffonts", data, tmp_path)
    assert "NotoSerifCJK" in fonts.replace("-", "")
    embedded = fonts.strip().splitlines()[2:]  # after the two header lines
    # Regular and bold, both embedded; the page numbers (an @page margin box) add no third face.
    assert len(embedded) == 2 and all("Noto-Serif-CJK-SC" in line and " yes " in line for line in embedded)
    text = pdf_tool("pdftotext", data, tmp_path).replace(" ", "")
    entry = admission_letter.entries.first()
    case = entry.case
    for expected in (
        "张三",
        "李四",
        "王五",
        "中共城关镇委员会",
        admission_letter.number,
        "城关镇第一党支部：",
        f"{case.probation_start.year}年{case.probation_start.month}月{case.probation_start.day}日",
        f"{case.probation_end.year}年{case.probation_end.month}月{case.probation_end.day}日",
        admission_letter.display_code,
        "—1—",
    ):
        assert expected in text, expected
    assert hashlib.sha256(data).hexdigest() == admission_letter.sha256


def test_rendering_is_deterministic_so_a_regenerated_letter_keeps_its_hash(admission_letter):
    assert hashlib.sha256(letters.render(admission_letter)).hexdigest() == admission_letter.sha256
