"""What recording a step means, decided in memory: `decide_step` returns a `Decision` — every rule
finding (E01–E15 / W01–W09), any refusal that is not a rule (already recorded, case closed, a
meeting that does not decide it), and the record, meeting, vote, case changes and event it would
write. It raises nothing; the caller decides what a refusal means, and `CaseState.take` moves the
state on as if the write were saved.

Every path decides here: `perform_step` (one step of a case locked in the database, raising the
decision's refusal) and `decide_history` (a whole history, for the import's dry run and its bulk
write). Whose authority the step is recorded under is the caller's explicit `Authority`, never
the audit fields of the actor. Nothing here touches the database except, lazily, the roster count
behind `RuleContext.has_committee` (cases.context).
"""

import datetime as dt
import enum
from dataclasses import dataclass, field
from functools import cached_property

from branches.models import MemberStatus, OrgKind, PartyMember
from branches.selectors import has_branch_committee
from cases import steps
from cases.bulk_rows import new_instance
from cases.context import RuleContext, add_record, case_facts, drop_record, follow_case, publicity_facts
from cases.models import Case, EventKind, Meeting, Outcome, Publicity, StepRecord, StepRecordPerson, Vote
from cases.rules import (
    Attempt,
    CaseFacts,
    Finding,
    MeetingFacts,
    MemberFacts,
    VoteFacts,
    blocks,
    evaluate,
    warnings,
)
from cases.rules.deadlines import extended_probation_end, probation_end
from cases.services.actors import Actor
from cases.services.errors import (
    InvalidInput,
    StepBlocked,
    StepNotAllowed,
    WarningsNeedReason,
    refuse_out_of_range,
    refuse_problems,
)
from cases.services.meetings import MeetingRecorded, build_meeting, check_meeting
from cases.services.recorded_people import people_as_now


class Authority(enum.Enum):
    """Under whose authority a step is recorded — always said by the caller."""

    LIVE = "live"  # a user acting now: E13 judges the acting organization, a report must wait there
    BACKFILL = "backfill"  # history brought in by an importer: authority was exercised back then


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


@dataclass
class CaseState:
    """A case as a decision sees it: the row, its current records by step (saved, or drafts of the
    steps decided before in the same history), its 公示, its facts."""

    case: Case
    records: dict[str, "StepRecord | RecordDraft"]
    publicities: list[Publicity]
    facts: CaseFacts = None

    def __post_init__(self):
        if self.facts is None:
            self.refresh_facts()

    @classmethod
    def load(cls, case: Case) -> "CaseState":
        records = case.records.filter(is_current=True)
        return cls(case, {r.step: r for r in records}, list(case.publicities.all()))

    def refresh_facts(self) -> None:
        self.facts = case_facts(self.case, records=list(self.records.values()), publicities=self.publicities)

    def take(self, write: "StepWrite") -> None:
        """Move on as if `write` were saved: its changes to the case, the records it reopens, its
        record — the facts moved on with them (as `refresh_facts` would rebuild them, step by step)."""
        for name, value in write.case_changes.items():
            setattr(self.case, name, value)
        reopened = [self.records.pop(code) for code in write.reopens if code in self.records]
        for old in reopened:
            old.is_current = False
            drop_record(self.facts, old.step)
        write.reopened = [old.model() if isinstance(old, RecordDraft) else old for old in reopened]
        if write.draft.is_current:
            self.records[write.draft.step] = write.draft
            add_record(self.facts, write.draft)
        if write.case_changes:
            follow_case(self.facts, self.case)

    def add_publicity(self, publicity: Publicity) -> None:
        self.publicities.append(publicity)
        self.facts.publicities.append(publicity_facts(publicity))


@dataclass(slots=True)
class MeetingDraft:
    """A meeting a step brings (held on its date), checked when decided; its Meeting is built
    only when the write is saved (`model`), like the record's."""

    org: object
    body: str
    held_on: dt.date
    spec: NewMeeting
    user: object
    _model: Meeting | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def entitled(self) -> int:
        return self.spec.entitled

    @property
    def present(self) -> int:
        return self.spec.present

    def model(self) -> Meeting:
        if self._model is None:
            spec = self.spec
            self._model = build_meeting(
                org=self.org,
                body=self.body,
                held_on=self.held_on,
                entitled=spec.entitled,
                present=spec.present,
                user=self.user,
                note=spec.note,
                minutes=spec.minutes,
            )
        return self._model


@dataclass(slots=True)
class RecordDraft:
    """A step record as decided, before it is a model: what later decisions read (its date, data,
    rule set, meeting, whether it is still current). Its StepRecord is built only when the write is
    saved (`StepWrite.record`): a dry run decides thousands of steps and saves none."""

    case: Case
    step: str
    on: dt.date
    recorded_by: object
    org: object
    meeting: "Meeting | MeetingDraft | None"
    data: dict
    note: str
    rule_set: str
    is_current: bool = True
    _model: StepRecord | None = field(default=None, init=False, repr=False, compare=False)

    def model(self) -> StepRecord:
        """The unsaved StepRecord, built once; what may change on the draft is copied each time."""
        if self._model is None:
            self._model = new_instance(
                StepRecord, **{name: getattr(self, name) for name in _FIXED}, meeting=self.meeting_model()
            )
            self._model._history_user = self.recorded_by
        self._model.data, self._model.is_current = self.data, self.is_current
        return self._model

    def meeting_model(self) -> Meeting | None:
        meeting = self.meeting
        return meeting.model() if isinstance(meeting, MeetingDraft) else meeting


_FIXED = ("case", "step", "on", "recorded_by", "org", "note", "rule_set")  # set once, on the model


@dataclass
class StepWrite:
    """Everything one step writes, not yet saved (its models built when first asked for)."""

    draft: RecordDraft
    members: list[PartyMember]  # contacts / introducers named by the step
    tally: VoteFacts | None  # the vote at its meeting (`vote`)
    event_of: "_EventOf"  # what its CaseEvent is built from (`event`)
    case_changes: dict = field(default_factory=dict)  # case fields it sets (probation, 党龄, outcome)
    reopens: tuple[str, ...] = ()  # steps whose records it makes no longer current (延长预备期)
    reopened: list[StepRecord] = field(default_factory=list)  # those records, once taken

    @property
    def meeting(self) -> Meeting | None:
        """Unsaved when the step brings its own meeting (new_meeting)."""
        return self.draft.meeting_model()

    @cached_property
    def vote(self) -> Vote | None:
        meeting = self.meeting
        if self.tally is None or meeting is None:
            return None
        vote = Vote(meeting=meeting, case=self.draft.case, step=self.draft.step, **self.tally.__dict__)
        vote._history_user = self.draft.recorded_by
        return vote

    @property
    def meeting_is_new(self) -> bool:
        return self.meeting is not None and self.meeting.pk is None

    @property
    def record(self) -> StepRecord:
        return self.draft.model()

    @property
    def event(self) -> dict:
        """The fields of its CaseEvent (built when asked: a dry run never asks)."""
        return self.event_of.fields(self.meeting)

    @cached_property
    def people(self) -> list[StepRecordPerson]:
        """The members as the roster has them today, on the record."""
        return people_as_now(self.record, self.members)


@dataclass
class Decision:
    """One step decided: every rule finding, any other refusal, and what it would write."""

    step: steps.Step
    findings: list[Finding] = field(default_factory=list)
    refusal: Exception | None = None  # StepNotAllowed / InvalidInput: not a rule; nothing decided
    write: StepWrite | None = None  # None only with a refusal
    reason: str = ""  # the recorded reason (记录说明) for its warnings

    @property
    def blocked(self) -> list[Finding]:
        return blocks(self.findings)

    @property
    def warned(self) -> list[Finding]:
        return warnings(self.findings)

    @property
    def error(self) -> Exception | None:
        """Why the step may not be written as given, as the write path raises it (None: it may)."""
        if self.refusal is not None:
            return self.refusal
        if self.blocked:
            return StepBlocked(self.blocked)
        if self.warned and not self.reason:
            return WarningsNeedReason(self.warned)
        return None

    def raise_if_refused(self) -> None:
        if (error := self.error) is not None:
            raise error


def meeting_body(case: Case, step: steps.Step, rules: RuleContext | None = None) -> str:
    """A branch without a 支部委员会 (<7 full members) decides at the 支部大会 (细则第八条)."""
    if step.body == steps.Body.BRANCH_COMMITTEE:
        has_committee = rules.has_committee(case.branch) if rules else has_branch_committee(case.branch)
        if not has_committee:
            return steps.Body.BRANCH_ASSEMBLY
    return step.body


def member_facts(member: PartyMember, on: dt.date, branch_id: int) -> MemberFacts:
    return MemberFacts(
        name=member.name,
        is_full=member.status == MemberStatus.FULL,
        under_party_probation=member.is_under_party_probation(on),
        on_roster=member.active and member.branch_id == branch_id,
        in_sanction_impact_period=member.in_sanction_impact_period(on),
    )


def refuse_if_recorded(state: CaseState, step: steps.Step) -> None:
    case = state.case
    if not case.is_open:
        raise StepNotAllowed(f"案例已结束（{case.get_outcome_display()}），不能继续办理")
    existing = state.records.get(step.code)
    if existing is not None:
        who = existing.recorded_by.get_full_name() or existing.recorded_by.username
        raise StepNotAllowed(f"「{step.name}」已于 {existing.on} 由 {who} 记录，未重复办理")


def build_attempt(
    *,
    case: Case,
    step: steps.Step,
    given: StepInput,
    acting_org,
    rules: RuleContext,
    facts: CaseFacts,
    historical=False,
) -> Attempt:
    meeting = given.meeting or given.new_meeting
    return Attempt(
        step=step,
        on=given.on,
        case=facts,
        today=rules.today,
        rule_set=rules.rule_set_on(given.on),
        rules_2026_confirmed=rules.settings_row.rules_2026_confirmed,
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
        note=given.note or "",
        is_2026_date=rules.is_2026,
        workdays_between=rules.calendar.count,
        historical=historical,
    )


def decide_step(
    state: CaseState,
    step: steps.Step,
    given: StepInput,
    *,
    actor: Actor,
    grant,
    rules: RuleContext,
    authority: Authority,
) -> Decision:
    """Decide the step against `state` (left as it is: `state.take(decision.write)` moves it on).

    `grant` is the role the actor acts in (its org is the record's). Under Authority.LIVE, E13
    judges the grant's organization; a backfill records what was decided back then."""
    reason = given.warning_reason.strip()
    try:
        _refuse_unless_possible(state, step, given, grant, rules)
    except (StepNotAllowed, InvalidInput) as refusal:
        return Decision(step, refusal=refusal, reason=reason)
    attempt = build_attempt(
        case=state.case,
        step=step,
        given=given,
        acting_org=grant.org if authority is Authority.LIVE else None,
        rules=rules,
        facts=state.facts,
        historical=authority is Authority.BACKFILL,
    )
    findings = evaluate(attempt)
    try:
        write = _write(
            state, step, given, attempt, warnings(findings), reason, actor, grant, rules, authority
        )
    except InvalidInput as refusal:  # e.g. the minutes of the step's own meeting
        return Decision(step, findings, refusal=refusal, reason=reason)
    return Decision(step, findings, write=write, reason=reason)


def _refuse_unless_possible(state: CaseState, step: steps.Step, given: StepInput, grant, rules) -> None:
    """The refusals that are not rules: a date out of range, a step already recorded or a closed
    case, a meeting that does not decide the step, impossible meeting counts."""
    refuse_out_of_range(given.on)
    refuse_if_recorded(state, step)
    if given.meeting is not None:
        if given.meeting.held_on != given.on:
            raise StepNotAllowed(f"会议日期 {given.meeting.held_on} 与「{step.name}」日期 {given.on} 不一致")
        _check_meeting_decides(state.case, step, given.meeting, grant.org, rules)
    _validate_meeting_input(given)


def _write(
    state, step, given: StepInput, attempt: Attempt, warned, reason, actor, grant, rules, authority
) -> StepWrite:
    case = state.case
    meeting = given.meeting
    if given.new_meeting is not None:
        meeting = _new_meeting(case, step, given, grant.org, actor, rules, authority)
    record = RecordDraft(
        case=case,
        step=step.code,
        on=given.on,
        recorded_by=actor.user,
        org=grant.org,
        meeting=meeting,
        data=dict(given.data),
        note=given.note,
        rule_set=attempt.rule_set,
    )
    members = (given.contacts or []) + (given.introducers or [])
    write = StepWrite(record, members, given.vote, _EventOf(step, given, grant, warned, reason))
    _consequences(state, step, write)
    return write


def _check_meeting_decides(case: Case, step: steps.Step, meeting: Meeting, acting_org, rules) -> None:
    """A vote counts only at the body that decides the step (E09 judges N of that body), held by
    the case's branch, or for a 党委会 by the committee acting."""
    body = meeting_body(case, step, rules)
    org_id = acting_org.pk if body == steps.Body.PARTY_COMMITTEE else case.branch_id
    if meeting.body != body or meeting.org_id != org_id:
        raise StepNotAllowed(f"所选会议（{meeting}）不是办理「{step.name}」的会议")


def _validate_meeting_input(given: StepInput) -> None:
    meeting = given.meeting or given.new_meeting
    if meeting is None:
        return
    refuse_problems(MeetingFacts(meeting.entitled, meeting.present).problems(given.vote))


def _new_meeting(
    case: Case, step: steps.Step, given: StepInput, acting_org, actor: Actor, rules, authority
) -> "MeetingDraft | Meeting":
    """The meeting a step brings — entered once: a user is told to pick the day's meeting already
    recorded; a history brought in reuses it (or the one an earlier row brought) when it states
    the same 应到 and 实到, and is refused when it states others."""
    spec = given.new_meeting
    check_meeting(held_on=given.on, entitled=spec.entitled, present=spec.present, minutes=spec.minutes)
    body = meeting_body(case, step, rules)
    org = acting_org if body == steps.Body.PARTY_COMMITTEE else case.branch
    recorded = rules.meeting_on(org, body, given.on)
    if recorded is not None:
        if authority is Authority.LIVE:
            raise MeetingRecorded(recorded)
        if (recorded.entitled, recorded.present) != (spec.entitled, spec.present):
            raise InvalidInput(
                f"{MeetingRecorded(recorded)}：已记录应到{recorded.entitled}人、实到{recorded.present}人，"
                f"与所填应到{spec.entitled}人、实到{spec.present}人不一致"
            )
        return recorded
    draft = MeetingDraft(org, body, given.on, spec, actor.user)
    rules.keep_meeting(draft)
    return draft


@dataclass(slots=True)
class _EventOf:
    """What a step's CaseEvent is built from, kept until a write asks for its fields."""

    step: steps.Step
    given: StepInput
    grant: object
    warned: list[Finding]
    reason: str

    def fields(self, meeting) -> dict:
        step, given = self.step, self.given
        return {
            "kind": EventKind.STEP,
            "step": step.code,
            "summary": f"{step.number}. {step.name}（{given.on}）" + _summary_suffix(step, given, meeting),
            "occurred_on": given.on,
            "role": self.grant.recorded_role,
            "org": self.grant.org,
            "warnings": [{**f.as_dict(), "reason": self.reason} for f in self.warned],
            "note": given.note,
        }


def _summary_suffix(step, given: StepInput, meeting) -> str:
    if given.vote is not None and meeting is not None:
        v = given.vote
        return f"：应到{meeting.entitled}人，实到{meeting.present}人，赞成{v.yes}票（书面{v.written_yes}）"
    if step.code == "conversion_meeting":
        return f"：{steps.resolution_of(given.data).label}"
    return ""


def _consequences(state: CaseState, step: steps.Step, write: StepWrite) -> None:
    """What a step changes on the case beyond its own record (into `write`; the state is left as is)."""
    case, record = state.case, write.draft
    if step.code == "admission_meeting":
        # 党章第七条: probation runs one year from the branch meeting's resolution.
        write.case_changes = {"probation_start": record.on, "probation_end": probation_end(record.on)}
    elif step.code == "conversion_approval":
        meeting = state.records["conversion_meeting"]
        resolution = steps.resolution_of(meeting.data)
        if resolution == steps.Resolution.CONVERT:
            write.case_changes = {"full_member_on": case.probation_end}  # 党龄 from the probation end
        elif resolution == steps.Resolution.EXTEND:
            months = int(meeting.data["extension_months"])
            write.case_changes = {
                "extension_months": months,
                "probation_end": extended_probation_end(case.probation_end, months),
            }
            record.data = {
                **record.data,
                "resolution": steps.Resolution.EXTEND.value,
                "extension_months": months,
            }
            write.reopens = steps.REOPENED_BY_EXTENSION
            record.is_current = False  # the approval of the extension is itself one of them
        elif resolution == steps.Resolution.CANCEL:
            write.case_changes = {
                "outcome": Outcome.PROBATION_CANCELLED,
                "outcome_on": record.on,
                "outcome_reason": meeting.note or "支部大会决议取消预备党员资格，经上级党委批准",
            }
