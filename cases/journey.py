"""Drive a case through its steps with typical, valid records — used by the demo data and the
tests. Everything goes through the services, exactly as a secretary and an officer would."""

import datetime as dt
from dataclasses import dataclass

from branches.models import MemberStatus, Role
from branches.selectors import approving_committee, full_member_count, review_chain
from cases import services, steps
from cases.dates import add_months
from cases.facts import RuleContext
from cases.models import Case, Submission, SubmissionStatus
from cases.rules import VoteFacts

GAP_DAYS = {
    "initial_talk": 20,
    "activist_selection": 40,
    "activist_filing": 10,
    "contacts_assigned": 1,
    "activist_cultivation": 180,
    "target_filing": 10,
    "introducers_assigned": 5,
    "political_review": 20,
    "intensive_training": 25,
    "branch_committee_review": 7,
    "pre_review": 10,
    "application_form": 5,
    "admission_meeting": 10,
    "committee_talk": 10,
    "admission_approval": 20,
    "admission_filing": 5,
    "group_placement": 3,
    "oath": 10,
    "probation_education": 90,
    "conversion_approval": 20,
    "archiving": 10,
}


@dataclass
class Crew:
    secretary: object
    officer: object
    auditor: object
    reviewers: tuple = ()


def planned_date(case: Case, code: str, done: dict[str, dt.date], publicity_end: dt.date | None) -> dt.date:
    step = steps.get(code)
    base = max((done[r] for r in step.requires), default=None)
    if code == "target_selection":
        day = add_months(done["activist_selection"], 12) + dt.timedelta(days=5)
    elif code == "conversion_application":
        day = max(base, case.probation_end - dt.timedelta(days=15))
    elif code == "conversion_meeting":
        day = case.probation_end + dt.timedelta(days=3)
    else:
        day = base + dt.timedelta(days=GAP_DAYS.get(code, 7))
    if publicity_end and step.number > 8:
        day = max(day, publicity_end + dt.timedelta(days=1))
    return day


def _vote_meeting(case: Case, step: steps.Step, on: dt.date, crew: Crew):
    if step.body == steps.Body.PARTY_COMMITTEE:
        meeting = services.record_meeting(
            org=approving_committee(case.branch),
            body=step.body,
            held_on=on,
            entitled=7,
            present=7,
            actor=crew.officer,
        )
        return meeting, VoteFacts(yes=7)
    body = services.meeting_body(case, step)
    entitled = 5 if body == steps.Body.BRANCH_COMMITTEE else max(full_member_count(case.branch), 1)
    meeting = services.record_meeting(
        org=case.branch, body=body, held_on=on, entitled=entitled, present=entitled, actor=crew.secretary
    )
    return meeting, (VoteFacts(yes=entitled) if steps.Field.VOTE in step.fields or step.body else None)


def _inputs(case: Case, step: steps.Step, on: dt.date, crew: Crew) -> services.StepInput:
    given = services.StepInput(on=on)
    full = list(case.branch.members.filter(status=MemberStatus.FULL, active=True).order_by("pk")[:2])
    if steps.Field.MEETING in step.fields:
        given.meeting, given.vote = _vote_meeting(case, step, on, crew)
    if steps.Field.CONTACTS in step.fields:
        given.contacts = full[:2]
    if steps.Field.INTRODUCERS in step.fields:
        given.introducers = full[:2]
    if steps.Field.CONCLUSION in step.fields:
        given.data = {"conclusion": "合格"}
    if steps.Field.TRAINING in step.fields:
        given.data = {"days": 3, "hours": 24}
    if steps.Field.SERIAL in step.fields:
        given.data = {"serial": f"{case.pk:08d}"}
    if steps.Field.TALKER in step.fields:
        given.data = {"talker": "组织委员"}
    if steps.Field.ASSESSMENTS in step.fields:
        given.data = {"assessments": 2, "thought_reports": 4}
    if steps.Field.GROUP in step.fields:
        given.data = {"group": "第一党小组"}
    if steps.Field.RESOLUTION in step.fields:
        given.data = {"resolution": "convert"}
    return given


def _submit_and_forward(case: Case, code: str, on: dt.date, crew: Crew) -> None:
    kind = steps.SUBMISSION_TARGET[code]
    if Submission.objects.filter(case=case, step=kind, status=SubmissionStatus.PENDING).exists():
        return
    submission = services.submit(case=case, step_code=kind, on=on, actor=crew.secretary)
    for reviewer in crew.reviewers[: len(review_chain(case.branch))]:
        services.forward(submission=submission, actor=reviewer, opinion="同意上报", on=on)


def advance(case: Case, crew: Crew, until: str = "archiving", warning_reason: str = "") -> Case:
    """Perform every step up to and including `until`, dated in a plausible rhythm."""
    rules = RuleContext.current()
    last = steps.get(until).number
    for step in steps.STEPS:
        if step.number > last:
            break
        case.refresh_from_db()
        done = {r.step: r.on for r in case.records.filter(is_current=True)}
        if step.code in done:
            continue
        publicity = case.publicities.order_by("-end_on").first()
        on = planned_date(case, step.code, done, publicity.end_on if publicity else None)
        if step.submitted:
            _submit_and_forward(case, step.code, on, crew)
        actor = {Role.COMMITTEE_OFFICER: crew.officer, Role.DEPARTMENT_AUDITOR: crew.auditor}.get(
            step.roles[0], crew.secretary
        )
        given = _inputs(case, step, on, crew)
        given.warning_reason = warning_reason
        services.perform_step(case=case, step_code=step.code, given=given, actor=actor)
        if step.code == "target_filing" and rules.is_2026(on):
            start = on + dt.timedelta(days=1)
            services.record_publicity(
                case=case,
                start_on=start,
                end_on=rules.calendar.add(start, 5),
                actor=crew.secretary,
                venue="村务公开栏",
            )
    case.refresh_from_db()
    return case
