"""Who is told, and when: the sweep on both sides of every threshold, escalation, scope,
idempotence, catching up after missed days, a met deadline, a sweep that failed half-way."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from branches.models import Role
from branches.permissions import role_grants
from cases import services
from cases.models import CaseDeadline, Outcome
from reminders.models import Notice, ReminderSettings, Threshold
from reminders.services.sweep import sweep
from tests import factories as f
from tests.reminders.conftest import DAY, make_deadline, notices

pytestmark = pytest.mark.django_db
days = dt.timedelta


@pytest.fixture
def case(county, secretary):
    return f.new_case(county.branch, secretary, applied_on=dt.date(2026, 10, 1))


def told(username: str) -> set[str]:
    return set(Notice.objects.filter(recipient__username=username).values_list("threshold", flat=True))


@pytest.mark.parametrize("kind", ["due", "limit"])
@pytest.mark.parametrize(
    ("due_in", "expected"),
    [
        (8, set()),  # the day before the 7-day notice
        (7, {"soon"}),  # the day of it
        (1, {"soon"}),
        (0, {"today"}),
        (-1, {"overdue"}),  # overdue by one day
    ],
)
def test_a_branch_deadline_tells_the_branch_secretary_at_each_threshold(
    case, everyone, kind, due_in, expected
):
    make_deadline(case, due_on=DAY + days(due_in), kind=kind)
    sweep(DAY)
    assert told("secretary") == expected
    assert told("officer") == told("auditor") == set()


@pytest.mark.parametrize(("due_in", "expected"), [(1, set()), (0, {"available"}), (-40, {"available"})])
def test_an_earliest_date_is_a_notice_once_reached_never_overdue_or_escalated(
    case, everyone, due_in, expected
):
    make_deadline(case, due_on=DAY + days(due_in), kind="earliest")
    sweep(DAY)
    assert told("secretary") == expected
    assert told("officer") == told("auditor") == set()


@pytest.mark.parametrize(
    ("overdue_by", "officer_told", "auditor_told"),
    [
        (29, set(), set()),
        (30, {"escalated_committee"}, set()),
        (89, {"escalated_committee"}, set()),
        (90, {"escalated_committee"}, {"escalated_department"}),
    ],
)
def test_an_overdue_branch_step_escalates_to_the_committee_then_the_department(
    case, everyone, overdue_by, officer_told, auditor_told
):
    make_deadline(case, due_on=DAY - days(overdue_by))
    sweep(DAY)
    assert told("secretary") == {"overdue"}
    assert told("officer") == officer_told
    assert told("auditor") == auditor_told
    assert told("officer_b") == told("outsider") == told("reviewer") == set()  # other town, other branch


def test_the_escalation_days_are_the_admins(case, everyone):
    ReminderSettings.objects.update(escalate_committee_days=10, escalate_department_days=20)
    make_deadline(case, due_on=DAY - days(10))
    sweep(DAY)
    assert told("officer") == {"escalated_committee"} and told("auditor") == set()


def test_a_committee_step_tells_its_officers_and_never_escalates(case, county, everyone):
    make_deadline(case, due_on=DAY - days(120), role=Role.COMMITTEE_OFFICER, org=county.town)
    sweep(DAY)
    assert told("officer") == {"overdue"}
    assert told("secretary") == told("auditor") == told("officer_b") == set()


def test_a_report_at_a_general_branch_tells_its_reviewer_only(county, secretary_under_reviewer, everyone):
    case = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2026, 10, 1))
    make_deadline(case, due_on=DAY, role=Role.REVIEWER, org=county.general)
    sweep(DAY)
    assert told("reviewer") == {"today"}
    assert told("secretary2") == told("officer") == set()


def test_nobody_is_told_about_a_case_outside_their_grants(case, county, everyone):
    other = f.new_case(county.other_branch, everyone["outsider"], applied_on=dt.date(2026, 10, 1))
    make_deadline(case, due_on=DAY - days(100))
    make_deadline(other, due_on=DAY - days(100))
    sweep(DAY)
    for notice in Notice.objects.select_related("deadline__org", "recipient"):
        assert any(g.covers(notice.deadline.org) for g in role_grants(notice.recipient)), notice
    assert {n.deadline.case_id for n in Notice.objects.filter(recipient=everyone["outsider"])} == {other.pk}
    assert {n.deadline.case_id for n in Notice.objects.filter(recipient=everyone["officer_b"])} == {other.pk}


def test_the_sweep_run_ten_times_adds_nothing_after_the_first(case, everyone):
    make_deadline(case, due_on=DAY - days(95))
    first = sweep(DAY)
    rows = notices()
    assert first.total == len(rows) == 3  # secretary, officer, auditor
    for _ in range(9):
        assert sweep(DAY).total == 0
    assert notices() == rows


def test_a_sweep_after_missed_days_tells_only_the_most_severe_threshold(case, everyone):
    make_deadline(case, due_on=DAY - days(3))  # was 7-day, then due today, while nothing ran
    sweep(DAY)
    assert told("secretary") == {"overdue"}


def test_day_by_day_each_threshold_is_told_once(case, everyone):
    make_deadline(case, due_on=DAY)
    for offset in range(-10, 35):
        sweep(DAY + days(offset))
    assert sorted(
        Notice.objects.filter(recipient__username="secretary").values_list("threshold", "swept_on")
    ) == [
        ("overdue", DAY + days(1)),
        ("soon", DAY - days(7)),
        ("today", DAY),
    ]
    assert list(Notice.objects.filter(recipient__username="officer").values_list("swept_on", flat=True)) == [
        DAY + days(30)
    ]


def test_a_met_deadline_gets_no_further_notices(case, everyone, crew):
    talk = CaseDeadline.objects.get(case=case, key="initial_talk:W01")
    sweep(talk.due_on - days(7))
    assert told("secretary") == {"soon"}
    talk.met_on = talk.due_on - days(1)
    talk.save()
    for offset in (0, 1, 30, 90):
        assert sweep(talk.due_on + days(offset)).total == 0
    assert told("secretary") == {"soon"} and told("officer") == set()


def test_a_closed_case_is_swept_no_more(case, everyone, secretary):
    services.close_case(
        case=case, outcome=Outcome.WITHDRAWN, on=dt.date(2026, 10, 5), reason="撤回", actor=secretary
    )
    assert sweep(DAY + days(200)).total == 0


def test_a_new_due_date_is_told_again(case, everyone):
    deadline = make_deadline(case, due_on=DAY)
    sweep(DAY)
    deadline.due_on = DAY + days(3)  # the step before it was re-recorded later
    deadline.save()
    sweep(DAY)
    assert sorted(
        Notice.objects.filter(recipient__username="secretary").values_list("threshold", "due_on")
    ) == [
        ("soon", DAY + days(3)),
        ("today", DAY),
    ]


def test_a_sweep_that_fails_half_way_adds_nothing_and_its_rerun_misses_nothing(case, county, everyone):
    make_deadline(case, due_on=DAY - days(95))

    def fail_after(threshold):
        if threshold == Threshold.OVERDUE:
            raise RuntimeError("worker killed")

    with pytest.raises(RuntimeError):
        sweep(DAY, _after=fail_after)
    assert Notice.objects.count() == 0
    sweep(DAY)
    assert notices() == {
        ("test", "secretary", "overdue", DAY - days(95)),
        ("test", "officer", "escalated_committee", DAY - days(95)),
        ("test", "auditor", "escalated_department", DAY - days(95)),
    }


def test_a_dry_run_lists_what_it_would_add_and_adds_nothing(case, everyone):
    make_deadline(case, due_on=DAY - days(95))
    planned = sweep(DAY, dry_run=True, listing=True)
    assert Notice.objects.count() == 0
    assert {(n.recipient.username, n.threshold) for n in planned.notices} == {
        ("secretary", "overdue"),
        ("officer", "escalated_committee"),
        ("auditor", "escalated_department"),
    }
    assert sweep(DAY).counts == planned.counts


def test_the_command_prints_what_it_would_send(case, everyone, capsys):
    make_deadline(case, due_on=DAY)
    call_command("send_reminders", "--date", DAY.isoformat(), "--dry-run")
    out = capsys.readouterr().out
    assert "secretary\t今日到期" in out and "将发送提醒 1 条" in out
    assert Notice.objects.count() == 0
    call_command("send_reminders", "--date", DAY.isoformat())
    assert "已发送提醒 1 条" in capsys.readouterr().out
    assert Notice.objects.count() == 1


def test_the_command_refuses_a_bad_date_in_chinese(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("send_reminders", "--date", "2026-13-01")


def test_an_inactive_user_is_not_told(case, everyone):
    everyone["secretary"].is_active = False
    everyone["secretary"].save()
    make_deadline(case, due_on=DAY)
    sweep(DAY)
    assert told("secretary") == set()


def test_the_task_sweeps_today_and_the_beat_runs_it_daily_at_the_configured_hour(case, everyone, settings):
    from config.celery import app
    from reminders.tasks import sweep_task

    make_deadline(case, due_on=DAY)
    assert sweep_task(DAY.isoformat()) == {**dict.fromkeys(Threshold.values, 0), "today": 1}
    app.loader.import_default_modules()
    app.finalize()
    [entry] = [e for name, e in app.conf.beat_schedule.items() if name == "deadline-reminders"]
    assert entry["task"] == "reminders.sweep"
    assert entry["schedule"].hour == {settings.REMINDER_SWEEP_HOUR}


def test_a_deleted_deadline_takes_its_notices_with_it(case, everyone):
    """Notice's keys have no FOREIGN KEY in the database (for the sweep's speed): Django's
    on_delete=CASCADE still removes the notices of a deadline that is deleted."""
    deadline = make_deadline(case, due_on=DAY - days(95))
    sweep(DAY)
    assert Notice.objects.filter(deadline=deadline).count() == 3
    deadline.delete()
    assert Notice.objects.count() == 0
