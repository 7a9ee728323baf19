"""A branch secretary sees the bell's unread count, opens the notice and lands on the step (real
Chromium; the page fixture also fails the test on any CSP refusal)."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from reminders.services.sweep import sweep
from tests import factories as f
from tests.e2e.browser import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_secretary_follows_the_bell_to_the_overdue_step(page: Page, live_server, county, secretary):
    today = timezone.localdate()
    case = f.new_case(county.branch, secretary, applied_on=today - dt.timedelta(days=45))  # 谈话 overdue
    assert sweep(today).total >= 1
    page.set_default_timeout(10_000)
    base = live_server.url
    login(page, base, "secretary")

    bell = page.locator("#bell")
    expect(bell.locator(".bell-count")).to_have_text("1")
    expect(page.get_by_role("heading", name="已逾期")).to_be_visible()  # the 工作台 opens with it
    bell.click()
    expect(page.get_by_role("heading", name="提醒")).to_be_visible()
    row = page.locator("tr.notice-unread")
    expect(row).to_contain_text("已逾期")
    row.get_by_role("link", name=case.person.name).click()

    expect(page).to_have_url(f"{base}{case.get_absolute_url()}#step-initial_talk")
    step = page.locator("#step-initial_talk")
    expect(step).to_be_in_viewport()
    expect(step).to_contain_text("党组织派人谈话")
    expect(page.locator("#bell .bell-count")).to_have_count(0)  # read now
