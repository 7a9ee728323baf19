"""In real Chromium: an officer approves three people at one 党委会 and downloads the 批复.

The cases are driven to 接收审批 through the services; everything the officer does is clicked.
With eager Celery (test settings) the letter is rendered by the on-commit hook of the decision.
"""

import datetime as dt
import importlib

import pytest
from django.db import connection
from playwright.sync_api import Page, expect

from reviews.models import Letter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "pw-123456"  # tests/factories.py
append_only = importlib.import_module("cases.migrations.0002_events_append_only")


@pytest.fixture
def erase_event_trail(transactional_db):
    """The event trail refuses DELETE on SQLite (a trigger): lift it for the flush after the test."""
    yield
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("DROP TRIGGER IF EXISTS cases_event_no_delete")
        cursor.execute("DELETE FROM cases_caseevent")
        cursor.execute(append_only.SQLITE[1])


def test_an_officer_approves_three_cases_and_downloads_the_letter(
    erase_event_trail, live_server, page: Page, county, secretary, officer, crew, scene, tmp_path
):
    cases = scene.new_cases(county, secretary, 3, names=["张三", "李四", "王五"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)
    page.set_default_timeout(10_000)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="审批台").click()
    page.get_by_role("link", name="接收审批").first.click()
    expect(page.get_by_role("heading", name="审批台 · 接收审批")).to_be_visible()

    for name in ("张三", "李四", "王五"):
        page.get_by_label(f"选择{name}").check()
    page.get_by_label("党委会日期").fill(held.isoformat())
    page.get_by_label("应到会党委委员人数").fill("7")
    page.get_by_label("实到会党委委员人数").fill("7")
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
