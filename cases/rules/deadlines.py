"""How long a committee may take to approve after the branch meeting (细则第二十三条、第三十条):
the rules (W03/E12), the next-step due dates and the desk's overdue marks all read this table."""

from dataclasses import dataclass


@dataclass(frozen=True)
class ApprovalDeadline:
    meeting: str  # the branch meeting the approval answers
    due_months: int  # W03 after this
    limit_months: int | None = None  # E12 after this (admission only)


APPROVAL_DEADLINES = {
    "admission_approval": ApprovalDeadline("admission_meeting", due_months=3, limit_months=6),
    "conversion_approval": ApprovalDeadline("conversion_meeting", due_months=3),
}
