import datetime as dt

import pytest
from playwright.sync_api import Page

from reviews.models import Letter
from tests.reviews.test_browser_desk import erase_event_trail  # noqa

pytestmark = [pytest.mark.django_db(transaction=True)]


def test_shots(erase_event_trail, live_server, page: Page, county, secretary, officer, crew, scene):
    cases = scene.new_cases(county, secretary, 4, names=["张三", "李四", "王五", "赵六"])
    for case in cases[:3]:
        scene.waiting_for_admission(case, crew)
    scene.waiting_for_admission(cases[3], crew, talk=False)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/login/")
    page.get_by_label("用户名").fill("officer")
    page.get_by_label("密码").fill("pw-123456")
    page.get_by_role("button", name="登录").click()
    page.screenshot(path="/tmp/proto/s0_dashboard.png", full_page=True)
    page.goto(f"{live_server.url}/reviews/")
    page.screenshot(path="/tmp/proto/s1_desk.png", full_page=True)
    page.goto(f"{live_server.url}/reviews/q/admission_approval/")
    page.screenshot(path="/tmp/proto/s2_queue.png", full_page=True)
    page.get_by_role("link", name="逐个办理").first.click()
    page.screenshot(path="/tmp/proto/s3_item.png", full_page=True)
    page.goto(f"{live_server.url}/reviews/q/admission_approval/")
    for name in ("张三", "李四", "王五", "赵六"):
        page.get_by_label(f"选择{name}").check()
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)
    page.get_by_label("党委会日期").fill(held.isoformat())
    page.get_by_label("应到会党委委员人数").fill("7")
    page.get_by_label("实到会党委委员人数").fill("7")
    page.get_by_role("button", name="党委会审批通过").click()
    page.screenshot(path="/tmp/proto/s4_result.png", full_page=True)
    letter = Letter.objects.get()
    page.goto(f"{live_server.url}/reviews/letters/{letter.pk}/")
    page.screenshot(path="/tmp/proto/s5_letter.png", full_page=True)
    page.goto(f"{live_server.url}/cases/{cases[0].pk}/")
    page.screenshot(path="/tmp/proto/s6_case.png", full_page=True)
    page.goto(f"{live_server.url}/reviews/v/{letter.code}/")
    page.screenshot(path="/tmp/proto/s7_verify.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/reviews/q/admission_approval/")
    page.screenshot(path="/tmp/proto/s8_mobile.png", full_page=True)
