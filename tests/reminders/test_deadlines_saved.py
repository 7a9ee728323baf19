"""What falls due: the write path saves each open deadline of a case from the table of dates, with
where it waits and who answers for it, and marks it met when it stops being open."""

import datetime as dt

import pytest
from django.utils import timezone

from branches.models import Role
from cases import services
from cases.dates import add_months
from cases.models import CaseDeadline, EntryKind, Outcome
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 25)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def open_keys(case) -> dict[str, CaseDeadline]:
    return {d.key: d for d in CaseDeadline.objects.filter(case=case, met_on__isnull=True)}


def test_a_new_application_is_due_a_talk_within_a_month_at_the_branch(county, secretary):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2026, 10, 1))
    talk = open_keys(case)["initial_talk:W01"]
    assert (talk.due_on, talk.org, talk.role, talk.kind) == (
        dt.date(2026, 11, 1),
        county.branch,
        "branch_secretary",
        "due",
    )
    assert talk.title == "党组织派人谈话（W01）"


def test_the_talk_recorded_meets_its_deadline_and_keeps_it(county, secretary, crew):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2026, 10, 1))
    advance(case, crew, until="initial_talk")
    talk = CaseDeadline.objects.get(case=case, key="initial_talk:W01")
    assert talk.met_on == TODAY
    assert "initial_talk:W01" not in open_keys(case)


def test_an_activist_owes_the_half_yearly_assessment_and_quarterly_thought_reports(county, secretary, crew):
    case = advance(
        f.new_case(county.branch, secretary, applied_on=dt.date(2025, 6, 1)), crew, until="contacts_assigned"
    )
    activist_on = case.activist_on
    keys = open_keys(case)
    assert keys["activist_cultivation:assessment#1"].due_on == add_months(activist_on, 6)
    assert keys["activist_cultivation:thought_report#1"].due_on == add_months(activist_on, 3)
    assert "target_selection:E04" not in keys  # told only once the step may be done


def test_the_earliest_target_date_is_a_notice_once_cultivation_is_recorded(county, secretary, crew):
    case = advance(
        f.new_case(county.branch, secretary, applied_on=dt.date(2025, 6, 1)),
        crew,
        until="activist_cultivation",
    )
    notice = open_keys(case)["target_selection:E04"]
    assert (notice.kind, notice.due_on) == ("earliest", add_months(case.activist_on, 12))
    assert not any(key.startswith("activist_cultivation:") for key in open_keys(case))


def test_a_recorded_thought_report_opens_the_next_quarter_and_meets_the_first(county, secretary, crew):
    case = advance(
        f.new_case(county.branch, secretary, applied_on=dt.date(2025, 6, 1)), crew, until="contacts_assigned"
    )
    services.record_periodic_entry(
        case=case, step_code="activist_cultivation", entry=EntryKind.THOUGHT_REPORT, on=TODAY, actor=secretary
    )
    keys = open_keys(case)
    assert keys["activist_cultivation:thought_report#2"].due_on == add_months(case.activist_on, 6)
    assert CaseDeadline.objects.get(case=case, key="activist_cultivation:thought_report#1").met_on == TODAY
    case.refresh_from_db()
    assert case.next_due == add_months(case.activist_on, 6)  # the list still reads the step's assessment


def test_an_entry_dated_after_today_is_refused_with_a_message(county, secretary, crew):
    case = advance(
        f.new_case(county.branch, secretary, applied_on=dt.date(2025, 6, 1)), crew, until="contacts_assigned"
    )
    with pytest.raises(services.InvalidInput, match="至今天之间"):
        services.record_periodic_entry(
            case=case,
            step_code="activist_cultivation",
            entry="thought_report",
            on=TODAY + dt.timedelta(days=1),
            actor=secretary,
        )


def test_an_approval_waits_at_the_branch_until_reported_then_with_the_committee(county, secretary, crew):
    case = advance(
        f.new_case(county.branch, secretary, applied_on=dt.date(2024, 1, 10)), crew, until="admission_meeting"
    )
    approval = open_keys(case)["admission_approval:W03"]
    assert (approval.org, approval.role) == (county.branch, Role.BRANCH_SECRETARY)
    assert open_keys(case)["admission_approval:E12"].kind == "limit"
    services.submit(case=case, step_code="admission_approval", on=TODAY, actor=secretary)
    approval = open_keys(case)["admission_approval:W03"]
    assert (approval.org, approval.role) == (county.town, Role.COMMITTEE_OFFICER)


def test_a_report_at_a_general_branch_waits_for_its_reviewer_then_moves_up(
    county, secretary_under_reviewer, general_crew, reviewer
):
    case = advance(
        f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2024, 1, 10)),
        general_crew,
        until="admission_meeting",
    )
    submission = services.submit(
        case=case, step_code="admission_approval", on=TODAY, actor=secretary_under_reviewer
    )
    approval = open_keys(case)["admission_approval:W03"]
    assert (approval.org, approval.role) == (county.general, Role.REVIEWER)
    services.forward(submission=submission, actor=reviewer, opinion="同意", on=TODAY)
    approval = open_keys(case)["admission_approval:W03"]
    assert (approval.org, approval.role) == (county.town, Role.COMMITTEE_OFFICER)


def test_a_probationary_member_owes_thought_reports_and_the_probation_end_is_a_notice(
    county, secretary, crew
):
    case = advance(
        f.new_case(county.branch, secretary, applied_on=dt.date(2023, 6, 1)),
        crew,
        until="probation_education",
    )
    keys = open_keys(case)
    assert keys["conversion_application:probation_end"].due_on == case.probation_end
    case = advance(case, crew, until="conversion_application")
    keys = open_keys(case)
    assert (
        keys["conversion_meeting:E10"].kind == "earliest"
        and keys["conversion_meeting:E10"].due_on == case.probation_end
    )


def test_a_closed_case_has_no_open_deadline(county, secretary):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2026, 10, 1))
    services.close_case(
        case=case, outcome=Outcome.WITHDRAWN, on=TODAY, reason="本人申请撤回", actor=secretary
    )
    assert not open_keys(case)
    assert CaseDeadline.objects.get(case=case, key="initial_talk:W01").met_on == TODAY
