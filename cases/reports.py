"""What became of a case's reports upward, as the branch sees it: 「待上级办理」 and where the report
waits, or 「已退回」 with the reason. The case list (column and filter), the 工作台's group
「被退回，待修改」 and the case page's header read it here, from the submissions as they stand — in
Python for the rows shown (report_states) and in SQL for the filter (with_report): both say the same.

A returned report stays 「已退回」 until the branch sends that kind of report again (its latest
submission of that kind is the returned one); a closed case's reports are withdrawn."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Exists, OuterRef

from cases import steps
from cases.models import Submission, SubmissionStatus

PENDING, RETURNED = "pending", "returned"
LABELS = {PENDING: "待上级办理", RETURNED: "已退回"}
CHOICES = list(LABELS.items())


@dataclass(frozen=True)
class ReportState:
    state: str  # PENDING or RETURNED
    kind: str  # the report's step code
    org: str  # where it waits, or who returned it
    on: dt.date | None  # sent on, or returned on
    reason: str = ""

    @property
    def label(self) -> str:
        return LABELS[self.state]

    @property
    def returned(self) -> bool:
        return self.state == RETURNED

    @property
    def kind_name(self) -> str:
        return steps.get(self.kind).name

    @property
    def text(self) -> str:
        """One line: 「待上级办理（城关镇党委）」 or 「已退回：理由」."""
        if self.returned:
            return f"已退回（{self.org}）：{self.reason}"
        return f"待上级办理（{self.org}）"


def returned_submissions(submissions: list[Submission]) -> list[Submission]:
    """Returns still relevant to the branch: the latest of each kind, when nothing newer followed.
    `submissions` newest first."""
    latest: dict[str, Submission] = {}
    for sub in submissions:
        latest.setdefault(sub.step, sub)
    return [s for s in latest.values() if s.status == SubmissionStatus.RETURNED]


def report_states(submissions: list[Submission]) -> list[ReportState]:
    """The case's reports waiting upward, then those returned, from its submissions (newest first,
    at_org selected)."""
    pending = [
        ReportState(PENDING, s.step, s.at_org.name, s.submitted_on)
        for s in submissions
        if s.status == SubmissionStatus.PENDING
    ]
    returned = [
        ReportState(
            RETURNED, s.step, s.at_org.name, s.closed_at.date() if s.closed_at else None, s.return_reason
        )
        for s in returned_submissions(submissions)
    ]
    return pending + returned


def submissions_by_case(case_ids) -> dict[int, list[Submission]]:
    """The submissions of many cases in one query (none for no case), newest first (a page of the
    list, a group of the 工作台); withdrawn ones (a closed case's) left out."""
    by_case: dict[int, list[Submission]] = {}
    case_ids = list(case_ids)
    if not case_ids:
        return by_case
    rows = (
        Submission.objects.filter(case_id__in=case_ids)
        .exclude(status=SubmissionStatus.WITHDRAWN)
        .select_related("at_org")
        .order_by("-submitted_at", "-pk")
    )
    for sub in rows:
        by_case.setdefault(sub.case_id, []).append(sub)
    return by_case


def _pending():
    return Exists(Submission.objects.filter(case=OuterRef("pk"), status=SubmissionStatus.PENDING))


def _returned():
    newer = Submission.objects.filter(
        case=OuterRef("case"), step=OuterRef("step"), submitted_at__gt=OuterRef("submitted_at")
    )
    return Exists(
        Submission.objects.filter(case=OuterRef("pk"), status=SubmissionStatus.RETURNED).exclude(
            Exists(newer)
        )
    )


def with_report(queryset, state: str):
    """The cases of `queryset` with a report in `state` (PENDING or RETURNED)."""
    return queryset.filter({PENDING: _pending, RETURNED: _returned}[state]())
