"""A department auditor in Chromium filters the audit browser by a branch and a date range, opens an
event's own page and reads its change in Chinese (before / after), prints the case's whole history
without the navigation, and exports the filtered rows as CSV (the page fixture fails on any CSP
refusal)."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases import services
from tests import factories as f
from tests.e2e.browser import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_auditor_filters_opens_an_event_and_exports(
    page: Page, live_server, tmp_path, county, secretary, outsider, auditor
):
    mine = f.new_case(county.branch, secretary, name="王晓明")
    f.new_case(county.other_branch, outsider, name="欧阳明远")
    services.update_person(case=mine, changes={"education": "college"}, actor=secretary, reason="更正学历")
    today = f"{timezone.localdate():%Y-%m-%d}"
    page.set_default_timeout(10_000)
    base = live_server.url
    login(page, base, "auditor")

    page.get_by_role("link", name="审计记录").first.click()
    expect(page.get_by_role("heading", name="审计记录", level=1)).to_be_visible()
    page.get_by_label("组织（含下级）").select_option(str(county.branch.pk))
    page.get_by_label("起始日期").fill(today)
    page.get_by_label("截止日期").fill(today)
    page.get_by_role("button", name="筛选").click()
    rows = page.locator("#audit-rows tbody tr")
    expect(rows.filter(has_text="修改人员信息")).to_have_count(1)
    expect(rows.filter(has_text="欧阳明远")).to_have_count(0)

    rows.filter(has_text="修改人员信息").get_by_role("link", name="详情").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("修改人员信息")
    change = page.locator(".audit-diff tr").filter(has=page.get_by_role("rowheader", name="学历", exact=True))
    expect(change.locator(".audit-old")).to_have_text("本科")
    expect(change.locator(".audit-new")).to_have_text("大专")
    expect(page.locator("main")).not_to_contain_text("college")

    page.get_by_role("link", name="该案例的全部历史").click()
    expect(page.locator("#history-title")).to_contain_text("王晓明")
    expect(page.locator("#history-title")).to_contain_text(f"打印日期：{today}")
    page.emulate_media(media="print")
    expect(page.locator("#app-nav")).to_be_hidden()
    expect(page.locator("#history-rows")).to_be_visible()
    page.emulate_media(media="screen")

    page.go_back()
    page.go_back()
    with page.expect_download() as info:
        page.get_by_role("link", name="导出CSV").click()
    download = info.value
    assert download.suggested_filename.endswith(".csv")
    saved = tmp_path / "audit.csv"
    download.save_as(saved)
    text = saved.read_text(encoding="utf-8-sig")
    assert "王晓明" in text and "修改人员信息" in text and "欧阳明远" not in text
