"""perform_step: the one write path for all 25 steps (forms, admin, commands and the importer)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from branches.models import MemberStatus, OrgKind, PartyMember, Role
from branches.selectors import has_branch_committee
from cases import steps
from cases.dates import add_months, add_years
from cases.facts import case_facts, rule_set_on, rule_settings
from cases.models import (
    Case,
    EventSource,
    Meeting,
    Outcome,
    StepRecord,
    Submission,
    SubmissionStatus,
    Vote,
)
from cases.rules import Attempt, MeetingFacts, MemberFacts, VoteFacts, blocks, evaluate, warnings
from cases.services.actors import Actor, acting_grant, as_actor
from cases.services.errors import InvalidInput, StepBlocked, StepNotAllowed, WarningsNeedReason
from cases.services.events import record_event
from cases.services.meetings import check_counts, save_meeting
from cases.services.summary import refresh_summary
from cases.workdays import WorkdayCalendar

IMPORT_ROLES = (Role.BRANCH_SECRETARY, Role.COMMITTEE_OFFICER)


@dataclass
class NewMeeting:
    """A meeting recorded together with the step it decides (held on the step's date)."""

    entitled: int
    present: int
    minutes: object = None
    note: str = ""


@dataclass
class StepInput:
    on: dt.date
    note: str = ""
    data: dict = field(default_factory=dict)
    contacts: list[PartyMember] | None = None
    introducers: list[PartyMember] | None = None
    meeting: Meeting | None = None
    new_meeting: NewMeeting | None = None
    vote: VoteFacts | None = None
    warning_reason: str = ""


def meeting_body(case: Case, step: steps.Step) -> str:
    """A branch without a 支部委员会 (<7 full members) decides at the 支部大会 (细则第八条)."""
    if step.body == steps.Body.BRANCH_COMMITTEE and not has_branch_committee(case.branch):
        return steps.Body.BRANCH_ASSEMBLY
    return step.body


def member_facts(member: PartyMember, on: dt.date, branch_id: int) -> MemberFacts:
    return MemberFacts(
        name=member.name,
        is_full=member.status == MemberStatus.FULL,
        under_party_probation=member.is_under_party_probation(on),
        on_roster=member.active and member.branch_id == branch_id,
    )


def lock_case(case: Case) -> Case:
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    return case


def build_attempt(
    *,
    case: Case,
    step: steps.Step,
    given: StepInput,
    acting_org,
    facts=None,
    today=None,
    historical=False,
    settings_row=None,
) -> Attempt:
    settings_row = settings_row or rule_settings()
    calendar = WorkdayCalendar()
    facts = facts or case_facts(case)
    meeting = given.meeting or given.new_meeting
    return Attempt(
        step=step,
        on=given.on,
        case=facts,
        today=today or timezone.localdate(),
        rule_set=rule_set_on(given.on, settings_row),
        rules_2026_confirmed=settings_row.rules_2026_confirmed,
        acting_org_can_approve=acting_org.can_approve if acting_org is not None else None,
        acting_org_is_department=(acting_org.kind == OrgKind.DEPARTMENT) if acting_org is not None else None,
        contacts=[member_facts(m, given.on, case.branch_id) for m in given.contacts]
        if given.contacts is not None
        else None,
        introducers=[member_facts(m, given.on, case.branch_id) for m in given.introducers]
        if given.introducers is not None
        else None,
        meeting=MeetingFacts(meeting.entitled, meeting.present, given.on) if meeting else None,
        vote=given.vote,
        data=given.data,
        is_2026_date=lambda d: rule_set_on(d, settings_row) == "2026",
        workdays_between=calendar.count,
        historical=historical,
    )


def _pending_submission(case: Case, step: steps.Step) -> Submission | None:
    target = steps.SUBMISSION_TARGET.get(step.code)
    if target is None:
        return None
    return Submission.objects.filter(case=case, step=target, status=SubmissionStatus.PENDING).first()


def _check_submission(case, step, acting_org, actor: Actor) -> Submission | None:
    if not step.submitted:
        return None
    submission = _pending_submission(case, step)
    if actor.source in (EventSource.IMPORT, EventSource.TRANSFER):
        return submission
    if submission is None:
        raise StepNotAllowed(
            f"党支部尚未报送「{steps.get(steps.SUBMISSION_TARGET[step.code]).name}」，不能办理"
        )
    if submission.at_org_id != acting_org.pk:
        raise StepNotAllowed(f"该事项正在「{submission.at_org.name}」审议，尚未报送至本级党委")
    return submission


@transaction.atomic
def perform_step(*, case: Case, step_code: str, given: StepInput, actor) -> StepRecord:
    actor = as_actor(actor)
    step = steps.get(step_code)
    lock_case(case)
    if not case.is_open:
        raise StepNotAllowed(f"案例已结束（{case.get_outcome_display()}），不能继续办理")
    existing = case.records.filter(step=step.code, is_current=True).select_related("recorded_by").first()
    if existing:
        who = existing.recorded_by.get_full_name() or existing.recorded_by.username
        raise StepNotAllowed(f"「{step.name}」已于 {existing.on} 由 {who} 记录，未重复办理")

    if actor.source == EventSource.IMPORT:
        # Backfilling history: whoever may import into the branch records what the branch and
        # its committee did back then; authority (E13) was exercised at the time, not now.
        grant = acting_grant(actor.user, case.branch, IMPORT_ROLES)
        acting_org = None
    else:
        waiting = _pending_submission(case, step) if step.submitted else None
        grant = acting_grant(actor.user, case.branch, step.roles, prefer=waiting.at_org if waiting else None)
        acting_org = grant.org
    submission = _check_submission(case, step, grant.org, actor)
    if given.meeting is not None and given.meeting.held_on != given.on:
        raise StepNotAllowed(f"会议日期 {given.meeting.held_on} 与「{step.name}」日期 {given.on} 不一致")
    if given.meeting is not None:
        _check_meeting_decides(case, step, given.meeting, grant.org)

    _validate_meeting_input(given)
    settings_row = rule_settings()
    attempt = build_attempt(
        case=case,
        step=step,
        given=given,
        acting_org=acting_org,
        historical=actor.source == EventSource.IMPORT,
        settings_row=settings_row,
    )
    findings = evaluate(attempt)
    if blocked := blocks(findings):
        raise StepBlocked(blocked)
    warned = warnings(findings)
    reason = given.warning_reason.strip()
    if warned and not reason:
        raise WarningsNeedReason(warned)

    if given.new_meeting is not None:
        given.meeting = _create_meeting(case, step, given, grant.org, actor)
    record = StepRecord(
        case=case,
        step=step.code,
        on=given.on,
        recorded_by=actor.user,
        org=grant.org,
        meeting=given.meeting,
        data=given.data,
        note=given.note,
        rule_set=attempt.rule_set,
    )
    record._history_user = actor.user
    record.save()
    people = (given.contacts or []) + (given.introducers or [])
    if people:
        record.people.set(people)
    if given.vote is not None and given.meeting is not None:
        Vote.objects.create(meeting=given.meeting, case=case, step=step.code, **given.vote.__dict__)

    _apply_consequences(case, step, record)
    if submission is not None and step.code == steps.SUBMISSION_TARGET[step.code]:
        submission.status = SubmissionStatus.DONE
        submission.closed_at = timezone.now()
        submission.save(update_fields=["status", "closed_at"])

    refresh_summary(case, actor.user, reason=f"办理：{step.name}", settings_row=settings_row)
    record_event(
        case=case,
        actor=actor,
        kind="step",
        step=step.code,
        summary=f"{step.number}. {step.name}（{given.on}）" + _summary_suffix(step, given),
        occurred_on=given.on,
        role=grant.role.value,
        org=grant.org,
        warnings=[{**f.as_dict(), "reason": reason} for f in warned],
        note=given.note,
    )
    return record


def _check_meeting_decides(case: Case, step: steps.Step, meeting: Meeting, acting_org) -> None:
    """A vote counts only at the body that decides the step (E09 judges N of that body), held by
    the case's branch, or for a 党委会 by the committee acting."""
    body = meeting_body(case, step)
    org_id = acting_org.pk if body == steps.Body.PARTY_COMMITTEE else case.branch_id
    if meeting.body != body or meeting.org_id != org_id:
        raise StepNotAllowed(f"所选会议（{meeting}）不是办理「{step.name}」的会议")


def _validate_meeting_input(given: StepInput) -> None:
    meeting = given.meeting or given.new_meeting
    if meeting is None:
        return
    check_counts(meeting.entitled, meeting.present)
    if given.vote is not None:
        v = given.vote
        if v.yes + v.no + v.abstain > meeting.present:
            raise InvalidInput(
                f"赞成、反对、弃权合计 {v.yes + v.no + v.abstain} 票，多于实到人数 {meeting.present}"
            )
        if v.written_yes + v.written_no > meeting.entitled - meeting.present:
            raise InvalidInput("书面意见只能来自因故未到会的有表决权党员，人数不能多于未到会人数")


def _create_meeting(case: Case, step: steps.Step, given: StepInput, acting_org, actor: Actor) -> Meeting:
    spec = given.new_meeting
    body = meeting_body(case, step)
    return save_meeting(
        org=acting_org if body == steps.Body.PARTY_COMMITTEE else case.branch,
        body=body,
        held_on=given.on,
        entitled=spec.entitled,
        present=spec.present,
        user=actor.user,
        note=spec.note,
        minutes=spec.minutes,
    )


def _summary_suffix(step, given: StepInput) -> str:
    if given.vote is not None and given.meeting is not None:
        v = given.vote
        return f"：应到{given.meeting.entitled}人，实到{given.meeting.present}人，赞成{v.yes}票（书面{v.written_yes}）"
    if step.code == "conversion_meeting":
        return f"：{steps.RESOLUTION_LABELS.get(given.data.get('resolution', 'convert'))}"
    return ""


def _apply_consequences(case: Case, step: steps.Step, record: StepRecord) -> None:
    """What a step changes on the case beyond its own record."""
    if step.code == "admission_meeting":
        # 党章第七条: probation runs one year from the branch meeting's resolution.
        case.probation_start = record.on
        case.probation_end = add_years(record.on, 1)
    elif step.code == "conversion_approval":
        meeting = case.records.get(step="conversion_meeting", is_current=True)
        resolution = meeting.data.get("resolution", "convert")
        if resolution == "convert":
            case.full_member_on = case.probation_end  # 党龄 from the probation end, not the approval
        elif resolution == "extend":
            months = int(meeting.data["extension_months"])
            case.extension_months = months
            case.probation_end = add_months(case.probation_end, months)
            record.data = {**record.data, "resolution": "extend", "extension_months": months}
            record.save(update_fields=["data"])
            for old in case.records.filter(step__in=steps.REOPENED_BY_EXTENSION, is_current=True):
                old.is_current = False
                old.save(update_fields=["is_current"])
        elif resolution == "cancel":
            case.outcome = Outcome.PROBATION_CANCELLED
            case.outcome_on = record.on
            case.outcome_reason = meeting.note or "支部大会决议取消预备党员资格，经上级党委批准"


__all__ = ["NewMeeting", "StepInput", "perform_step", "build_attempt", "lock_case", "meeting_body"]
