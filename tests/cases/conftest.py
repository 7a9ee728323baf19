"""Helpers for the rule and write-path tests: typical step inputs, and a snapshot that proves a
refused write changed nothing. The crews acting on a case are in tests/conftest.py."""

import datetime as dt
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.utils import timezone

from branches.models import MemberStatus
from branches.selectors import approving_committee, has_branch_committee, review_chain
from cases import services, steps
from cases.models import Case, CaseEvent, StepRecord, Submission, Vote
from cases.rules import VoteFacts
from cases.standing import SUMMARY_COLUMNS
from demo.journey import Crew

# A fixed "today" after every date the service tests use (the package calendar ends in 2026).
PINNED_TODAY = dt.date(2026, 11, 25)

# What the write path keeps on the case row beside the records.
SUMMARY_FIELDS = (
    *SUMMARY_COLUMNS,
    "probation_start",
    "probation_end",
    "extension_months",
    "full_member_on",
    "leaving_unit_on",
)


@pytest.fixture
def pinned_today(monkeypatch):
    """Freeze the write path's "today" so dates near 2026 never count as future dates (E03)."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: PINNED_TODAY)
    return PINNED_TODAY


def snapshot(case: Case) -> dict:
    return {
        "case": Case.objects.filter(pk=case.pk).values(*SUMMARY_FIELDS).get(),
        "case_history": case.history.count(),
        "records": sorted(StepRecord.objects.filter(case=case).values_list("pk", "step", "is_current")),
        "events": list(CaseEvent.objects.filter(case=case).order_by("pk").values_list("pk", "hash")),
        "votes": Vote.objects.filter(case=case).count(),
        "submissions": sorted(Submission.objects.filter(case=case).values_list("pk", "status", "at_org")),
    }


@contextmanager
def _unchanged(case: Case):
    before = snapshot(case)
    yield
    assert snapshot(case) == before


@pytest.fixture
def unchanged():
    """`with unchanged(case), pytest.raises(...)`: the refused write left no trace."""
    return _unchanged


def _meeting_and_vote(case: Case, step: steps.Step, on: dt.date, crew: Crew, present=None, vote=None):
    if step.body == steps.Body.PARTY_COMMITTEE:
        org, body, entitled, actor = approving_committee(case.branch), step.body, 7, crew.officer
    else:
        full = case.branch.members.filter(status=MemberStatus.FULL, active=True).count()
        body = step.body
        if body == steps.Body.BRANCH_COMMITTEE and not has_branch_committee(case.branch):
            body = steps.Body.BRANCH_ASSEMBLY
        entitled = 5 if body == steps.Body.BRANCH_COMMITTEE else full
        org, actor = case.branch, crew.secretary
    meeting = services.meeting_of_day(org, body, on)  # entered once: the day's meeting, if recorded
    if meeting is None:
        present = entitled if present is None else present
        meeting = services.record_meeting(
            org=org, body=body, held_on=on, entitled=entitled, present=present, actor=actor
        )
    elif present is not None and present != meeting.present:
        raise AssertionError(
            f"{meeting} is recorded with 实到 {meeting.present}: shape another day's meeting"
        )
    return meeting, (vote if vote is not None else VoteFacts(yes=meeting.present))


def step_input(case: Case, code: str, on: dt.date, crew: Crew, **overrides) -> services.StepInput:
    """A typical, valid input for `code` on `on`; override any StepInput field by keyword.
    `present=` and `vote=` shape the meeting of a voting step."""
    step = steps.get(code)
    present, vote = overrides.pop("present", None), overrides.pop("vote", None)
    given = services.StepInput(on=on)
    full = list(case.branch.members.filter(status=MemberStatus.FULL, active=True).order_by("pk")[:2])
    if steps.Field.MEETING in step.fields:
        given.meeting, given.vote = _meeting_and_vote(case, step, on, crew, present, vote)
    if steps.Field.CONTACTS in step.fields:
        given.contacts = full[:2]
    if steps.Field.INTRODUCERS in step.fields:
        given.introducers = full[:2]
    data = {
        steps.Field.CONCLUSION: {"conclusion": "合格"},
        steps.Field.TRAINING: {"days": 3, "hours": 24},
        steps.Field.SERIAL: {"serial": f"{case.pk:08d}"},
        steps.Field.TALKER: {"talker": "组织委员"},
        steps.Field.ASSESSMENTS: {"assessments": 2, "thought_reports": 4},
        steps.Field.GROUP: {"group": "第一党小组"},
        steps.Field.RESOLUTION: {"resolution": "convert"},
    }
    for f in step.fields:
        if f in data:
            given.data = dict(data[f])
    for key, value in overrides.items():
        setattr(given, key, value)
    return given


def submit_up(case: Case, code: str, on: dt.date, crew: Crew) -> Submission:
    """The branch reports a committee step upward; every reviewer in the crew forwards it."""
    kind = steps.SUBMISSION_TARGET[code]
    pending = Submission.objects.filter(case=case, step=kind, status="pending").first()
    if pending:
        return pending
    submission = services.submit(case=case, step_code=kind, on=on, actor=crew.secretary)
    for reviewer in crew.reviewers[: len(review_chain(case.branch))]:
        services.forward(submission=submission, actor=reviewer, opinion="同意上报", on=on)
    return submission


def do(case: Case, code: str, on: dt.date, crew: Crew, actor=None, submit=True, **overrides):
    """Perform one step with a typical input, submitting it first when it is a committee step."""
    step = steps.get(code)
    if step.submitted and submit:
        submit_up(case, code, on, crew)
    if actor is None:
        actor = {"committee_officer": crew.officer, "department_auditor": crew.auditor}.get(
            step.roles[0].value, crew.secretary
        )
    given = step_input(case, code, on, crew, **overrides)
    return services.perform_step(case=case, step_code=code, given=given, actor=actor)


@pytest.fixture
def kit():
    """The helpers above, for test modules (conftest modules are not imported directly)."""
    return SimpleNamespace(step_input=step_input, submit_up=submit_up, do=do, snapshot=snapshot)
