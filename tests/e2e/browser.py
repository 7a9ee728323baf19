"""What every browser test does: log in, and find a form field by its label."""

import re

from playwright.sync_api import Page, expect

PASSWORD = "pw-123456"  # tests/factories.py


def label(text: str) -> re.Pattern:
    """A form label exactly, ignoring the required marker " *" drawn after it."""
    return re.compile(rf"^{re.escape(text)}\s*\*?$")


def login(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()


def entitled_asked_again(page: Page, selector: str, change) -> None:
    """`change` makes htmx ask for 应到 again (cases:meeting_entitled): wait until the answer has
    replaced the field — not only arrived — so that what the test types next is neither overwritten by
    a late answer nor lost between the old field and the new one."""
    page.eval_on_selector(selector, "el => { el.dataset.before = '1'; }")
    with page.expect_response(lambda r: "/meetings/entitled/" in r.url):
        change()
    page.wait_for_function(
        "s => { const el = document.querySelector(s);"
        " return el && !el.dataset.before && !el.classList.contains('htmx-settling'); }",
        arg=selector,
    )
