"""Out-of-range input is a clear Chinese refusal, never a 500, and writes nothing: dates outside
1900-01-01 … 2100-12-31 (cases.dates), ids past 2^63 − 1 or not ASCII digits, NUL bytes in
searches. The attacks that found these are kept here; tests/fuzz looks for their relatives."""

import datetime as dt

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from cases import dates, idcard, services, steps
from cases.forms import CaseCreateForm, StepForm
from cases.models import Case, CaseEvent, Person, Submission
from config.converters import object_id
from imports.importer.cells import CellNotice, CellProblem, parse_date
from imports.models import ExportLog
from tests import factories as f
from tests.fuzz.checks import row_counts
from tests.reviews.conftest import waiting_at_step, waiting_for_admission

pytestmark = pytest.mark.django_db

BIG = str(2**63)
LATE_BIRTH = dt.date(9982, 3, 15)


def create_data(county, birth: dt.date, **overrides) -> dict:
    return f.case_form_data(county.branch, birth, **overrides)


# ---- dates --------------------------------------------------------------------------------------


def test_it_refuses_a_birth_year_of_9982_on_the_create_form(client, secretary, county):
    client.force_login(secretary)
    response = client.post(reverse("cases:create"), create_data(county, LATE_BIRTH))
    assert response.status_code == 200
    assert f"日期 {LATE_BIRTH} 超出可填写的范围（1900-01-01 至 2100-12-31）" in response.content.decode()
    assert not Person.objects.exists() and not Case.objects.exists() and not CaseEvent.objects.exists()


@pytest.mark.parametrize("field", ["applied_on", "league_recommended_on", "leaving_unit_on"])
@pytest.mark.parametrize("value", ["1899-12-31", "2101-01-01", "9999-12-31", "0001-01-01"])
def test_every_date_field_refuses_a_date_outside_the_range(client, secretary, county, field, value):
    client.force_login(secretary)
    response = client.post(
        reverse("cases:create"), create_data(county, dt.date(1995, 3, 15), **{field: value})
    )
    assert response.status_code == 200
    assert "超出可填写的范围" in response.content.decode()
    assert not Case.objects.exists()


def test_the_range_ends_are_accepted_by_the_forms():
    form = CaseCreateForm({"applied_on": "1900-01-01", "leaving_unit_on": "2100-12-31"}, branches=None)
    form.is_valid()
    assert "applied_on" not in form.errors and "leaving_unit_on" not in form.errors


def test_a_number_whose_birth_date_is_out_of_range_is_refused_as_e02():
    with pytest.raises(idcard.InvalidIdNumber, match="公民身份号码中的出生日期 9982-03-15 超出可填写的范围"):
        idcard.parse(idcard.make("330102", LATE_BIRTH, 1, "M"))


def test_the_services_refuse_dates_out_of_range_and_write_nothing(county, secretary, case):
    before = row_counts()
    with pytest.raises(services.InvalidInput, match="超出可填写的范围"):
        services.perform_step(
            case=case,
            step_code="initial_talk",
            given=services.StepInput(on=dt.date(9999, 12, 31)),
            actor=secretary,
        )
    with pytest.raises(services.InvalidInput, match="超出可填写的范围"):
        services.close_case(
            case=case, outcome="withdrawn", on=dt.date(1, 1, 1), reason="本人撤回", actor=secretary
        )
    with pytest.raises(services.InvalidInput, match="超出可填写的范围"):
        services.record_meeting(
            org=county.branch,
            body="branch_assembly",
            held_on=dt.date(2101, 1, 1),
            entitled=8,
            present=8,
            actor=secretary,
        )
    assert row_counts() == before


@settings(max_examples=200, deadline=None)
@given(
    raw=st.one_of(
        st.dates(),
        st.datetimes(),
        st.integers(),
        st.floats(allow_nan=True),
        st.text(max_size=20),
        st.dates().map(lambda d: d.isoformat()),
        st.booleans(),
    )
)
def test_an_import_cell_is_a_date_in_range_or_a_problem(raw):
    try:
        day = parse_date(raw)
    except CellNotice as notice:
        day = notice.value
    except CellProblem:
        return
    assert dates.in_range(day)


@settings(max_examples=200, deadline=None)
@given(birth=st.dates(min_value=dt.date(1000, 1, 1)), sequence=st.integers(0, 499))
def test_a_valid_number_always_has_its_birth_date_in_range(birth, sequence):
    try:
        parsed = idcard.parse(idcard.make("330102", birth, sequence, "F"))
    except idcard.InvalidIdNumber:
        assert not dates.in_range(birth)
    else:
        assert parsed.birth_date == birth and dates.in_range(birth)


# ---- ids ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [BIG, "9" * 20, "0", "-1", "²", "٣", "1_0", " 1", "01", "", "1.0"])
def test_object_id_names_no_row_for_anything_but_a_plain_positive_bigint(value):
    assert object_id(value) is None


def test_object_id_reads_the_largest_key():
    assert object_id(str(2**63 - 1)) == 2**63 - 1 and object_id(7) == 7


def new_case(county, crew):
    return f.new_case(county.branch, crew.secretary, applied_on=dt.date(2024, 6, 3))


@pytest.fixture
def desk(client, officer, county, crew):
    """A case waiting for 积极分子备案 at the 党委, whose officer is logged in."""
    case = waiting_at_step(new_case(county, crew), crew, "activist_filing")
    client.force_login(officer)
    return case


@pytest.fixture
def waiting_admission(county, crew):
    case = waiting_for_admission(new_case(county, crew), crew)
    return Submission.objects.get(case=case, step="admission_approval", status="pending")


def test_the_desk_refuses_an_id_past_2_63_as_a_form_error(client, desk):
    submission = Submission.objects.get(case=desk, status="pending")
    before = row_counts()
    response = client.post(
        reverse("reviews:decide", args=["activist_filing"]),
        {"action": "acknowledge", "ids": [str(submission.pk), BIG], "on": "2025-01-10", "from_item": BIG},
    )
    assert response.status_code == 200
    assert "所选事项无效" in response.content.decode()
    assert row_counts() == before
    assert Submission.objects.get(pk=submission.pk).status == "pending"


def test_the_desk_refuses_a_vote_count_past_three_digits(client, desk, waiting_admission):
    before = row_counts()
    pk = waiting_admission.pk
    response = client.post(
        reverse("reviews:decide", args=["admission_approval"]),
        {
            "action": "approve",
            "ids": [str(pk)],
            "held_on": "2025-01-10",
            "entitled": "7",
            "present": "7",
            f"yes_{pk}": "9" * 25,
        },
    )
    assert response.status_code == 200
    assert "表决票数须为 0–999 的整数" in response.content.decode()
    assert row_counts() == before


@pytest.mark.parametrize("name", ["contacts", "introducers"])
def test_a_roster_pick_past_2_63_is_an_invalid_choice(case, name):
    code = "contacts_assigned" if name == "contacts" else "introducers_assigned"
    form = StepForm({"on": "2024-01-10", name: [BIG]}, step=steps.get(code), case=case)
    assert not form.is_valid()
    assert form.errors[name] == ["所选党员不在本支部名册中"]


# ---- NUL bytes in searches (PostgreSQL refuses them in a query) ----------------------------------


@pytest.mark.parametrize("address", ["cases:list", "reviews:letters"])
def test_a_nul_byte_in_a_search_is_an_error_on_the_page_not_sent_to_the_database(
    client, auditor, case, address
):
    client.force_login(auditor)
    response = client.get(reverse(address), {"q": "陈\x00", "branch": "1\x00", "stage": "\x00"})
    assert response.status_code == 200
    assert "筛选条件有误" in response.content.decode()
    assert not response.context["filters"].is_valid()


def test_a_nul_byte_in_the_export_s_search_is_refused_and_nothing_exported(client, auditor, case):
    client.force_login(auditor)
    response = client.get(reverse("imports:export_cases"), {"q": "陈\x00"})
    assert response.status_code == 400
    assert "不能包含空字符" in response.content.decode()
    assert not ExportLog.objects.exists()


def test_the_case_list_shows_a_nul_search_as_an_error_and_lists_nothing(client, secretary, case):
    client.force_login(secretary)
    response = client.get(reverse("cases:list"), {"q": "\x00", "stage": "applicant"})
    assert response.context["filters"].error_list == ["姓名或拼音首字母：不能包含空字符"]
    assert response.context["rows"] == []
    assert response.context["form"]["stage"].value() == "applicant"  # the other filters are kept
