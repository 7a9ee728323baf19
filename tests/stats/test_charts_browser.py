"""In real Chromium, under the CSP: a committee officer opens the statistics, sees the stage and flow
charts drawn by the vendored ECharts (an SVG in each chart box) with their numbers in the tables,
judges the 四色 board on demand and sees the pie chart and the tiles."""

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.browser import login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_an_officer_sees_the_charts_render(page: Page, live_server, crafted, officer):
    login(page, live_server.url, "officer")
    page.get_by_role("link", name="统计研判").click()
    expect(page.get_by_role("heading", name="阶段与流量")).to_be_visible()
    for box in ("stage-chart-data", "flow-chart-data"):
        chart = page.locator(f"[data-chart='{box}']")
        expect(chart).to_have_attribute("data-rendered", "true")
        expect(chart.locator("svg")).to_have_count(1)
    expect(page.locator("#stage-table tfoot")).to_contain_text("10")
    page.get_by_role("link", name="四色研判").click()
    page.get_by_role("button", name="立即重新研判").click()
    expect(page.get_by_text("已重新研判 4 个党支部。")).to_be_visible()
    expect(page.locator("[data-chart='colour-chart-data'] svg")).to_have_count(1)
    expect(page.locator("#tiles .tile-red")).to_have_count(1)
    expect(page.locator("#tiles .tile-orange")).to_have_count(1)
