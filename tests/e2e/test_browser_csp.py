"""In real Chromium, under the Content Security Policy: the main pages of every role, the admin
included, load and work without a single violation.

Every violation Chromium reports (a `securitypolicyviolation` event) is collected. The behaviours that used to be inline script are clicked: the case
list's print button and its export link (which takes the filters htmx pushed to the address bar),
and the desk's select-all box. htmx would inject a <style> of its own on every page unless told
not to (base.html), so a filter typed on the case list also proves that.
"""

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from cases import services
from demo.journey import advance
from tests import factories as f
from tests.e2e.browser import PASSWORD, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});
window.__printed = 0;
window.print = () => { window.__printed += 1; };
"""


@pytest.fixture
def watched(page: Page):
    """The page, and the violations seen so far on any page it loaded (the `page` fixture of
    tests/conftest.py also fails the test at its end on any CSP error in the console)."""
    page.add_init_script(RECORD_VIOLATIONS)
    page.set_default_timeout(10_000)
    seen = []

    def violations() -> list[str]:
        seen.extend(page.evaluate("window.__cspViolations"))
        return seen

    return page, violations


def logout(page: Page) -> None:
    page.context.clear_cookies()


def test_the_main_pages_work_under_the_policy_without_a_violation(
    live_server, watched, county, secretary, officer, crew, case
):
    page, violations = watched
    base = live_server.url
    advance(case, crew, until="committee_talk")  # waits in the officer's 接收审批 queue
    waiting = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10), name="钱小红")
    advance(waiting, crew, until="committee_talk")
    f.user("root", is_superuser=True, is_staff=True)

    # The secretary: dashboard, case list (htmx filter, print, export with the pushed filters), a case.
    login(page, base, secretary.username)
    assert violations() == []
    page.goto(f"{base}/cases/")
    page.get_by_label("姓名或拼音首字母").press_sequentially("qxh")
    expect(page).to_have_url(re.compile(r"q=qxh"))
    expect(page.locator("#rows")).to_contain_text("钱小红")
    page.get_by_role("button", name="打印").click()
    assert page.evaluate("window.__printed") == 1
    with page.expect_download() as info:
        page.get_by_role("link", name="导出Excel").click()
    assert parse_qs(urlparse(info.value.url).query)["q"] == ["qxh"]
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.goto(f"{base}/io/")
    assert violations() == []

    # The officer: the desk, a queue with its select-all box, the letters.
    logout(page)
    login(page, base, officer.username)
    page.goto(f"{base}/reviews/q/admission_approval/")
    boxes = page.locator(".row-check")
    expect(boxes).to_have_count(2)
    page.get_by_label("全选本页").check()
    for i in range(2):
        expect(boxes.nth(i)).to_be_checked()
    page.get_by_label("全选本页").uncheck()
    expect(boxes.first).not_to_be_checked()
    page.goto(f"{base}/reviews/letters/")
    page.goto(f"{base}/reviews/")
    assert violations() == []

    # The admin (Django's own pages), and the error pages.
    logout(page)
    page.goto(f"{base}/admin/login/")
    page.get_by_label("用户名").fill("root")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("link", name="案例", exact=False).first).to_be_visible()
    page.goto(f"{base}/admin/cases/case/")
    page.goto(f"{base}/admin/cases/case/{case.pk}/change/")
    page.goto(f"{base}/admin/auth/user/add/")
    page.goto(f"{base}/no-such-page/")
    assert violations() == []


def test_the_desk_returns_a_report_on_the_case_page_and_the_transfer_form_opens_in_place(
    live_server, watched, county, secretary, officer, crew, case
):
    page, violations = watched
    base = live_server.url
    advance(case, crew, until="activist_selection")
    services.submit(
        case=case, step_code="activist_filing", on=case.activist_on + dt.timedelta(days=5), actor=secretary
    )

    # The officer returns the report from its row on the case page (the desk's panel).
    login(page, base, officer.username)
    page.goto(f"{base}/cases/{case.pk}/")
    page.locator("details.return-box summary").click()
    page.get_by_label("退回理由（党支部可见）").fill("缺少团组织推优表。")
    page.get_by_role("button", name="确认退回").click()
    expect(page.get_by_text("已退回党支部，退回理由党支部可见。")).to_be_visible()

    # The branch reads the reason once; the transfer form comes into the page only when asked for.
    logout(page)
    login(page, base, secretary.username)
    page.goto(f"{base}/cases/{case.pk}/")
    expect(page.get_by_text("退回理由：缺少团组织推优表。", exact=True)).to_be_visible()
    assert page.locator("#transfer-form").count() == 0
    page.get_by_role("link", name="组织关系转出…").click()
    expect(page.locator("#transfer-form")).to_be_visible()
    assert page.url == f"{base}/cases/{case.pk}/"  # swapped in by htmx, not a new page
    page.get_by_label("转入党支部").select_option(label="社区第二党支部")
    page.get_by_label("转出日期").fill("2023-06-01")
    page.get_by_label("转出原因").fill("工作调动")
    page.get_by_role("button", name="转出（培养时间连续计算）").click()
    expect(page.locator("#confirm-consequence")).to_contain_text("转出后不能撤回")
    page.get_by_role("button", name="确认转出").click()
    expect(page.get_by_text("已转出至社区第二党支部。")).to_be_visible()
    assert case.__class__.objects.filter(transferred_from=case, branch=county.branch_under_reviewer).exists()
    assert violations() == []
