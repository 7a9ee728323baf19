"""The department grants a role on the role screen in Chromium, with a reason; the new holder logs
in and finds the navigation of that role."""

import pytest
from playwright.sync_api import Page, expect

from branches.models import Role
from tests import factories as f
from tests.e2e.browser import label, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_the_department_grants_a_role_and_the_user_sees_its_nav(page: Page, live_server, county, auditor):
    f.user("newcomer", first_name="新书记")
    base = live_server.url
    login(page, base, "newcomer")
    expect(page.locator("#app-nav").get_by_role("link", name="新建案例")).to_have_count(0)
    page.context.clear_cookies()

    login(page, base, "auditor")
    page.locator("#app-nav").get_by_role("link", name="角色管理").click()
    expect(page.get_by_role("heading", name="角色管理", level=1)).to_be_visible()
    form = page.locator("form.grant-form")
    form.get_by_label(label("用户")).select_option(label="新书记（newcomer）")
    form.get_by_label(label("角色")).select_option(Role.BRANCH_SECRETARY.value)
    form.get_by_label(label("党组织")).select_option(label=f"　　{county.branch.name}")
    form.get_by_label(label("授权理由")).fill("换届选举")
    form.get_by_role("button", name="授予").click()
    expect(page.get_by_role("status").filter(has_text="已授予")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="新书记")
    expect(row).to_contain_text(county.branch.name)
    page.context.clear_cookies()

    login(page, base, "newcomer")
    expect(page.locator("#app-nav").get_by_role("link", name="新建案例")).to_be_visible()
    expect(page.locator("#app-nav").get_by_role("link", name="我的角色与代理")).to_be_visible()
