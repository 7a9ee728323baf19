"""Drive a case through its steps with typical, valid records — used by the demo data and the
tests. Everything goes through the services, exactly as a secretary and an officer would.

The rhythm (how many days after its prerequisites a step is typically done) is defined once here:
`step_date` for one step, `plan` for a whole path in memory (the demo's bulk histories and the
demo builder's choice of application dates), `advance` for a case in the database."""

import datetime as dt
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter

from branches.models import MemberStatus, Role
from branches.selectors import approving_committee, full_member_count, review_chain
from cases import services, steps
from cases.context import RuleContext, case_facts
from cases.dates import add_months, add_years
from cases.models import Case, Submission, SubmissionStatus
from cases.rules import VoteFacts

GAP_DAYS = {
    "initial_talk": 20,
    "activist_selection": 40,
    "activist_filing": 10,
    "contacts_assigned": 1,
    "activist_cultivation": 180,
    "target_selection": 5,  # after the year of cultivation (E04)
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
    "conversion_application": 15,  # before the probation ends
    "conversion_meeting": 3,  # after the probation ends (E10)
    "conversion_approval": 20,
    "archiving": 10,
}
PUBLICITY_WORKDAYS = 5  # 公示 of five working days after 报上级党委备案 (2026 rules, E14)
COMMITTEE_SEATS = 7  # 党委会 and a large branch's 支委会
SMALL_COMMITTEE_SEATS = 5


@dataclass
class Crew:
    secretary: object
    officer: object
    auditor: object
    reviewers: tuple = ()


def step_date(
    code: str,
    done: dict[str, dt.date],
    *,
    probation_end: dt.date | None,
    publicity_end: dt.date | None,
    gaps: dict[str, int] | None = None,
) -> dt.date:
    """The typical date of step `code` after the steps `done`; `gaps` overrides GAP_DAYS."""
    step = steps.get(code)
    gap = dt.timedelta(days=(gaps or {}).get(code, GAP_DAYS.get(code, 7)))
    base = max((done[r] for r in step.requires), default=None)
    if code == "target_selection":
        day = add_months(done["activist_selection"], 12) + gap
    elif code == "conversion_application":
        day = max(base, probation_end - gap)
    elif code == "conversion_meeting":
        day = probation_end + gap
    else:
        day = base + gap
    if publicity_end and step.number > 8:
        day = max(day, publicity_end + dt.timedelta(days=1))
    return day


def planned_date(case: Case, code: str, done: dict[str, dt.date], publicity_end: dt.date | None) -> dt.date:
    """The typical date of step `code` for a case in the database."""
    return step_date(code, done, probation_end=case.probation_end, publicity_end=publicity_end)


def publicity_after(filed_on: dt.date, rules: RuleContext) -> tuple[dt.date, dt.date] | None:
    """The 公示 that follows 报上级党委备案 under the 2026 rules (None under the 2014 rules)."""
    if not rules.is_2026(filed_on):
        return None
    start = filed_on + dt.timedelta(days=1)
    return start, rules.calendar.add(start, PUBLICITY_WORKDAYS)


@dataclass
class Plan:
    dates: dict[str, dt.date]
    publicity: tuple[dt.date, dt.date] | None


def plan(applied_on: dt.date, rules: RuleContext, gaps: dict[str, int] | None = None) -> Plan:
    """Every step's typical date from an application on `applied_on`, in memory (nothing checked:
    the write path decides whether a history built from it is valid)."""
    dates: dict[str, dt.date] = {"application": applied_on}
    probation_end = publicity = None
    for step in steps.STEPS[1:]:
        day = step_date(
            step.code,
            dates,
            probation_end=probation_end,
            publicity_end=publicity[1] if publicity else None,
            gaps=gaps,
        )
        dates[step.code] = day
        if step.code == "admission_meeting":
            probation_end = add_years(day, 1)  # only to plan the conversion; the decider sets the real one
        if step.code == "target_filing":
            publicity = publicity_after(day, rules)
    return Plan(dates, publicity)


def seats(body: str, full_members: int) -> int:
    """Members entitled to vote at a typical meeting of `body`."""
    if body == steps.Body.PARTY_COMMITTEE:
        return COMMITTEE_SEATS
    if body == steps.Body.BRANCH_COMMITTEE:
        return SMALL_COMMITTEE_SEATS
    return max(full_members, 1)


def typical_data(step: steps.Step, *, serial: str, talker: str, group: str) -> dict:
    """The step's own data as a branch typically records it."""
    F = steps.Field
    if F.CONCLUSION in step.fields:
        return {"conclusion": "合格"}
    if F.TRAINING in step.fields:
        return {"days": 3, "hours": 24}
    if F.SERIAL in step.fields:
        return {"serial": serial}
    if F.TALKER in step.fields:
        return {"talker": talker}
    if F.ASSESSMENTS in step.fields:
        return {"assessments": 2, "thought_reports": 4}
    if F.GROUP in step.fields:
        return {"group": group}
    if F.RESOLUTION in step.fields:
        return {"resolution": steps.Resolution.CONVERT.value}
    return {}


def _vote_meeting(case: Case, step: steps.Step, on: dt.date, crew: Crew):
    body = services.meeting_body(case, step)
    if body == steps.Body.PARTY_COMMITTEE:
        org, actor = approving_committee(case.branch), crew.officer
    else:
        org, actor = case.branch, crew.secretary
    meeting = services.meeting_of_day(org, body, on)  # entered once: the day's meeting decides them all
    if meeting is None:
        entitled = seats(body, full_member_count(case.branch))
        meeting = services.record_meeting(
            org=org, body=body, held_on=on, entitled=entitled, present=entitled, actor=actor
        )
    return meeting, VoteFacts(yes=meeting.present)


def step_input(case: Case, step: steps.Step, on: dt.date, crew: Crew) -> services.StepInput:
    """A typical, valid input for `step` of `case` on `on` (its meeting recorded first)."""
    given = services.StepInput(on=on)
    full = list(case.branch.members.filter(status=MemberStatus.FULL, active=True).order_by("pk")[:2])
    if steps.Field.MEETING in step.fields:
        given.meeting, given.vote = _vote_meeting(case, step, on, crew)
    if steps.Field.CONTACTS in step.fields:
        given.contacts = full[:2]
    if steps.Field.INTRODUCERS in step.fields:
        given.introducers = full[:2]
    given.data = typical_data(step, serial=f"{case.pk:08d}", talker="组织委员", group="第一党小组")
    return given


def submit_and_forward(case: Case, code: str, on: dt.date, crew: Crew) -> None:
    """Submit the report step `code` waits for (unless pending) and forward it through the reviewers."""
    kind = steps.SUBMISSION_TARGET[code]
    if Submission.objects.filter(case=case, step=kind, status=SubmissionStatus.PENDING).exists():
        return
    submission = services.submit(case=case, step_code=kind, on=on, actor=crew.secretary)
    for reviewer in crew.reviewers[: len(review_chain(case.branch))]:
        services.forward(submission=submission, actor=reviewer, opinion="同意上报", on=on)


def scan_pdf(name: str = "scan.pdf") -> SimpleUploadedFile:
    """A one-page A4 PDF standing in for a scan (demo data and tests)."""
    writer, out = PdfWriter(), io.BytesIO()
    writer.add_blank_page(595, 842)
    writer.write(out)
    return SimpleUploadedFile(name, out.getvalue(), content_type="application/pdf")


def file_materials(case: Case, actor) -> None:
    """Upload a stand-in scan for each required material the file still lacks (before 材料归档, E15)."""
    for step, spec in case_facts(case).missing_materials():
        services.upload_material(
            case=case,
            title=spec.title,
            upload=scan_pdf(f"{step.code}-{spec.key}.pdf"),
            step=step.code,
            item=spec.key,
            actor=actor,
        )


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
            submit_and_forward(case, step.code, on, crew)
        actor = {Role.COMMITTEE_OFFICER: crew.officer, Role.DEPARTMENT_AUDITOR: crew.auditor}.get(
            step.roles[0], crew.secretary
        )
        if step.code == "archiving":
            file_materials(case, crew.secretary)
        given = step_input(case, step, on, crew)
        given.warning_reason = warning_reason
        services.perform_step(case=case, step_code=step.code, given=given, actor=actor)
        if step.code == "target_filing" and (publicity := publicity_after(on, rules)):
            services.record_publicity(
                case=case,
                start_on=publicity[0],
                end_on=publicity[1],
                actor=crew.secretary,
                venue="村务公开栏",
            )
    case.refresh_from_db()
    return case
