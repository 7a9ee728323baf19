"""In Chromium: typing a 公民身份号码 on the new-case form fills 出生日期 and 性别 (static/js/app.js,
no inline script), and the case is saved with them."""

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from cases import idcard
from cases.models import Case
from tests.e2e.browser import label, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_typing_the_id_number_fills_birth_date_and_sex(live_server, page: Page, county, secretary):
    number = idcard.make("330102", dt.date(1996, 7, 9), 17, "F")
    login(page, live_server.url, secretary.username)
    page.goto(f"{live_server.url}/cases/new/")
    page.get_by_label(label("姓名")).fill("林晓雯")
    page.get_by_label(label("公民身份号码")).press_sequentially(number)

    expect(page.get_by_label(label("出生日期"))).to_have_value("1996-07-09")
    expect(page.get_by_label(label("性别"))).to_have_value("F")

    page.get_by_label(label("民族")).fill("土家族")
    page.get_by_label(label("学历")).select_option(label="本科")
    page.get_by_label(label("递交入党申请书日期")).fill("2023-03-01")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("林晓雯").first).to_be_visible()
    person = Case.objects.get().person
    assert (person.birth_date, person.gender, person.ethnicity) == (dt.date(1996, 7, 9), "F", "土家族")
