"""The plan page reads figures kept by the write path (cases.tallies): the activists on a day and
the year's new ones equal what cases.counting counts, for any day; and the projection's approval
bounds (cases.TargetTally) are exact only because the bounds the table of dates sets on 上级党委审批
do not depend on the day they are computed — the same in March, on the page's day or in December.
A new entry of the table that made them depend on the day would fail here (then the projection
must compute them on the page again)."""

import datetime as dt

import pytest

from cases import counting
from cases.context import RuleContext
from cases.models import Case, CaseDeadline, Holiday, Outcome, RuleSettings, Stage, TargetTally
from cases.services.case_deadlines import resync_deadlines
from plans.selectors import plan_progress
from tests.plans.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db


def test_the_approval_bounds_do_not_depend_on_the_day_they_are_computed(county, crafted):
    targets = Case.objects.filter(outcome=Outcome.OPEN, stage=Stage.TARGET)
    on_the_day = counting.approval_bounds(targets, RuleContext.current(TODAY))
    assert len(on_the_day) >= 4 and any(b.limit for *_, b in on_the_day)
    for day in (dt.date(2025, 3, 1), dt.date(2026, 12, 31), dt.date(2028, 1, 1)):
        assert counting.approval_bounds(targets, RuleContext.current(day)) == on_the_day
    kept = {row.case_id: (row.earliest, row.limit) for row in TargetTally.objects.all()}
    assert kept == {pk: (b.earliest, b.limit) for pk, _, _, b in on_the_day}


def test_the_projection_follows_a_target_closed_after_the_bounds_were_kept(county, crafted, secretary):
    from cases import services

    before = plan_progress(county.town, YEAR, RuleContext.current())
    gone = before.will_be_approved[0].case_id
    services.close_case(
        case=Case.objects.get(pk=gone),
        outcome=Outcome.DEACTIVATED,
        on=TODAY,
        reason="不再列为发展对象",
        actor=secretary,
    )
    after = plan_progress(county.town, YEAR, RuleContext.current())
    assert [p.case_id for p in after.will_be_approved] == [p.case_id for p in before.will_be_approved[1:]]


@pytest.mark.parametrize("day", [dt.date(2024, 12, 31), dt.date(2025, 3, 1), dt.date(2026, 1, 1), TODAY])
def test_the_activists_on_a_day_and_the_new_ones_are_those_counting_finds(county, crafted, day):
    from cases import tallies
    from stats.selectors import branches_under

    for org in (county.dept, county.town):
        path_of = {b.pk: b.path for b in branches_under(org)}
        kept = {path_of[b]: n for b, n in tallies.activists_on(list(path_of), day).items()}
        assert kept == {p: n for p, n in counting.activists_by_branch(org, day).items() if n}
        new = tallies.counts_between(
            tallies.NEW_ACTIVIST, list(path_of), dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
        )
        assert {path_of[b]: n for b, n in new.items()} == counting.new_activists_by_branch(org, day.year)


def kept_bounds() -> dict:
    return {row.case_id: (row.earliest, row.limit) for row in TargetTally.objects.all()}


def bounds_now() -> dict:
    targets = Case.objects.filter(outcome=Outcome.OPEN, stage=Stage.TARGET)
    return {
        pk: (b.earliest, b.limit) for pk, _, _, b in counting.approval_bounds(targets, RuleContext.current())
    }


def test_an_edit_of_the_rules_or_the_calendar_works_the_kept_bounds_out_again(
    county, crafted, django_capture_on_commit_callbacks
):
    before = kept_bounds()
    with django_capture_on_commit_callbacks(execute=True) as queued:
        settings_row = RuleSettings.objects.first() or RuleSettings()
        settings_row.rules_2026_effective = dt.date(2030, 1, 1)  # no 公示 before approval (E14) any more
        settings_row.save()
        Holiday.objects.create(date=dt.date(2026, 10, 9), is_workday=False, name="补休")

    assert len(queued) == 1  # two edits in one transaction: worked out once
    assert kept_bounds() == bounds_now() != before
    # the deadlines the table of dates gave are the calendar's and the settings' of now, too
    deadlines = {(d.case_id, d.key, d.due_on) for d in CaseDeadline.objects.filter(met_on__isnull=True)}
    resync_deadlines()
    assert {
        (d.case_id, d.key, d.due_on) for d in CaseDeadline.objects.filter(met_on__isnull=True)
    } == deadlines


def test_an_edit_that_moves_no_date_queues_no_recount(county, crafted, django_capture_on_commit_callbacks):
    # made without signals, so nothing is queued before the edits
    [holiday] = Holiday.objects.bulk_create(
        [Holiday(date=dt.date(2026, 10, 9), is_workday=False, name="补休")]
    )
    settings_row = RuleSettings.objects.first() or RuleSettings.objects.bulk_create([RuleSettings()])[0]
    with django_capture_on_commit_callbacks(execute=False) as queued:
        holiday.name = "国庆补休"
        holiday.save()
        settings_row.rules_2026_confirmed = not settings_row.rules_2026_confirmed
        settings_row.save()
    assert queued == []
    with django_capture_on_commit_callbacks(execute=False) as queued:
        holiday.is_workday = True
        holiday.save()
    assert len(queued) == 1
