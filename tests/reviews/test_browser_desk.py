"""In real Chromium: an officer approves three people at one 党委会 (confirming the tally the desk
proposes) and downloads the 批复.

The cases are driven to 接收审批 through the services; everything the officer does is clicked.
With eager Celery (test settings) the letter is rendered by the on-commit hook of the decision.
The event trail is emptied after the test by the autouse fixture of tests/conftest.py.
"""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from reviews.models import Letter
from tests.e2e.browser import label, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_approves_three_cases_and_downloads_the_letter(
    live_server, page: Page, county, secretary, officer, crew, scene, tmp_path
):
    cases = scene.new_cases(county, secretary, 3, names=["张三", "李四", "王五"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)
    page.set_default_timeout(10_000)

    login(page, live_server.url, officer.username)
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审批台").click()
    page.get_by_role("link", name="接收审批").first.click()
    expect(page.get_by_role("heading", name="审批台 · 接收审批")).to_be_visible()

    for name in ("张三", "李四", "王五"):
        page.get_by_label(f"选择{name}").check()
    page.get_by_label(label("党委会日期")).fill(held.isoformat())
    page.get_by_label(label("应到会党委委员人数")).fill("7")
    page.get_by_label(label("实到会党委委员人数")).fill("7")
    page.get_by_role("button", name="党委会审批通过").click()

    # No tally typed: the desk proposes 7 yes for each (cases.rules.tally), shows it, decides nothing.
    expect(page.get_by_role("alert")).to_contain_text("按实到人数预填")
    assert not Letter.objects.exists()
    for name in ("张三", "李四", "王五"):
        expect(page.get_by_label(f"{name} 赞成票")).to_have_value("7")
        expect(page.get_by_label(f"选择{name}")).to_be_checked()
    page.get_by_role("button", name="党委会审批通过").click()

    expect(page.get_by_role("heading", name="办理结果：党委会审批通过")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("3 人办理成功")
    letter = Letter.objects.get()
    assert letter.title == "关于同意吸收张三等3名同志为中国共产党预备党员的批复"
    page.get_by_role("link", name=f"{letter.number} {letter.title}").click()
    expect(page.get_by_text("已生成")).to_be_visible()

    with page.expect_download() as info:
        page.get_by_role("link", name="下载PDF").click()
    download = info.value
    target = tmp_path / "letter.pdf"
    download.save_as(target)
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 10_000
    assert download.suggested_filename.endswith(".pdf") and letter.number in download.suggested_filename
