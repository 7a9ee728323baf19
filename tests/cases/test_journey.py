"""One case through all 25 steps to 归档 in the service layer."""

import datetime as dt

import pytest

from cases import steps
from cases.models import CaseEvent, Outcome, Stage, StepRecord
from cases.services.events import verify_chain
from demo.journey import advance

pytestmark = pytest.mark.django_db


def test_it_takes_one_case_through_all_25_steps_to_archiving(case, crew):
    advance(case, crew)

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


def test_it_routes_through_the_general_branch_for_review(county, secretary_under_reviewer, general_crew):
    from tests.factories import new_case

    case = new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 2, 1))
    advance(case, general_crew, until="activist_filing")
    assert case.records.filter(step="activist_filing").exists()
    assert CaseEvent.objects.filter(case=case, kind="review").count() == 1


def test_the_whole_journey_also_runs_under_the_2026_rules_with_the_publicity(county, secretary, crew):
    """With the 2026 revision in force from the start, the listing needs 同意 and a 公示 of five
    working days before the next step; the journey records it and still reaches 归档."""
    from cases.models import Publicity
    from tests import factories as f
    from tests.factories import new_case

    f.rules_2026_from(dt.date(2020, 1, 1))
    case = advance(new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10)), crew)

    assert case.outcome == Outcome.ARCHIVED
    assert set(StepRecord.objects.filter(case=case).values_list("rule_set", flat=True)) == {"2026"}
    publicity = Publicity.objects.get(case=case)
    agreed = case.records.get(step="target_filing").on
    next_step = case.records.get(step="introducers_assigned").on
    assert agreed < publicity.start_on <= publicity.end_on < next_step
