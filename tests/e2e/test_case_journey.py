"""One person's whole path into the Party, clicked through in real Chromium.

The secretary of 城关一支部 registers the application and records every branch step, submitting
upward where the committee must act; the officer of 城关镇党委 records the committee steps (备案,
预审, 谈话, 党委会 审批); the county's auditor records the 预备党员备案. One step is refused first
(E04: 培养期未满一年) and then recorded with a valid date. Dates follow the rhythm of
demo/journey.py, starting from an application on 2023-01-10 (all under the 2014 rules).
"""

import datetime as dt
import re
import time

import pytest
from playwright.sync_api import Page, expect

from cases import idcard
from cases.models import Case, CaseEvent, StepRecord
from demo.journey import file_materials
from tests.e2e.browser import PASSWORD, entitled_asked_again, label, login

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NAME = "欧阳晓明"
BIRTH = dt.date(1995, 3, 15)


def fill_step_form(form, on: str, fill=None, check=(), select=None) -> None:
    day = form.get_by_label(label("日期"))
    if form.locator("#id_meeting_entitled[hx-get]").count():  # a 支部大会: 应到 asked of the roster again
        entitled_asked_again(form.page, "#id_meeting_entitled", lambda: day.fill(on))
    else:
        day.fill(on)
    for text, value in (fill or {}).items():
        form.get_by_label(label(text)).fill(str(value))
    for text in check:
        form.get_by_label(text).check()
    for text, option in (select or {}).items():
        form.get_by_label(label(text)).select_option(label=option)


def perform(page: Page, base: str, pk: int, code: str, on: str, **fields) -> None:
    """Record a step through its full-page form (/cases/<pk>/steps/<code>/)."""
    page.goto(f"{base}/cases/{pk}/steps/{code}/")
    form = page.locator(f"#step-form-{code}")
    fill_step_form(form, on, **fields)
    form.get_by_role("button", name="确认办理").click()
    expect(page).to_have_url(f"{base}/cases/{pk}/")
    row = page.locator(f"#step-{code}")
    expect(row.locator(".badge")).to_have_text("已完成")
    expect(row).to_contain_text(on)


def submit_upward(page: Page, base: str, pk: int, code: str, expected: str) -> None:
    """The branch's 报送 button on the row of a step the committee must act on."""
    page.goto(f"{base}/cases/{pk}/")
    page.locator(f"#step-{code}").get_by_role("button", name="报送上级党委").click()
    expect(page.get_by_role("status").filter(has_text=f"已报送「{expected}」")).to_be_visible()
    expect(page.locator(f"#step-{code}")).to_contain_text("当前在 城关镇党委 办理")


MEETING_5 = {"应到会有表决权人数": 5, "实到会有表决权人数": 5}  # 支部委员会 of 城关一支部
ASSEMBLY_8 = {"应到会有表决权人数": 8, "实到会有表决权人数": 8, "赞成票": 8}  # 8 full members
PARTY_COMMITTEE_7 = {"应到会有表决权人数": 7, "实到会有表决权人数": 7, "赞成票": 7}


def test_one_person_goes_through_all_25_steps_in_the_browser(
    page: Page, browser, live_server, county, secretary, officer, auditor
):
    started = time.monotonic()
    base = live_server.url
    page.set_default_timeout(10_000)
    contexts = [browser.new_context(), browser.new_context()]
    officer_page, auditor_page = (c.new_page() for c in contexts)
    try:
        # --- the secretary registers the application (step 1) --------------------------------
        login(page, base, "secretary")
        page.get_by_role("navigation", name="主导航").get_by_role("link", name="新建案例").click()
        expect(page.get_by_role("heading", name="新建案例（登记入党申请）")).to_be_visible()
        page.get_by_label(label("所在党支部")).select_option(label="城关镇第一党支部")
        page.get_by_label(label("姓名")).fill(NAME)
        page.get_by_label(label("性别")).select_option(label="男")
        page.get_by_label(label("民族")).fill("汉族")
        page.get_by_label(label("出生日期")).fill(BIRTH.isoformat())
        page.get_by_label(label("公民身份号码")).fill(idcard.make("330102", BIRTH, 7, "M"))
        page.get_by_label(label("学历")).select_option(label="本科")
        page.get_by_label(label("递交入党申请书日期")).fill("2023-01-10")
        page.get_by_role("button", name="保存").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(NAME)
        expect(page.get_by_role("status").filter(has_text="已为欧阳晓明建档")).to_be_visible()
        pk = int(re.search(r"/cases/(\d+)/$", page.url).group(1))
        expect(page.locator("#step-application .badge")).to_have_text("已完成")

        # --- step 2 through the htmx flow: the form opens inside the step's row ---------------
        row = page.locator("#step-initial_talk")
        row.get_by_role("link", name="办理「党组织派人谈话」").click()
        form = row.locator("#step-form-initial_talk")
        expect(form).to_be_visible()
        expect(page).to_have_url(f"{base}/cases/{pk}/")  # swapped in place, no navigation
        fill_step_form(form, "2023-01-30", fill={"谈话人": "组织委员王芳"})
        form.get_by_role("button", name="确认办理").click()
        expect(page.locator("#step-initial_talk .badge")).to_have_text("已完成")
        expect(page.locator("#step-initial_talk")).to_contain_text("谈话人：组织委员王芳")

        perform(page, base, pk, "activist_selection", "2023-03-11", fill=MEETING_5)
        submit_upward(page, base, pk, "activist_filing", "上级党委备案")

        # --- the committee officer acknowledges the 备案 (step 4) -----------------------------
        login(officer_page, base, "officer")
        officer_page.goto(f"{base}/cases/{pk}/")
        expect(officer_page.locator("#step-activist_filing").get_by_role("link")).to_have_text(
            "办理「上级党委备案」"
        )
        perform(officer_page, base, pk, "activist_filing", "2023-03-21")

        perform(page, base, pk, "contacts_assigned", "2023-03-12", check=["城关一党员0", "城关一党员1"])
        expect(page.locator("#step-contacts_assigned")).to_contain_text("城关一党员0、城关一党员1")
        perform(
            page,
            base,
            pk,
            "activist_cultivation",
            "2023-09-08",
            fill={"考察次数": 1, "思想汇报篇数": 2},
        )

        # --- step 7 refused first: less than a year after step 3 (E04), then corrected --------
        page.goto(f"{base}/cases/{pk}/")
        row = page.locator("#step-target_selection")
        row.get_by_role("link", name="办理「确定发展对象」").click()
        form = row.locator("#step-form-target_selection")
        fill_step_form(form, "2024-03-01", fill=MEETING_5)
        form.get_by_role("button", name="确认办理").click()
        alert = row.locator("#step-form-target_selection .alert-danger")
        expect(alert).to_contain_text("E04")
        expect(alert).to_contain_text("培养期未满一年：最早可于 2024-03-11 确定为发展对象")
        assert not StepRecord.objects.filter(case_id=pk, step="target_selection").exists()
        form = row.locator("#step-form-target_selection")
        expect(form.get_by_label(label("应到会有表决权人数"))).to_have_value("5")  # input kept
        form.get_by_label(label("日期")).fill("2024-03-16")
        form.get_by_role("button", name="确认办理").click()
        expect(page.locator("#step-target_selection .badge")).to_have_text("已完成")

        submit_upward(page, base, pk, "target_filing", "报上级党委备案")
        perform(officer_page, base, pk, "target_filing", "2024-03-26")

        perform(page, base, pk, "introducers_assigned", "2024-03-31", check=["城关一党员2", "城关一党员3"])
        perform(page, base, pk, "political_review", "2024-04-15", select={"政审结论": "合格"})
        perform(page, base, pk, "intensive_training", "2024-04-20", fill={"培训天数": 3, "培训学时": 24})
        perform(page, base, pk, "branch_committee_review", "2024-04-27", fill=MEETING_5)
        submit_upward(page, base, pk, "pre_review", "上级党委预审")
        perform(officer_page, base, pk, "pre_review", "2024-05-07")

        perform(page, base, pk, "application_form", "2024-05-12", fill={"入党志愿书编号": "CG-2024-001"})
        perform(page, base, pk, "admission_meeting", "2024-05-22", fill=ASSEMBLY_8)
        expect(page.locator("#step-admission_meeting")).to_contain_text("支部党员大会（应到8，实到8）")
        # The talk and the approval travel as one report (报送 on the talk's row).
        submit_upward(page, base, pk, "committee_talk", "上级党委审批")

        perform(officer_page, base, pk, "committee_talk", "2024-06-01", fill={"谈话人": "组织委员孙"})
        officer_page.goto(f"{base}/cases/{pk}/steps/admission_approval/")
        expect(officer_page.locator("#step-form-admission_approval")).to_contain_text(
            "本步骤由党委会研究决定"
        )
        perform(officer_page, base, pk, "admission_approval", "2024-06-11", fill=PARTY_COMMITTEE_7)
        expect(officer_page.locator("#step-admission_approval")).to_contain_text("党委会（应到7，实到7）")

        # --- the county's organization department files the probationary member (step 18) ----
        login(auditor_page, base, "auditor")
        perform(auditor_page, base, pk, "admission_filing", "2024-06-16")

        perform(page, base, pk, "group_placement", "2024-06-14", fill={"编入党小组": "第一党小组"})
        perform(page, base, pk, "oath", "2024-06-21")
        perform(
            page,
            base,
            pk,
            "probation_education",
            "2024-09-19",
            fill={"考察次数": 2, "思想汇报篇数": 4},
        )
        perform(page, base, pk, "conversion_application", "2025-05-07")
        expect(page.locator(".person-facts")).to_contain_text("2024-05-22 至 2025-05-22")
        perform(
            page,
            base,
            pk,
            "conversion_meeting",
            "2025-05-25",
            fill=ASSEMBLY_8,
            select={"决议": "按期转为正式党员"},
        )
        submit_upward(page, base, pk, "conversion_approval", "上级党委审批")
        perform(officer_page, base, pk, "conversion_approval", "2025-06-14", fill=PARTY_COMMITTEE_7)
        # the file's required scans (E15); uploading them in the browser is test_dossier_journey's
        file_materials(Case.objects.get(pk=pk), secretary)
        perform(page, base, pk, "archiving", "2025-06-24")

        # --- the end: archived, all 25 steps done ------------------------------------------------
        page.goto(f"{base}/cases/{pk}/")
        header = page.locator(".person-header")
        expect(header).to_contain_text("已归档 2025-06-24")
        expect(header).to_contain_text("正式党员")
        expect(header).to_contain_text("党龄起算")
        done = page.locator("li.step").filter(has=page.locator(".badge", has_text="已完成"))
        expect(done).to_have_count(25)
        expect(page.locator("li.step")).to_have_count(25)
        case = Case.objects.get(pk=pk)
        assert (case.outcome, case.stage, case.steps_done) == ("archived", "full_member", 25)
        assert case.full_member_on == dt.date(2025, 5, 22)  # 党龄 from the probation end
        assert CaseEvent.objects.filter(case=case, kind="step").count() == 25
        assert CaseEvent.objects.filter(case=case, kind="submit").count() == 5
    finally:
        for context in contexts:
            context.close()
    assert time.monotonic() - started < 90


def test_login_works_with_the_keyboard_alone(page: Page, live_server, secretary):
    page.set_default_timeout(10_000)
    page.goto(f"{live_server.url}/login/")
    expect(page.get_by_label("用户名")).to_be_focused()  # autofocus

    page.keyboard.type("secretary")
    page.keyboard.press("Tab")
    expect(page.get_by_label("密码")).to_be_focused()
    page.keyboard.type("wrong-password")
    page.keyboard.press("Enter")  # Enter in a field submits the form
    expect(page.get_by_role("alert")).to_contain_text("用户名或密码不正确")

    expect(page.get_by_label("用户名")).to_have_value("secretary")  # kept after the reload
    expect(page.get_by_label("用户名")).to_be_focused()
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="登录")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="工作台")).to_be_visible()

    page.keyboard.press("Tab")  # the first stop on every page skips the navigation
    expect(page.get_by_role("link", name="跳到主要内容")).to_be_focused()
