"""Issue 15 (7) in Chromium: a branch secretary records a 支委会 once on the meetings page, 应到 prefilled
from the roster, and the step form of a case then offers that very meeting to pick."""

import pytest
from playwright.sync_api import Page, expect

from cases import steps
from demo.journey import advance
from tests.e2e.browser import entitled_asked_again, label, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_meeting_recorded_once_is_offered_by_the_step_form(page: Page, live_server, case, crew):
    before = steps.STEPS[steps.get("activist_selection").number - 2].code
    advance(case, crew, until=before)
    base = live_server.url
    login(page, base, "secretary")
    page.locator("#app-nav").get_by_role("link", name="会议记录").click()
    expect(page.get_by_role("heading", name="会议记录", level=1)).to_be_visible()
    entitled = page.get_by_label(label("应到会有表决权人数"))
    prefilled = entitled.input_value()
    assert prefilled.isdigit()  # the roster's full members, not a blank to retype
    # a 支部大会's day chosen: 应到 asked again of the roster on that day (htmx)
    entitled_asked_again(
        page, "#id_entitled", lambda: page.get_by_label(label("会议日期")).fill("2023-08-15")
    )
    expect(entitled).to_have_value(prefilled)
    # a 支委会: the roster does not say who sits on it, so 应到 is typed
    entitled_asked_again(
        page, "#id_entitled", lambda: page.get_by_label(label("会议")).select_option(label="支部委员会")
    )
    expect(entitled).to_have_value("")
    entitled.fill("5")
    page.get_by_label(label("实到会有表决权人数")).fill("5")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("会议已记录")).to_be_visible()

    page.goto(f"{base}/cases/{case.pk}/steps/activist_selection/")
    picker = page.get_by_label(label("已登记的支部委员会（同一次会议研究多名同志时选择）"))
    expect(picker.locator("option", has_text="2023-08-15")).to_have_count(1)
    expect(picker.locator("option", has_text="应到5，实到5")).to_have_count(1)
