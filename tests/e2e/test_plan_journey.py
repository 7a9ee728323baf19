"""A committee officer sets a branch's yearly plan in Chromium, sees its progress and the history
of who changed it; the page prints on A4 without the navigation (print media)."""

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from tests.e2e.browser import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_officer_sets_a_plan_and_sees_progress(page: Page, live_server, county, officer):
    base, year = live_server.url, timezone.localdate().year
    login(page, base, "officer")
    page.get_by_role("link", name="发展计划").click()
    page.get_by_role("row", name=county.town.name).get_by_role("link", name="本年度").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"{county.town.name} {year}年")
    page.get_by_role("row", name=county.branch.name).get_by_role("link", name="制定").click()
    page.get_by_label("计划发展党员数").fill("2")
    page.get_by_label("35岁以下", exact=True).select_option(label="不低于")
    page.get_by_label("35岁以下占比").fill("70")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status").filter(has_text="已保存")).to_be_visible()
    expect(page.locator("#quota-h + table")).to_contain_text("未完成")
    expect(page.locator(".plan-history")).to_contain_text(officer.first_name)
    page.emulate_media(media="print")
    expect(page.locator("#app-nav")).to_be_hidden()
    expect(page.locator(".plan-history")).to_be_hidden()
