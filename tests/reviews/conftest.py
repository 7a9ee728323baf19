"""Scenarios for the desk: cases waiting in each queue, driven there through the services.

Dates: applications in mid-2024 put the branch meetings in 2025, so a 党委会 can be dated within
the 3 months the rules allow (W03) while still in the past.
"""

import datetime as dt
from types import SimpleNamespace

import pytest

from cases import services
from cases.models import Case
from demo.journey import Crew, advance
from tests import factories as f

APPLIED = dt.date(2024, 6, 3)


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    """Letters are written to a throw-away media root per test."""
    settings.MEDIA_ROOT = tmp_path / "media"


def meeting_on(case: Case, code: str) -> dt.date:
    return case.records.get(step=code, is_current=True).on


def new_cases(county, secretary, n: int, applied_on=APPLIED, branch=None, names=()) -> list[Case]:
    made = []
    for i in range(n):
        extra = {"name": names[i]} if i < len(names) else {}
        made.append(f.new_case(branch or county.branch, secretary, applied_on=applied_on, **extra))
    return made


def waiting_for_admission(case: Case, crew: Crew, talk: bool = True) -> Case:
    """The branch meeting passed and the approval is submitted; the committee talk done or not."""
    if talk:
        return advance(case, crew, until="committee_talk")
    advance(case, crew, until="admission_meeting")
    services.submit(
        case=case,
        step_code="admission_approval",
        on=meeting_on(case, "admission_meeting"),
        actor=crew.secretary,
    )
    return case


def waiting_for_conversion(case: Case, crew: Crew, resolution: str = "convert", months: int = 0) -> Case:
    advance(case, crew, until="conversion_application")
    case.refresh_from_db()
    on = case.probation_end + dt.timedelta(days=3)
    given = services.StepInput(on=on, data={"resolution": resolution})
    if resolution == "extend":
        given.data["extension_months"] = months
    given.meeting = services.meeting_of_day(case.branch, "branch_assembly", on) or services.record_meeting(
        org=case.branch, body="branch_assembly", held_on=on, entitled=8, present=8, actor=crew.secretary
    )
    from cases.rules import VoteFacts

    given.vote = VoteFacts(yes=8)
    services.perform_step(case=case, step_code="conversion_meeting", given=given, actor=crew.secretary)
    services.submit(case=case, step_code="conversion_approval", on=on, actor=crew.secretary)
    return case


def waiting_at_step(case: Case, crew: Crew, code: str) -> Case:
    """Everything before `code` done and `code` submitted to the committee (filings, pre-review)."""
    from cases import steps

    previous = steps.STEPS[steps.get(code).number - 2].code
    advance(case, crew, until=previous)
    case.refresh_from_db()
    on = max(r.on for r in case.records.all())
    submission = services.submit(case=case, step_code=code, on=on, actor=crew.secretary)
    for reviewer in crew.reviewers:
        services.forward(submission=submission, actor=reviewer, opinion="同意上报", on=on)
    return case


def tallies(items, yes: int) -> dict:
    """The tally an officer confirms for each item: `yes` votes (the desk proposes those present)."""
    from cases.rules import VoteFacts

    return {item.pk: VoteFacts(yes=yes) for item in items}


@pytest.fixture
def scene():
    return SimpleNamespace(
        tallies=tallies,
        new_cases=new_cases,
        waiting_for_admission=waiting_for_admission,
        waiting_for_conversion=waiting_for_conversion,
        waiting_at_step=waiting_at_step,
        meeting_on=meeting_on,
    )


@pytest.fixture
def letter(county, secretary, officer, crew, scene, monkeypatch, django_capture_on_commit_callbacks):
    """A 备案回执 registered and queued, whose message the worker has not fetched yet."""
    from reviews import services as desk
    from reviews.models import Letter
    from reviews.queues import BY_SLUG
    from reviews.selectors import queue_items
    from reviews.tasks import render_letter_task

    [case] = scene.new_cases(county, secretary, 1)
    scene.waiting_at_step(case, crew, "activist_filing")
    queue = BY_SLUG["activist_filing"]
    monkeypatch.setattr(render_letter_task, "delay", lambda *a, **k: None)
    with django_capture_on_commit_callbacks(execute=True):
        desk.decide_batch(
            queue=queue,
            action="acknowledge",
            items=list(queue_items(officer, queue)),
            actor=officer,
            on=scene.meeting_on(case, "activist_selection") + dt.timedelta(days=2),
        )
    monkeypatch.undo()
    letter = Letter.objects.get()
    assert letter.status == "pending" and letter.queued_at and not letter.claim_token
    return letter
