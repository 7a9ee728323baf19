"""In Chromium: a branch secretary sees 「已退回」 with the reason in the case list, filters the
list to the returned reports, and reads the same in the case header."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from cases import services
from demo.journey import advance
from tests import factories as f
from tests.e2e.browser import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REASON = "缺少团组织推优表，请补齐后重新报送"


def test_a_secretary_sees_a_return_and_its_reason(
    live_server, page: Page, county, secretary_under_reviewer, reviewer, general_crew
):
    case = f.new_case(
        county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 2, 1), name="孙小梅"
    )
    advance(case, general_crew, until="activist_selection")
    sub = services.submit(
        case=case, step_code="activist_filing", on=case.activist_on, actor=secretary_under_reviewer
    )
    services.return_submission(submission=sub, actor=reviewer, reason=REASON)

    login(page, live_server.url, secretary_under_reviewer.username)
    expect(page.get_by_role("heading", name="被退回，待修改")).to_be_visible()
    page.goto(f"{live_server.url}/cases/")
    page.get_by_label("报送").select_option(label="已退回")
    row = page.locator("#rows tr", has_text="孙小梅")
    expect(row).to_contain_text("已退回")
    expect(row).to_contain_text(REASON)
    expect(row.get_by_role("link", name="办理")).to_be_visible()
    row.get_by_role("link", name="孙小梅").click()
    expect(page.locator(".person-header")).to_contain_text("已退回")
    expect(page.locator(".person-header")).to_contain_text(REASON)
