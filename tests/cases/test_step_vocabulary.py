"""The step vocabulary is declared once, in cases.steps: the step form asks for exactly the
declared fields and stores them under the declared keys; the case page and the field history show
labels (入党申请人, 本科, 延长预备期), never the codes the database keeps."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services, steps
from cases.forms import StepForm
from cases.models import Education, Outcome, Stage
from cases.selectors import field_history
from demo.journey import advance

pytestmark = pytest.mark.django_db
F = steps.Field

ALWAYS = {"on", "note", "warning_reason"}
# The parts a record keeps in rows of their own (Meeting, Vote, StepRecordPerson) and their inputs.
ROW_PARTS = {
    # one meeting decides several people: pick it (existing_meeting) or record it here
    F.MEETING: {"existing_meeting", "meeting_entitled", "meeting_present", "minutes"},
    F.VOTE: {"yes", "no", "abstain", "written_yes", "written_no"},
    F.CONTACTS: {"contacts"},
    F.INTRODUCERS: {"introducers"},
}


def step_form(case, step, data=None) -> StepForm:
    body = services.meeting_body(case, step) if step.body else ""
    return StepForm(data, step=step, case=case, body=body, committee_orgs=[case.branch.parent])


@pytest.mark.parametrize("step", steps.STEPS, ids=lambda s: s.code)
def test_it_builds_for_every_step_exactly_the_declared_fields(case, step):
    form = step_form(case, step)
    expected = ALWAYS | {f.key for f in step.data_fields}
    expected |= {name for part in step.fields for name in ROW_PARTS.get(part, ())}
    assert set(form.fields) == expected
    for declared in step.data_fields:
        field = form.fields[declared.key]
        assert (field.label, field.required) == (declared.form_label, declared.required)
        if declared.choices is not None:
            assert list(field.choices) == declared.choices.choices


def test_it_declares_every_data_key_once():
    declared = [f.key for part in steps.PART_DATA.values() for f in part]
    assert len(declared) == len(set(declared)) == len(steps.DATA_FIELDS)
    assert set(steps.PART_DATA) | set(ROW_PARTS) == set(F)  # every part is either data or rows


def test_it_stores_what_the_form_takes_under_the_declared_keys_and_nothing_else(case):
    step = steps.get("conversion_meeting")
    posted = {
        "on": "2024-05-21",
        "meeting_entitled": 8,
        "meeting_present": 8,
        "yes": 8,
        "no": 0,
        "abstain": 0,
        "written_yes": 0,
        "written_no": 0,
        "resolution": steps.Resolution.EXTEND,
        "extension_months": 6,
        "serial": "X-1",  # another step's key: not this step's data
    }
    form = step_form(case, step, posted)
    assert form.is_valid(), form.errors
    assert form.to_input().data == {"resolution": "extend", "extension_months": 6}


def test_it_refuses_a_resolution_that_is_not_one_of_the_choices(case):
    form = step_form(case, steps.get("conversion_meeting"), {"on": "2024-05-21", "resolution": "convert_now"})
    assert not form.is_valid()
    assert "resolution" in form.errors


@pytest.mark.parametrize(
    "declared", [f for f in steps.DATA_FIELDS.values() if f.choices is not None], ids=lambda f: f.key
)
def test_the_case_page_shows_every_choice_by_its_label(declared):
    for value, label in declared.choices.choices:
        assert steps.data_display({declared.key: value}) == [(declared.label, label)]


def test_a_record_without_a_resolution_resolved_conversion():
    assert steps.resolution_of({}) == steps.Resolution.CONVERT
    assert steps.resolution_of({"resolution": "cancel"}) == steps.Resolution.CANCEL


def test_the_field_history_shows_labels_never_codes(client, secretary, crew, case):
    advance(case, crew, until="activist_selection")  # 当前阶段: applicant → activist
    services.update_person(
        case=case,
        changes={"education": Education.COLLEGE, "is_league_member": True},
        reason="更正登记错误",
        actor=secretary,
    )
    changes = {change for entry in field_history(case, secretary) for change in entry["changes"]}
    assert ("当前阶段", "入党申请人", "入党积极分子") in changes
    assert ("学历", "本科", "大专") in changes
    assert ("共青团员", "否", "是") in changes
    codes = {Stage.APPLICANT, Stage.ACTIVIST, Education.BACHELOR, Education.COLLEGE, True, False}
    assert not codes & {value for _, old, new in changes for value in (old, new)}

    client.force_login(secretary)
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "入党申请人 → 入党积极分子" in page and "本科 → 大专" in page
    assert "applicant → activist" not in page and "bachelor → college" not in page


def test_the_field_history_names_an_open_case_by_its_label(secretary, case):
    services.close_case(
        case=case, outcome=Outcome.WITHDRAWN, on=dt.date(2023, 2, 1), reason="本人撤回申请", actor=secretary
    )
    changes = {change for entry in field_history(case, secretary) for change in entry["changes"]}
    assert ("结果", "进行中", "本人撤回") in changes
