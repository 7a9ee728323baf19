"""One case through all 25 steps to 归档 in the service layer."""

import datetime as dt

import pytest

from cases import steps
from cases.journey import Crew, advance
from cases.models import CaseEvent, Outcome, Stage, StepRecord
from cases.services.events import verify_chain

pytestmark = pytest.mark.django_db


def test_it_takes_one_case_through_all_25_steps_to_archiving(case, secretary, officer, auditor):
    advance(case, Crew(secretary, officer, auditor))

    assert case.outcome == Outcome.ARCHIVED
    assert case.stage == Stage.FULL_MEMBER
    assert case.steps_done == 25
    done = list(
        StepRecord.objects.filter(case=case, is_current=True)
        .order_by("on", "pk")
        .values_list("step", flat=True)
    )
    assert sorted(done, key=lambda c: steps.get(c).number) == list(steps.CODES)
    assert case.probation_end == case.records.get(step="admission_meeting").on.replace(
        year=case.records.get(step="admission_meeting").on.year + 1
    )
    assert case.full_member_on == case.probation_end  # 党龄 from the probation end, not the approval
    assert CaseEvent.objects.filter(case=case, kind="step").count() == 25
    assert verify_chain(case) == []


def test_it_routes_through_the_general_branch_for_review(
    county, secretary_under_reviewer, reviewer, officer, auditor
):
    from tests.factories import new_case

    case = new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 2, 1))
    advance(
        case, Crew(secretary_under_reviewer, officer, auditor, reviewers=(reviewer,)), until="activist_filing"
    )
    assert case.records.filter(step="activist_filing").exists()
    assert CaseEvent.objects.filter(case=case, kind="review").count() == 1
