"""Concurrent writes on one case, on PostgreSQL: the write path locks the case row
(SELECT … FOR UPDATE) before it reads what is done, so two officers approving the same person
at the same moment record one approval, and the event chain never forks.

Skipped on SQLite (no row locks; CI runs the suite with DATABASE_URL set to PostgreSQL). Locally:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangyuan .venv/bin/python -m pytest tests/cases/test_race_postgres.py
"""

import datetime as dt
import threading
import time

import pytest
from django.db import connection

from cases import services
from cases.models import Case, CaseEvent, Meeting, StepRecord, Submission, Vote
from cases.rules import VoteFacts
from cases.services import step_service
from cases.services.events import verify_chain
from demo.journey import advance, planned_date
from tests import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]

HOLD_LOCK = 0.3  # seconds the winner keeps the case locked, so the loser surely waits on it


@pytest.fixture
def slow_writes(monkeypatch):
    """Hold the case lock a little longer inside perform_step, so both threads overlap."""
    real = step_service.record_event

    def slow(**kwargs):
        time.sleep(HOLD_LOCK)
        return real(**kwargs)

    monkeypatch.setattr(step_service, "record_event", slow)


def race(*calls):
    """Run the calls in threads released together; return (results, errors, seconds) by position."""
    barrier = threading.Barrier(len(calls))
    results, errors, seconds = [None] * len(calls), [None] * len(calls), [0.0] * len(calls)

    def run(i, call):
        try:
            barrier.wait(timeout=10)
            started = time.monotonic()
            try:
                results[i] = call()
            finally:
                seconds[i] = time.monotonic() - started
        except Exception as exc:  # noqa: BLE001 - the test inspects what each thread raised
            errors[i] = exc
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert not any(t.is_alive() for t in threads), "a thread is still waiting (deadlock?)"
    return results, errors, seconds


def dates_done(case: Case) -> dict[str, dt.date]:
    return {r.step: r.on for r in case.records.filter(is_current=True)}


def test_two_simultaneous_approvals_record_one(county, crew, officer, slow_writes):
    case = f.new_case(county.branch, crew.secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="committee_talk")
    # The report for the approval went up with the talk's (steps.SUBMISSION_TARGET).
    submission = Submission.objects.get(case=case, step="admission_approval", status="pending")
    on = planned_date(case, "admission_approval", dates_done(case), None)

    def approve():
        fresh = Case.objects.get(pk=case.pk)  # each officer loaded the page on their own
        given = services.StepInput(
            on=on, new_meeting=services.NewMeeting(entitled=7, present=7), vote=VoteFacts(yes=7)
        )
        return services.perform_step(case=fresh, step_code="admission_approval", given=given, actor=officer)

    results, errors, seconds = race(approve, approve)

    winners = [r for r in results if r is not None]
    losers = [e for e in errors if e is not None]
    assert len(winners) == 1 and len(losers) == 1, (results, errors)
    assert isinstance(losers[0], services.StepNotAllowed)
    assert f"「上级党委审批」已于 {on} 由 孙组织委员 记录，未重复办理" == str(losers[0])
    loser = errors.index(losers[0])
    assert seconds[loser] >= HOLD_LOCK  # it waited on the winner's lock, then saw the record

    assert StepRecord.objects.filter(case=case, step="admission_approval").count() == 1
    assert Vote.objects.filter(case=case, step="admission_approval").count() == 1
    assert Meeting.objects.filter(body="party_committee", held_on=on).count() == 1
    assert CaseEvent.objects.filter(case=case, kind="step", step="admission_approval").count() == 1
    submission.refresh_from_db()
    assert submission.status == "done"
    case.refresh_from_db()
    assert case.stage == "probationary" and case.steps_done == 17
    assert verify_chain(case) == []


def test_two_different_steps_at_once_both_land_and_the_chain_does_not_fork(county, crew, slow_writes):
    case = f.new_case(county.branch, crew.secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="admission_approval")
    approved = dates_done(case)["admission_approval"]

    def record(code, days, **data):
        def call():
            fresh = Case.objects.get(pk=case.pk)
            given = services.StepInput(on=approved + dt.timedelta(days=days), data=data)
            return services.perform_step(case=fresh, step_code=code, given=given, actor=crew.secretary)

        return call

    results, errors, _ = race(record("group_placement", 3, group="第一党小组"), record("oath", 10))
    assert errors == [None, None] and all(results)
    case.refresh_from_db()
    assert case.steps_done == 19
    events = list(CaseEvent.objects.filter(case=case).order_by("pk"))
    assert len({e.prev_hash for e in events}) == len(events)  # every event links to a different parent
    assert verify_chain(case) == []


def test_two_simultaneous_reports_make_one_submission(county, crew, slow_writes, monkeypatch):
    case = f.new_case(county.branch, crew.secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="activist_selection")
    from cases.services import submissions

    real = submissions.record_event

    def slow(**kwargs):
        time.sleep(HOLD_LOCK)
        return real(**kwargs)

    monkeypatch.setattr(submissions, "record_event", slow)

    def report():
        fresh = Case.objects.get(pk=case.pk)
        return services.submit(
            case=fresh, step_code="activist_filing", on=dt.date(2023, 3, 20), actor=crew.secretary
        )

    results, errors, seconds = race(report, report)
    assert sum(r is not None for r in results) == 1
    (error,) = [e for e in errors if e is not None]
    assert isinstance(error, services.StepNotAllowed)
    assert seconds[errors.index(error)] >= HOLD_LOCK
    assert str(error) == "「上级党委备案」已报送，正在办理中，未重复报送"
    assert Submission.objects.filter(case=case, step="activist_filing").count() == 1
    assert CaseEvent.objects.filter(case=case, kind="submit").count() == 1
    assert verify_chain(case) == []
