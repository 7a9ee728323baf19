"""Reads of the desk, always scoped to the user: the queues, their rows and counts, and letters.

A queue holds only what waits at an organization where the policy (cases.permissions.acting_orgs)
lets the user act — the queue's role there, and the authority for its step (E13) — and only cases
the user may see (cases_visible_to): an officer of another township sees nothing of them.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count

from branches.models import Organization, Role
from branches.selectors import scope_filter
from cases import permissions, steps
from cases.models import Case, Material, Meeting, StepRecord, Submission, Vote
from cases.permissions import Answer, acting_orgs
from cases.rules import deadlines
from cases.selectors import cases_visible_to, filings_due_for, reports_waiting
from reviews.models import Letter, LetterEntry
from reviews.queues import QUEUES, Queue

# Steps each queue shows next to the item, so the officer decides with the facts in view.
CONTEXT_STEPS = {
    "activist_filing": ("activist_selection",),
    "target_filing": ("target_selection", "activist_selection"),
    "pre_review": ("branch_committee_review", "political_review", "intensive_training"),
    "admission_approval": ("admission_meeting", "committee_talk", "pre_review"),
    "conversion_approval": ("conversion_meeting", "admission_meeting"),
    "admission_filing": ("admission_approval", "admission_meeting"),
    "review": (),
}


@dataclass
class QueueRow:
    pk: int  # the submission (or, in the department's queue, the case)
    case: Case
    submission: Submission | None
    submitted_on: dt.date
    records: dict[str, StepRecord] = field(default_factory=dict)
    votes: dict[str, Vote] = field(default_factory=dict)
    due: dt.date | None = None
    hard_due: dt.date | None = None
    overdue: bool = False
    letter: Letter | None = None  # the 批复 already issued for the case (department queue)
    subject: str = ""  # what is decided: the queue's step, or (a reviewer's queue) the report's
    materials: int = 0  # scans in the case file (shown with case.materials_missing)

    @property
    def branch(self):
        return self.case.branch

    @property
    def person(self):
        return self.case.person

    @property
    def resolution(self) -> str:
        meeting = self.records.get("conversion_meeting")
        return steps.resolution_of(meeting.data) if meeting else ""

    @property
    def extension_months(self):
        meeting = self.records.get("conversion_meeting")
        return meeting.data.get("extension_months") if meeting else None


def queue_answer(user, queue: Queue) -> Answer:
    """May the user work `queue`? The policy's answer for its role and step (cases.permissions)."""
    return permissions.queue_answer(user, queue.role, steps.get(queue.step) if queue.step else None)


def queues_for(user) -> list[Queue]:
    """The queues of the user's desk, in desk order."""
    return [queue for queue in QUEUES if queue_answer(user, queue)]


def committees_of(user) -> list[Organization]:
    """Organizations with approval authority where the user is a committee officer."""
    return acting_orgs(user, (Role.COMMITTEE_OFFICER,), steps.get("admission_approval"))


def queue_items(user, queue: Queue):
    """The queue's base queryset: pending submissions where the policy lets me act on them (my
    role there, and the authority for the queue's step), or (department) cases."""
    if queue.by_case:
        return filings_due_for(user)
    orgs = acting_orgs(user, (queue.role,), steps.get(queue.step) if queue.step else None)
    return reports_waiting(user, orgs, queue.step)


def reports_to_decide(user):
    """Reports waiting where the user may forward or return them (of every kind, oldest first):
    the desk's forward and return of one report, from its queue or the case page, find it here."""
    return reports_waiting(user, permissions.report_orgs(user)).order_by("submitted_at")


def queue_rows(user, queue: Queue, *, today: dt.date, items=None) -> list[QueueRow]:
    """Rows in desk order: overdue first, then by due date, then oldest submission first — of the
    whole queue, or of `items` (the queue's items as reviews.filters narrowed them)."""
    items = queue_items(user, queue) if items is None else items
    if queue.by_case:
        rows = [QueueRow(pk=c.pk, case=c, submission=None, submitted_on=None) for c in items]
    else:
        rows = [QueueRow(pk=s.pk, case=s.case, submission=s, submitted_on=s.submitted_on) for s in items]
    for row in rows:
        row.subject = row.submission.step if queue.slug == "review" else queue.slug
    _attach_records(rows, queue)
    if queue.slug == "review":
        _attach_materials(rows)
    if queue.by_case:
        for row in rows:
            approval = row.records.get("admission_approval")
            row.submitted_on = approval.on if approval else None
        _attach_letters(rows)
    due, limit = queue_deadline(queue, deadlines.Kind.DUE), queue_deadline(queue, deadlines.Kind.LIMIT)
    for row in rows:
        if due and (started := row.records.get(due.after)):
            row.due = due.date_from(started.on)
            row.hard_due = limit.date_from(started.on) if limit else None
        row.overdue = bool(row.due and row.due < today)
    return sorted(
        rows, key=lambda r: (not r.overdue, r.due or dt.date.max, r.submitted_on or dt.date.max, r.pk)
    )


def _attach_records(rows: list[QueueRow], queue: Queue) -> None:
    """The records (with their meetings and votes) the row's decision rests on (CONTEXT_STEPS of
    its subject: in a reviewer's queue, those of each report's step)."""
    codes = {code for row in rows for code in CONTEXT_STEPS.get(row.subject, ())}
    if not rows or not codes:
        return
    by_case = {r.case.pk: r for r in rows}
    records = StepRecord.objects.filter(case__in=by_case, step__in=codes, is_current=True).select_related(
        "meeting"
    )
    meetings = set()
    for record in records:
        by_case[record.case_id].records[record.step] = record
        if record.meeting_id:
            meetings.add(record.meeting_id)
    for vote in Vote.objects.filter(case__in=by_case, meeting__in=meetings):
        row = by_case[vote.case_id]
        record = row.records.get(vote.step)
        if record and record.meeting_id == vote.meeting_id:
            row.votes[vote.step] = vote


def _attach_materials(rows: list[QueueRow]) -> None:
    by_case = {r.case.pk: r for r in rows}
    counted = Material.objects.filter(case__in=by_case).values("case").annotate(n=Count("pk")).order_by()
    for entry in counted:
        by_case[entry["case"]].materials = entry["n"]


def _attach_letters(rows: list[QueueRow]) -> None:
    records = {r.records["admission_approval"].pk: r for r in rows if "admission_approval" in r.records}
    for entry in LetterEntry.objects.filter(record__in=records).select_related("letter"):
        records[entry.record_id].letter = entry.letter


def queue_counts(user, today: dt.date) -> list[tuple[Queue, int, int]]:
    """(queue, items, overdue items) for each queue the user works — counted in the database, so
    the 工作台 stays fast however long the queues grow."""
    counts = []
    for queue in queues_for(user):
        items = queue_items(user, queue)
        total = items.count()
        overdue = 0
        due = queue_deadline(queue, deadlines.Kind.DUE)
        if due and total and not queue.by_case:
            overdue = items.filter(
                case__records__step=due.after,
                case__records__is_current=True,
                case__records__on__lte=due.latest_start_overdue(today),
            ).count()
        counts.append((queue, total, overdue))
    return counts


def queue_deadline(queue: Queue, kind: str) -> deadlines.Deadline | None:
    """The table's entry for the step a queue decides (its due date, or its hard limit)."""
    if queue.step is None or queue.by_case:
        return None
    return next(iter(deadlines.for_step(queue.step, kind)), None)


def neighbours(rows: list[QueueRow], pk: int) -> tuple[QueueRow | None, QueueRow | None, int]:
    """The previous and next rows around `pk`, and its 1-based position (0 when absent)."""
    index = next((i for i, r in enumerate(rows) if r.pk == pk), None)
    if index is None:
        return None, None, 0
    before = rows[index - 1] if index > 0 else None
    after = rows[index + 1] if index + 1 < len(rows) else None
    return before, after, index + 1


def submission_visible_to(user, pk: int) -> Submission | None:
    """A submission no longer in my queue but still visible (decided meanwhile), or None."""
    return Submission.objects.filter(pk=pk, case__in=cases_visible_to(user)).select_related("case").first()


def committee_meetings(user, limit: int = 20) -> list[Meeting]:
    """Recent 党委会 of my committees, to decide more cases at a meeting already recorded."""
    return list(
        Meeting.objects.filter(org__in=committees_of(user), body=steps.Body.PARTY_COMMITTEE)
        .select_related("org")
        .order_by("-held_on", "-pk")[:limit]
    )


def letters_visible_to(user):
    """Letters to branches in the user's scope: the branch itself, its reviewers, committee, department."""
    return Letter.objects.filter(scope_filter(user, "addressee__path")).select_related("issuer", "addressee")


def letters_for_case(case: Case):
    return list(
        Letter.objects.filter(entries__case=case)
        .select_related("issuer")
        .order_by("created_at", "pk")
        .distinct()
    )


def letter_list(user):
    """The letter list's base, newest first; reviews.filters.LetterFilterSet narrows it."""
    return letters_visible_to(user).order_by("-created_at", "-pk")


def normalize_code(code: str) -> str:
    return "".join(ch for ch in (code or "").upper() if ch.isalnum())[:16]


def letter_by_code(code: str) -> Letter | None:
    """Public lookup for the verification page: only by the unguessable code."""
    code = normalize_code(code)
    if not code:
        return None
    return Letter.objects.filter(code=code).select_related("issuer", "addressee", "meeting").first()
