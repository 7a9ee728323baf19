"""Deciding queue items one at a time or in a batch, each through the case file's one write path.

The batch is one transaction (its decisions and the letters answering them commit together, so a
decision never lacks its letter); each item runs in its own nested transaction (a savepoint) with
its own rule checks, so a blocked item rolls back alone and is reported with its codes while the
others go through.
"""

import datetime as dt
from dataclasses import asdict, dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cases import services as case_services
from cases import steps
from cases.models import Case, Meeting, Submission
from cases.rules import ReturnFacts, VoteFacts
from reviews.queues import Action, Queue
from reviews.services.issuing import issue_letters

# The failures of one item that are reported and do not stop the batch.
ITEM_ERRORS = (
    case_services.StepBlocked,
    case_services.WarningsNeedReason,
    case_services.StepNotAllowed,
    case_services.InvalidInput,
    PermissionDenied,
)


NOT_IN_QUEUE = "不在本队列的待办事项中（可能已被他人办理，或不在您的职责范围内）"


@dataclass
class MeetingSpec:
    """A 党委会 to record with the batch: date, members entitled to vote, members present."""

    held_on: dt.date
    entitled: int
    present: int


@dataclass
class ItemResult:
    pk: int
    case_id: int
    name: str
    branch: str
    ok: bool
    done: str = ""  # what was done, in words
    findings: list[dict] = field(default_factory=list)  # {"code", "message"}
    message: str = ""  # a refusal without a rule code (already decided, not at my organization…)
    needs_reason: bool = False  # only warnings stood in the way: decide again with a reason
    vote: list[int] | None = None  # [yes, no, abstain] used, so a retry uses the same tally
    letter_id: int | None = None
    letter_number: str = ""


@dataclass
class BatchResult:
    queue: str
    action: str
    on: str = ""
    meeting_id: int | None = None
    meeting_label: str = ""
    items: list[ItemResult] = field(default_factory=list)
    letters: list[dict] = field(default_factory=list)  # {"id", "number", "title", "addressee"}

    @property
    def succeeded(self) -> list[ItemResult]:
        return [i for i in self.items if i.ok]

    @property
    def failed(self) -> list[ItemResult]:
        return [i for i in self.items if not i.ok]

    def report_missing(self, pks) -> None:
        """Ids asked for but not in the user's queue: decided meanwhile, or never theirs to see."""
        for pk in pks:
            self.items.append(
                ItemResult(pk=pk, case_id=0, name="（未找到）", branch="", ok=False, message=NOT_IN_QUEUE)
            )

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "BatchResult":
        items = [ItemResult(**i) for i in data.get("items", [])]
        return cls(**{**data, "items": items})


DONE_WORDS = {
    Action.ACKNOWLEDGE: "已同意备案",
    Action.PASS: "预审合格",
    Action.TALK: "已登记党委谈话",
    Action.APPROVE: "党委会审批通过",
    Action.RETURN: "已退回党支部",
    Action.FORWARD: "已审议同意并上报",
    Action.FILE: "已备案",
}


def _case_of(item) -> Case:
    return item if isinstance(item, Case) else item.case


def _committee_of(items) -> object:
    orgs = {item.at_org_id: item.at_org for item in items if isinstance(item, Submission)}
    if len(orgs) != 1:
        raise case_services.InvalidInput("所选事项分属不同党委，请按党委分别办理")
    return next(iter(orgs.values()))


def _meeting(items, meeting: Meeting | None, spec: MeetingSpec | None, actor) -> Meeting:
    committee = _committee_of(items)
    if meeting is not None:
        if meeting.org_id != committee.pk or meeting.body != steps.Body.PARTY_COMMITTEE:
            raise case_services.InvalidInput("所选党委会不是本党委的会议")
        return meeting
    if spec is None:
        raise case_services.InvalidInput("请登记党委会（日期、应到人数、实到人数）或选择已登记的党委会")
    return case_services.record_meeting(
        org=committee,
        body=steps.Body.PARTY_COMMITTEE,
        held_on=spec.held_on,
        entitled=spec.entitled,
        present=spec.present,
        actor=actor,
    )


@dataclass
class _Decision:
    """What a batch decides, the same for every item in it."""

    queue: Queue
    action: str
    actor: object
    on: dt.date | None = None
    meeting: Meeting | None = None
    reason: str = ""
    warning_reason: str = ""
    talker: str = ""
    opinion: str = ""


def _decide_one(decision: _Decision, item, vote: VoteFacts | None):
    """Perform one item through the write path; returns the StepRecord a letter may answer."""
    action, actor = decision.action, decision.actor
    if action == Action.RETURN:
        case_services.return_submission(submission=item, actor=actor, reason=decision.reason)
        return None
    if action == Action.FORWARD:
        case_services.forward(submission=item, actor=actor, opinion=decision.opinion, on=decision.on)
        return None
    given = case_services.StepInput(on=decision.on, warning_reason=decision.warning_reason)
    if action == Action.TALK:
        given.data = {"talker": decision.talker}
    if action == Action.APPROVE:
        given.on, given.meeting, given.vote = decision.meeting.held_on, decision.meeting, vote
    step = decision.queue.step_for(action)
    return case_services.perform_step(case=_case_of(item), step_code=step, given=given, actor=actor)


def _attempt(decision: _Decision, item, vote: VoteFacts | None) -> tuple[ItemResult, object]:
    """One item in its own nested transaction: a refusal rolls back this item alone."""
    case = _case_of(item)
    outcome = ItemResult(
        pk=item.pk,
        case_id=case.pk,
        name=case.person.name,
        branch=case.branch.name,
        ok=False,
        vote=[vote.yes, vote.no, vote.abstain] if vote else None,
    )
    try:
        with transaction.atomic():
            record = _decide_one(decision, item, vote)
    except (case_services.StepBlocked, case_services.WarningsNeedReason) as exc:
        outcome.findings = [{"code": f.code, "message": f.message} for f in exc.findings]
        outcome.needs_reason = isinstance(exc, case_services.WarningsNeedReason)
        return outcome, None
    except ITEM_ERRORS as exc:
        outcome.message = str(exc) or "您的角色无权办理此事项。"
        return outcome, None
    outcome.ok, outcome.done = True, DONE_WORDS[decision.action]
    return outcome, record


def decide_batch(
    *,
    queue: Queue,
    action: str,
    items: list,
    actor,
    on: dt.date | None = None,
    meeting: Meeting | None = None,
    new_meeting: MeetingSpec | None = None,
    votes: dict[int, VoteFacts] | None = None,
    reason: str = "",
    warning_reason: str = "",
    talker: str = "",
    opinion: str = "",
    site_url: str = "",
) -> BatchResult:
    """Decide `items` (submissions, or cases in the department's queue) with one action.

    Raises InvalidInput / PermissionDenied only for the batch as a whole (e.g. the 党委会 cannot be
    recorded); everything about one item is reported in its ItemResult. For 党委会 approvals each
    person's tally comes from `votes` (cases.rules.tally: the desk proposes it, the officer confirms
    it); a person without one is refused by E09, never assumed to be a unanimous yes."""
    if action not in queue.actions:
        raise case_services.InvalidInput("该队列不能办理此操作")
    if action == Action.RETURN:
        case_services.refuse_problems(ReturnFacts(reason).problems())
    votes = votes or {}
    result = BatchResult(queue=queue.slug, action=action, on=on.isoformat() if on else "")
    if not items:
        return result
    decision = _Decision(queue, action, actor, on, meeting, reason, warning_reason, talker, opinion)
    with transaction.atomic():
        if action == Action.APPROVE:
            decision.meeting = meeting = _meeting(items, meeting, new_meeting, actor)
            result.meeting_id, result.on = meeting.pk, meeting.held_on.isoformat()
            result.meeting_label = f"{meeting.org.name} 党委会：{meeting.held_on}，应到{meeting.entitled}人，实到{meeting.present}人"
        decided = []
        for item in items:
            outcome, record = _attempt(decision, item, votes.get(item.pk))
            result.items.append(outcome)
            if record is not None:
                decided.append((outcome, record))
        if not result.succeeded and not any(i.needs_reason for i in result.items):
            transaction.set_rollback(True)  # nothing decided: no orphan 党委会 record either
            result.meeting_id = None
            return result
        _answer(result, decided, actor, site_url)
    return result


def _answer(result: BatchResult, decided: list, actor, site_url: str) -> None:
    """Issue the letters for what was decided, in the batch's transaction."""
    records = [record for _, record in decided]
    letters = issue_letters(records=records, actor=actor, site_url=site_url)
    by_record = {}
    for letter in letters:
        result.letters.append(
            {
                "id": letter.pk,
                "number": letter.number,
                "title": letter.title,
                "addressee": letter.addressee_name,
            }
        )
        for entry in letter.entries.all():
            by_record[entry.record_id] = letter
    for outcome, record in decided:
        if letter := by_record.get(record.pk):
            outcome.letter_id, outcome.letter_number = letter.pk, letter.number
