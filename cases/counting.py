"""Shared counting of the case file for statistics and plans: which records count, and when.

Kept small on purpose: each function answers one question the boards ask, from the step records,
and every count reads the same definition (docs/statistics.md says it in words):

- A step counts on the date its current record carries (StepRecord.on, is_current): an admission
  (发展党员) on the date of 上级党委审批 (admission_approval), a conversion on the date of its
  approval (conversion_approval), a new 入党积极分子 on the date of 推荐和确定入党积极分子, a
  发展对象 on the date of 确定发展对象, an application on the date of the 入党申请书.
- It counts at the branch that held the case on that date. A transfer (组织关系转出) copies the
  records done so far to the receiving branch's case; those copies (dated on or before the
  transfer) are not counted again there.
- Only the branches passed in are read: callers pass the ids of a scope (branches.selectors).
"""

import datetime as dt

from django.db.models import Count, F, Max, Q

from cases.models import Case, StepRecord

APPLICATION = "application"
ACTIVIST = "activist_selection"
TARGET = "target_selection"
ADMISSION = "admission_approval"
CONVERSION = "conversion_approval"

# Not a transfer's copy: the case was opened here, or the record postdates the transfer.
_NOT_A_COPY = Q(case__transferred_from__isnull=True) | Q(on__gt=F("case__transferred_from__outcome_on"))


def counted_records(step: str | tuple[str, ...], branch_ids):
    """The current records of `step` (or of each of several steps) at the branches `branch_ids`
    that count (not transfer copies)."""
    codes = (step,) if isinstance(step, str) else step
    return StepRecord.objects.filter(step__in=codes, is_current=True, case__branch_id__in=branch_ids).filter(
        _NOT_A_COPY
    )


def counts_between(step: str, branch_ids, start: dt.date, end: dt.date) -> dict[int, int]:
    """{branch id: records of `step` dated start ≤ on ≤ end}: e.g. a year's admissions."""
    rows = (
        counted_records(step, branch_ids)
        .filter(on__gte=start, on__lte=end)
        .values("case__branch_id")
        .annotate(n=Count("pk"))
    )
    return {row["case__branch_id"]: row["n"] for row in rows}


def last_dates(step: str, branch_ids, before: dt.date | None = None) -> dict[int, dt.date]:
    """{branch id: the latest date of `step` (on or before `before`, when given)}; a branch with none
    is absent."""
    qs = counted_records(step, branch_ids)
    if before is not None:
        qs = qs.filter(on__lte=before)
    rows = qs.values("case__branch_id").annotate(last=Max("on"))
    return {row["case__branch_id"]: row["last"] for row in rows}


def open_by_stage(branch_ids) -> dict[int, dict[str, int]]:
    """{branch id: {stage: open cases}}: the current pipeline (入党申请人 … 预备党员)."""
    rows = (
        Case.objects.filter(branch_id__in=branch_ids, outcome="")
        .values("branch_id", "stage")
        .annotate(n=Count("pk"))
    )
    found: dict[int, dict[str, int]] = {}
    for row in rows:
        found.setdefault(row["branch_id"], {})[row["stage"]] = row["n"]
    return found
