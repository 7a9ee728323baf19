"""A meeting is entered once, whoever records it: the one write path (services.record_meeting and a
step's own meeting) refuses a second record of an organization's meeting of one kind on one day
and names the one to pick; the database's constraint holds under a simultaneous double submit."""

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from cases import services, steps
from cases.models import Meeting, StepRecord
from cases.rules import VoteFacts
from cases.services import meetings
from demo.journey import advance, step_input
from tests import factories as f
from tests.cases.test_race_postgres import race

ON = dt.date(2024, 3, 5)
ASSEMBLY = steps.Body.BRANCH_ASSEMBLY


def _record(org, actor, body=ASSEMBLY, held_on=ON, **counts):
    counts = {"entitled": 8, "present": 7} | counts
    return services.record_meeting(org=org, body=body, held_on=held_on, actor=actor, **counts)


@pytest.mark.django_db
def test_a_second_record_of_the_same_meeting_is_refused_and_names_the_first(county, secretary):
    first = _record(county.branch, secretary)
    with pytest.raises(
        services.MeetingRecorded, match="城关镇第一党支部2024年3月5日的支部党员大会已记录，请直接选用"
    ) as refused:
        _record(county.branch, secretary, present=8)
    assert refused.value.meeting == first and Meeting.objects.count() == 1


@pytest.mark.django_db
def test_another_day_kind_or_organization_is_a_meeting_of_its_own(county, secretary, outsider):
    _record(county.branch, secretary)
    _record(county.branch, secretary, held_on=ON + dt.timedelta(days=1))
    _record(county.branch, secretary, body=steps.Body.BRANCH_COMMITTEE, entitled=5, present=5)
    _record(county.other_branch, outsider)
    assert Meeting.objects.count() == 4


@pytest.mark.django_db
def test_the_database_refuses_a_copy_that_bypasses_the_service(county, secretary):
    first = _record(county.branch, secretary)
    with transaction.atomic(), pytest.raises(IntegrityError):
        Meeting.objects.create(
            org=first.org, body=first.body, held_on=first.held_on, entitled=8, present=7, created_by=secretary
        )


def _to_admission_meeting(county, crew):
    case = f.new_case(county.branch, crew.secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="application_form")
    return case


@pytest.mark.django_db
def test_a_step_bringing_its_own_meeting_on_a_day_already_recorded_is_told_to_pick_it(county, crew):
    case = _to_admission_meeting(county, crew)
    given = step_input(case, steps.get("admission_meeting"), dt.date(2024, 6, 3), crew)
    recorded = given.meeting
    given.meeting, given.new_meeting = None, services.NewMeeting(entitled=8, present=8)
    with pytest.raises(services.MeetingRecorded) as refused:
        services.perform_step(case=case, step_code="admission_meeting", given=given, actor=crew.secretary)
    assert refused.value.meeting == recorded
    assert not StepRecord.objects.filter(case=case, step="admission_meeting").exists()
    assert Meeting.objects.filter(body=ASSEMBLY, held_on=dt.date(2024, 6, 3)).count() == 1


@pytest.mark.django_db
def test_a_step_picking_the_recorded_meeting_shares_it(county, crew):
    case = _to_admission_meeting(county, crew)
    other = _to_admission_meeting(county, crew)
    on = dt.date(2024, 6, 3)
    for each in (case, other):
        given = step_input(each, steps.get("admission_meeting"), on, crew)  # the day's meeting, reused
        services.perform_step(case=each, step_code="admission_meeting", given=given, actor=crew.secretary)
    meeting = Meeting.objects.get(body=ASSEMBLY, held_on=on)
    assert set(meeting.votes.values_list("case", flat=True)) == {case.pk, other.pk}


@pytest.mark.django_db
def test_a_step_with_its_own_meeting_on_a_new_day_records_it(county, crew):
    case = _to_admission_meeting(county, crew)
    on = dt.date(2024, 6, 4)
    given = services.StepInput(
        on=on, new_meeting=services.NewMeeting(entitled=8, present=8), vote=VoteFacts(yes=8)
    )
    services.perform_step(case=case, step_code="admission_meeting", given=given, actor=crew.secretary)
    assert Meeting.objects.get(body=ASSEMBLY, held_on=on).votes.get().case == case


@pytest.mark.postgres
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)")
@pytest.mark.django_db(transaction=True)
def test_a_simultaneous_double_submit_records_one_meeting_and_tells_the_other(county, secretary, monkeypatch):
    # both pass the service's look-up, as two requests at the same moment can: the constraint decides
    monkeypatch.setattr(meetings, "refuse_if_recorded", lambda *args: None)
    results, errors, _ = race(
        lambda: _record(county.branch, secretary), lambda: _record(county.branch, secretary)
    )
    assert Meeting.objects.count() == 1
    assert sum(r is not None for r in results) == 1
    (refusal,) = [e for e in errors if e is not None]
    assert isinstance(refusal, services.MeetingRecorded) and "已记录，请直接选用" in str(refusal)
