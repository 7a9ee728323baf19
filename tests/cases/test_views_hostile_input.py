"""Bad input through the pages: a clear Chinese message, and nothing already saved changes.

Markup typed into free text is stored as typed and always rendered escaped; malformed dates, ID
numbers, counts and uploads are refused with the reason; a step posted twice is recorded once.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases import idcard
from cases.models import Case, CaseEvent, Material, Meeting, Person, StepRecord, Vote
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
ESCAPED = "&lt;script&gt;alert(1)&lt;/script&gt;"
BIRTH = dt.date(1995, 3, 15)
VALID_ID = idcard.make("330102", BIRTH, 42, "M")


def create_data(county, **overrides) -> dict:
    data = {
        "branch": county.branch.pk,
        "name": "陈志远",
        "gender": "M",
        "ethnicity": "汉族",
        "birth_date": BIRTH.isoformat(),
        "id_number": VALID_ID,
        "education": "bachelor",
        "applied_on": "2023-01-10",
    }
    data.update(overrides)
    return data


def html(response) -> str:
    return response.content.decode()


def assert_no_raw_script(body: str) -> None:
    assert "<script>alert(" not in body


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


def test_every_value_of_a_case_list_row_is_written_out_escaped():
    """The list's rows are written in Python (cases.views.rows), not by the template's autoescape:
    every value from the database, a return's reason and organization included, is escaped."""
    from cases.reports import PENDING, RETURNED, ReportState
    from cases.views.rows import CaseRow

    returned = ReportState(RETURNED, "target_filing", SCRIPT, dt.date(2026, 1, 5), reason=SCRIPT)
    pending = ReportState(PENDING, "target_filing", SCRIPT, dt.date(2026, 1, 5))
    values = {
        "url": f"/cases/1/{SCRIPT}",
        "name": SCRIPT,
        "gender": SCRIPT,
        "branch": SCRIPT,
        "standing": SCRIPT,
        "next_step": SCRIPT,
        "applied_on": SCRIPT,
    }
    for closed, due, earliest in ((True, SCRIPT, ""), (False, "", SCRIPT)):
        row = CaseRow(
            **values,
            closed=closed,
            due=due,
            due_overdue=True,
            earliest=earliest,
            missing=2,
            reports=(returned, pending),
        ).html
        assert_no_raw_script(row)
        assert row.count(ESCAPED) == 11  # 6 values, the address twice, a date, a reason, an organization


# ---- case creation ------------------------------------------------------------------------------


def test_a_name_with_markup_is_refused_and_echoed_escaped(secretary_client, county):
    response = secretary_client.post(reverse("cases:create"), create_data(county, name=SCRIPT))
    assert response.status_code == 200
    body = html(response)
    assert "姓名只能包含汉字、字母和间隔号「·」" in body
    assert_no_raw_script(body)
    assert ESCAPED in body  # the input is kept in the form, escaped
    assert not Case.objects.exists() and not Person.objects.exists()
    assert not CaseEvent.objects.exists()


@pytest.mark.parametrize("field", ["birth_date", "applied_on"])
@pytest.mark.parametrize("bad", ["2023-13-45", "abc", "2023/01/10", "10.01.2023", "2023-02-30"])
def test_a_malformed_date_is_refused_on_case_creation(secretary_client, county, field, bad):
    response = secretary_client.post(reverse("cases:create"), create_data(county, **{field: bad}))
    assert response.status_code == 200
    assert "日期格式不正确，请按 YYYY-MM-DD 填写" in html(response)
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("id_number", "reason"),
    [
        (VALID_ID[:17] + ("0" if VALID_ID[17] != "0" else "1"), "校验位不正确"),
        (VALID_ID[:17], "应为18位"),
        (VALID_ID + "1", "应为18位"),
        ("33010219950315ABCD", "前17位为数字，末位为数字或X"),
    ],
    ids=["checksum", "17-digits", "19-digits", "letters"],
)
def test_a_malformed_id_number_is_refused_with_e02(secretary_client, county, id_number, reason):
    response = secretary_client.post(reverse("cases:create"), create_data(county, id_number=id_number))
    assert response.status_code == 200
    body = html(response)
    assert "E02" in body and reason in body
    assert not Case.objects.exists()


def test_an_id_number_typed_in_full_width_digits_is_accepted_and_stored_in_ascii(secretary_client, county):
    """Full-width digits from a Chinese IME are the same number, not a malformed one."""
    response = secretary_client.post(
        reverse("cases:create"), create_data(county, id_number="３３０１０２" + VALID_ID[6:])
    )
    assert response.status_code == 302
    assert Person.objects.get().id_number == VALID_ID


def test_an_id_number_that_contradicts_the_birth_date_or_gender_is_refused(secretary_client, county):
    response = secretary_client.post(reverse("cases:create"), create_data(county, birth_date="1995-03-16"))
    body = html(response)
    assert "E02 公民身份号码中的出生日期 1995-03-15 与填写的出生日期 1995-03-16 不一致" in body
    response = secretary_client.post(reverse("cases:create"), create_data(county, gender="F"))
    assert "E02 公民身份号码中的性别与填写的性别不一致" in html(response)
    assert not Case.objects.exists()


def test_a_branch_outside_my_scope_is_refused(secretary_client, county):
    response = secretary_client.post(
        reverse("cases:create"), create_data(county, branch=county.other_branch.pk)
    )
    assert "请选择本人有权限的党支部" in html(response)
    assert not Case.objects.exists()


def test_an_id_number_with_an_open_case_is_not_registered_twice(secretary_client, county):
    assert secretary_client.post(reverse("cases:create"), create_data(county)).status_code == 302
    response = secretary_client.post(reverse("cases:create"), create_data(county, name="陈志远二"))
    assert "该人员（陈志远）已有进行中的案例，不能重复建档" in html(response)  # the branch's own person
    assert Case.objects.count() == 1
    assert Person.objects.get().name == "陈志远"  # the saved person is untouched


# ---- the person edit form -----------------------------------------------------------------------


def test_the_edit_form_hands_update_person_only_fields_it_may_change(secretary_client, case):
    """case_edit (cases/views/detail.py) passes every field of PersonFields to update_person as
    `changes`, which refuses a key outside PERSON_FIELDS («不能修改字段»); the edit form's other
    fields go as `case_changes`, which update_person accepts only for the case fields CASE_EDIT_FIELDS names."""
    from cases.forms import PersonEditForm, PersonFields
    from cases.services.lifecycle import PERSON_FIELDS

    person_side = tuple(PersonFields.base_fields)
    assert set(person_side) <= set(PERSON_FIELDS), set(person_side) - set(PERSON_FIELDS)
    case_side = set(PersonEditForm.base_fields) - set(person_side)
    assert case_side == {"league_recommended_on", "leaving_unit_on", "special_development", "reason"}

    person = case.person
    data = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "id_number": person.id_number,
        "education": person.education,
        "is_league_member": "on",
        "is_frontline": "on",
        "phone": "0571-8888 1234",
        "workplace": "城关镇农技站站长",
        "category": "farmer",
        "is_migrant_worker": "1",
        "frontline_kind": "rural",
        "title_level": "none",
        "honour_level": "provincial",
        "is_dispatched": "0",
        "is_taiwanese": "",
        "league_recommended_on": "2023-01-05",
        "leaving_unit_on": "",
        "special_development": "on",
        "reason": "补充联系方式",
    }
    assert set(data) == set(PersonEditForm.base_fields)  # the post fills every field of the form
    response = secretary_client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 302, html(response)
    person.refresh_from_db()
    case.refresh_from_db()
    assert (person.phone, person.workplace, person.is_league_member) == (
        "0571-8888 1234",
        "城关镇农技站站长",
        True,
    )
    assert case.league_recommended_on == dt.date(2023, 1, 5) and case.leaving_unit_on is None
    # the 党内统计 facts: chosen values kept, 待补充 stays None (not 否)
    assert (person.category, person.is_migrant_worker, person.frontline_kind, person.honour_level) == (
        "farmer",
        True,
        "rural",
        "provincial",
    )
    assert (person.is_dispatched, person.is_taiwanese, case.special_development) == (False, None, True)
    assert person.history.first().category == "farmer"
    assert CaseEvent.objects.filter(case=case, kind="edit").count() == 1


# ---- free text is stored as typed, rendered escaped everywhere ----------------------------------


def test_markup_in_free_text_is_stored_but_rendered_escaped_on_every_page(
    secretary_client, county, secretary, officer, auditor, client
):
    response = secretary_client.post(
        reverse("cases:create"), create_data(county, workplace=SCRIPT, note=SCRIPT)
    )
    assert response.status_code == 302  # free text may hold anything; only names are restricted
    case = Case.objects.get()
    assert case.person.workplace == SCRIPT
    step = reverse("cases:step", args=[case.pk, "initial_talk"])
    # Talk more than a month after the application: W01 asks for a reason, which is stored.
    response = secretary_client.post(
        step, {"on": "2023-03-01", "talker": SCRIPT, "note": SCRIPT, "warning_reason": SCRIPT}
    )
    assert response.status_code == 302, html(response)
    record = StepRecord.objects.get(case=case, step="initial_talk")
    assert record.data["talker"] == SCRIPT and record.note == SCRIPT
    event = CaseEvent.objects.get(case=case, step="initial_talk")
    assert event.warnings[0]["code"] == "W01" and event.warnings[0]["reason"] == SCRIPT
    secretary_client.post(
        reverse("cases:upload", args=[case.pk]),
        {"title": SCRIPT, "step": "initial_talk", "file": pdf_file()},
    )
    assert Material.objects.get(case=case).title == SCRIPT

    detail = html(secretary_client.get(case.get_absolute_url()))
    assert_no_raw_script(detail)
    assert detail.count(ESCAPED) >= 4  # workplace, talker, W01 reason (row and timeline), material
    for url in (
        reverse("cases:list"),
        reverse("cases:dashboard"),
        step.replace("initial_talk", "activist_selection"),
        reverse("cases:edit", args=[case.pk]),
    ):
        assert_no_raw_script(html(secretary_client.get(url)))

    secretary_client.post(
        reverse("cases:outcome", args=[case.pk]),
        {"outcome": "withdrawn", "on": "2023-03-05", "reason": SCRIPT, "confirmed": "1"},
    )
    case.refresh_from_db()
    assert case.outcome == "withdrawn" and case.outcome_reason == SCRIPT
    for persona in (secretary, officer, auditor):
        client.force_login(persona)
        body = html(client.get(case.get_absolute_url()))
        assert_no_raw_script(body)
        assert ESCAPED in body


# ---- step forms ---------------------------------------------------------------------------------


def step_url(case, code: str) -> str:
    return reverse("cases:step", args=[case.pk, code])


@pytest.mark.parametrize("bad", ["2023-13-45", "abc", "2023/01/10", ""])
def test_a_malformed_step_date_is_refused(secretary_client, case, unchanged, bad):
    with unchanged(case):
        response = secretary_client.post(step_url(case, "initial_talk"), {"on": bad, "talker": "王芳"})
    assert response.status_code == 200
    assert ("日期格式不正确" if bad else "请填写日期") in html(response)


def test_a_future_step_date_is_refused_with_e03(secretary_client, case, unchanged):
    with unchanged(case):
        response = secretary_client.post(
            step_url(case, "initial_talk"), {"on": "2099-01-01", "talker": "王芳"}
        )
    assert "E03" in html(response) and "不能预先登记" in html(response)


@pytest.fixture
def at_admission_meeting(case, crew):
    return advance(case, crew, until="application_form")


def meeting_post(**overrides) -> dict:
    data = {
        "on": "2024-06-01",
        "meeting_entitled": "8",
        "meeting_present": "8",
        "yes": "8",
        "no": "0",
        "abstain": "0",
        "written_yes": "0",
        "written_no": "0",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"yes": "6", "no": "2", "abstain": "1"}, "赞成、反对、弃权合计 9 票，多于实到人数 8"),
        ({"meeting_present": "9"}, "实到人数 9 不能多于应到人数 8"),
        ({"meeting_entitled": "-1"}, "应到会有表决权人数不能为负数"),
        ({"yes": "-3"}, "赞成票不能为负数"),
        ({"no": "-1"}, "反对票不能为负数"),
        ({"yes": "八"}, "赞成票须为整数"),
        ({"yes": "99999"}, "赞成票不能超过 9999"),
        ({"meeting_entitled": "0", "meeting_present": "0", "yes": "0"}, "应到会有表决权人数须大于零"),
        ({"written_yes": "1"}, "书面意见只能来自因故未到会的有表决权党员"),
        ({"yes": "4"}, "E09 赞成票（含书面意见）4 未超过应到会有表决权人数 8 的半数"),
    ],
    ids=[
        "votes>present",
        "present>entitled",
        "negative-entitled",
        "negative-yes",
        "negative-no",
        "not-a-number",
        "too-big",
        "zero-entitled",
        "written-from-present",
        "half-fails",
    ],
)
def test_impossible_meeting_counts_are_refused(
    secretary_client, at_admission_meeting, unchanged, overrides, message
):
    case = at_admission_meeting
    meetings = Meeting.objects.count()
    with unchanged(case):
        response = secretary_client.post(step_url(case, "admission_meeting"), meeting_post(**overrides))
    assert response.status_code == 200
    assert message in html(response)
    assert Meeting.objects.count() == meetings
    assert not Vote.objects.filter(case=case, step="admission_meeting").exists()


def test_the_htmx_form_shows_the_error_in_place_with_status_200(secretary_client, at_admission_meeting):
    case = at_admission_meeting
    response = secretary_client.post(
        step_url(case, "admission_meeting"), meeting_post(yes="-3"), headers={"HX-Request": "true"}
    )
    assert response.status_code == 200  # htmx swaps only 2xx
    body = html(response)
    assert body.lstrip().startswith("<form") and "赞成票不能为负数" in body
    assert 'name="meeting_entitled"' in body and 'value="8"' in body  # the input is kept


def test_an_unknown_step_code_is_404(secretary_client, case):
    assert secretary_client.get(step_url(case, "no_such_step")).status_code == 404
    assert secretary_client.post(step_url(case, "no_such_step"), {"on": "2023-01-30"}).status_code == 404
    assert secretary_client.get(step_url(case, "<script>")).status_code == 404


def test_an_unknown_case_is_404(secretary_client):
    assert secretary_client.get(reverse("cases:step", args=[999999, "initial_talk"])).status_code == 404


def test_submitting_an_unknown_report_kind_says_so(secretary_client, case, unchanged):
    with unchanged(case):
        response = secretary_client.post(reverse("cases:submit", args=[case.pk, "no_such_step"]), follow=True)
    assert "该事项不需要报送" in html(response)


def test_a_double_submitted_step_is_recorded_once(secretary_client, case):
    data = {"on": "2023-01-30", "talker": "王芳"}
    first = secretary_client.post(step_url(case, "initial_talk"), data)
    assert first.status_code == 302
    second = secretary_client.post(step_url(case, "initial_talk"), data)
    assert second.status_code == 200
    assert "「党组织派人谈话」已于 2023-01-30 由 李书记 记录，未重复办理" in html(second)
    assert StepRecord.objects.filter(case=case, step="initial_talk").count() == 1
    assert CaseEvent.objects.filter(case=case, step="initial_talk", kind="step").count() == 1


def test_a_double_submitted_report_is_submitted_once(secretary_client, case, crew):
    advance(case, crew, until="activist_selection")
    url = reverse("cases:submit", args=[case.pk, "activist_filing"])
    secretary_client.post(url, {"on": "2023-03-25"})
    response = secretary_client.post(url, {"on": "2023-03-25"}, follow=True)
    assert "「上级党委备案」已报送，正在办理中，未重复报送" in html(response)
    assert case.submissions.count() == 1
    assert CaseEvent.objects.filter(case=case, kind="submit").count() == 1


def test_the_report_button_works_without_a_date_and_on_the_talk_row(secretary_client, case, crew):
    """The case page's 报送 button posts only its CSRF token, from the row of the step."""
    advance(case, crew, until="admission_meeting")
    response = secretary_client.post(
        reverse("cases:submit", args=[case.pk, "committee_talk"]), {"csrfmiddlewaretoken": "x"}, follow=True
    )
    assert "已报送「上级党委审批」" in html(response)
    assert case.submissions.filter(step="admission_approval", status="pending").count() == 1


# ---- uploads ------------------------------------------------------------------------------------


def pdf_file(name="scan.pdf", size=0) -> SimpleUploadedFile:
    return f.pdf_upload(name, pad_to=size)


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: pdf_file("big.pdf", 4096), "文件「big.pdf」大小 4.0 KB，超过上限 2.0 KB"),
        (
            lambda: SimpleUploadedFile("tool.exe", b"MZ\x90\x00" + b"\0" * 60),
            "文件「tool.exe」格式不支持：只能上传 PDF、JPG 或 PNG 扫描件",
        ),
        (
            lambda: SimpleUploadedFile("fake.pdf", b"MZ\x90\x00 not a pdf"),
            "文件「fake.pdf」内容与扩展名不符，不是有效的 PDF 文件",
        ),
        (
            lambda: SimpleUploadedFile("photo.jpg", b"GIF89a......"),
            "文件「photo.jpg」内容与扩展名不符，不是有效的 JPG 文件",
        ),
        (lambda: SimpleUploadedFile("noext", b"%PDF-1.4"), "格式不支持"),
        (lambda: SimpleUploadedFile("empty.pdf", b""), "文件为空"),
    ],
    ids=["oversized", "exe", "fake-pdf", "fake-jpg", "no-extension", "empty"],
)
def test_a_bad_upload_is_refused_and_leaves_no_trace(
    secretary_client, case, settings, unchanged, upload, message
):
    settings.MAX_UPLOAD_BYTES = 2048
    with unchanged(case):
        response = secretary_client.post(
            reverse("cases:upload", args=[case.pk]), {"title": "申请书", "file": upload()}, follow=True
        )
    assert message in html(response)
    assert not Material.objects.exists()
    assert not CaseEvent.objects.filter(kind="material").exists()


def test_a_good_upload_within_the_limit_is_kept(secretary_client, case, settings):
    settings.MAX_UPLOAD_BYTES = 2048
    secretary_client.post(
        reverse("cases:upload", args=[case.pk]), {"title": "申请书", "file": pdf_file(size=2048)}
    )
    assert Material.objects.filter(case=case, size=2048).count() == 1


def test_bad_meeting_minutes_refuse_the_whole_step(secretary_client, case, crew, unchanged):
    advance(case, crew, until="initial_talk")
    meetings = Meeting.objects.count()
    data = {
        "on": "2023-03-11",
        "meeting_entitled": "5",
        "meeting_present": "5",
        "minutes": SimpleUploadedFile("minutes.pdf", b"<html>not a pdf</html>"),
    }
    with unchanged(case):
        response = secretary_client.post(step_url(case, "activist_selection"), data)
    assert response.status_code == 200
    assert "文件「minutes.pdf」内容与扩展名不符" in html(response)
    assert Meeting.objects.count() == meetings and not Material.objects.exists()
