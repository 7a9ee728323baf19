"""一人一档 in real Chromium: the branch secretary sees the materials missing from a file, uploads
one, records a waiver with its reason for another, archives the case (材料归档), builds the
archive with one click and downloads it (a logged read)."""

import datetime as dt
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from audit.models import ReadKind, ReadRecord
from cases import services, steps
from demo.journey import advance, scan_pdf
from dossier.models import ArchiveStatus, CaseArchive
from tests import factories as f
from tests.e2e.browser import label, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_secretary_completes_the_file_archives_it_and_downloads_it(
    page: Page, live_server, county, secretary, crew, tmp_path
):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="conversion_approval")
    required = steps.required_materials(steps.CODES)
    for step, spec in required[2:]:
        services.upload_material(
            case=case, title="", upload=scan_pdf(), step=step.code, item=spec.key, actor=secretary
        )
    (first, first_item), (second, second_item) = required[:2]
    base = live_server.url
    login(page, base, "secretary")
    page.goto(f"{base}/cases/{case.pk}/")
    panel = page.locator("#materials")
    expect(panel.locator("#missing-count")).to_have_text("缺 2 项")
    expect(panel.locator(f'[data-item="{first.code}:{first_item.key}"]')).to_contain_text("缺少")

    # upload the first missing one (the form offers it first)
    scan = tmp_path / "申请书.pdf"
    scan.write_bytes(scan_pdf().read())
    form = page.locator("#upload-form")
    form.get_by_label(label("清单材料")).select_option(value=f"{first.code}:{first_item.key}")
    form.get_by_label(label("文件（PDF/JPG/PNG，不超过10 MB）")).set_input_files(str(scan))
    form.get_by_role("button", name="上传").click()
    expect(page.locator("#missing-count")).to_have_text("缺 1 项")
    expect(page.locator(f'[data-item="{first.code}:{first_item.key}"]')).to_contain_text("已上传")

    # waive the other, with a reason
    waive = page.locator("#waive-form")
    waive.get_by_label(label("免交理由（必填）")).fill("谈话记录原件存乡镇党委")
    waive.get_by_role("button", name="登记免交").click()
    expect(page.locator("#missing-count")).to_have_text("必备材料齐全")
    expect(page.locator(f'[data-item="{second.code}:{second_item.key}"]')).to_contain_text(
        "免交理由：谈话记录原件存乡镇党委"
    )

    # 材料归档
    page.goto(f"{base}/cases/{case.pk}/steps/archiving/")
    step_form = page.locator("#step-form-archiving")
    step_form.get_by_label(label("日期")).fill(dt.date.today().isoformat())
    step_form.get_by_role("button", name="确认办理").click()
    expect(page.locator("#step-archiving .badge")).to_have_text("已完成")

    # one click builds the archive (eager Celery in tests), then download it
    page.locator("#archive-build").click()
    expect(page.locator("#archive-pdf")).to_be_visible(timeout=60_000)
    assert CaseArchive.objects.get(case=case).status == ArchiveStatus.READY
    with page.expect_download() as download:
        page.locator("#archive-pdf").click()
    path = download.value.path()
    assert Path(path).read_bytes()[:5] == b"%PDF-"
    assert ReadRecord.objects.filter(kind=ReadKind.ARCHIVE, case_id=case.pk, user=secretary).count() == 1
