"""In Chromium at a phone's width: a four-character name in the case list stays on one line."""

import pytest
from playwright.sync_api import Page

from tests import factories as f
from tests.e2e.browser import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_a_name_stays_on_one_line_on_a_phone(live_server, page: Page, county, secretary):
    f.new_case(county.branch, secretary, name="欧阳晓雯")
    page.set_viewport_size({"width": 360, "height": 740})
    login(page, live_server.url, secretary.username)
    page.goto(f"{live_server.url}/cases/")
    name = page.locator("#rows td.name-cell a", has_text="欧阳晓雯")
    box = name.bounding_box()
    line = name.evaluate("a => parseFloat(getComputedStyle(a).lineHeight) || 24")
    assert box["height"] < 1.5 * line  # one line, not one character per line
