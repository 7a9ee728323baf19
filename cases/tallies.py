"""Kept aggregates of the statistics: per branch, the open cases at each stage (StageTally) and, per
month, the counted records of each flow step and the side outcomes (FlowTally, with the structure
measures of the admissions, the new 入党积极分子 and the days cases join and leave the 入党积极分子);
per open 发展对象, the bounds on its approval (TargetTally: the plan's projection). They are what
cases.counting counts, stored so the department's pages read a few thousand rows instead of a
million cases.

- **Kept by the write path, in its transaction**: `keep(branch_ids)` recounts the branches' rows
  from the case file through cases.counting (the one definition) and replaces them. Every write
  that changes a case's stage, outcome, records or person passes through it: the live services
  through services.summary.refresh_summary (a step, a reopening, closing, transferring — both
  branches —, editing a person), the import's and the demo's bulk writer through
  services.backfill. A branch's rows are locked first (FOR NO KEY UPDATE of the organization), so
  two writers of one branch recount one after the other.
- **Rebuilt** from the case file by `manage.py rebuild_tallies` (after data written around the
  write path: SQL, the benchmark's seed, a test fixture).
- **Read** by `open_by_stage`, `flow`, `counts_between`, `last_dates` and `activists_on`, the same
  answers as their namesakes in cases.counting (tests/stats/test_tallies_read.py,
  tests/plans/test_kept_figures.py). A period ending inside a month reads that month's rows where
  they end by then; otherwise a part of a month is counted from the case file, so a figure never
  depends on the tallies' month grain.
"""

import datetime as dt

from django.db import transaction
from django.db.models import CharField, Count, DateField, F, Max, Q, Sum, Value
from django.db.models.functions import TruncMonth

from branches.models import Organization, OrgKind
from cases import counting
from cases.context import RuleContext
from cases.models import SIDE_OUTCOMES, Case, FlowTally, Outcome, Stage, StageTally, TargetTally

FLOW_KINDS = (
    counting.APPLICATION,
    counting.ACTIVIST,
    counting.TARGET,
    counting.ADMISSION,
    counting.CONVERSION,
)
# Kinds of the case columns: new 入党积极分子 (counting.new_activist_cases, by 确定积极分子 date), and
# the days a case joins and leaves its branch's 入党积极分子 (counting.activist_span): the
# activists on a day are those joined on or before it less those who left on or before it.
NEW_ACTIVIST = "new_activist"
ACTIVIST_IN, ACTIVIST_OUT = "activist_in", "activist_out"
SPAN_KINDS = (ACTIVIST_IN, ACTIVIST_OUT)
CASE_KINDS = (NEW_ACTIVIST, *SPAN_KINDS)
MEASURE_KEYS = tuple(m.key for m in counting.MEASURES)  # FlowTally's columns of the same names
CHUNK = 100  # branches recounted per round by `rebuild`


# ---- keeping -------------------------------------------------------------------------------------


def keep(branch_ids, rules: RuleContext | None = None) -> None:
    """Recount the tallies of `branch_ids` from the case file, in the caller's transaction (`rules`:
    the caller's RuleContext, else the current one)."""
    ids = sorted(set(branch_ids))
    if not ids:
        return
    with transaction.atomic():
        _lock(ids)
        StageTally.objects.filter(branch_id__in=ids).delete()
        FlowTally.objects.filter(branch_id__in=ids).delete()
        StageTally.objects.bulk_create(
            StageTally(branch_id=branch_id, stage=stage, n=n)
            for branch_id, stages in counting.open_by_stage(ids).items()
            for stage, n in stages.items()
        )
        FlowTally.objects.bulk_create(_flow_rows(ids), batch_size=2000)
        _keep_targets(ids, rules or RuleContext.current())


def _lock(ids: list[int]) -> None:
    """The branches' rows are recounted by one writer at a time (FOR NO KEY UPDATE, in id order)."""
    list(
        Organization.objects.select_for_update(no_key=True)
        .filter(pk__in=ids)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def _keep_targets(ids: list[int], rules: RuleContext) -> None:
    TargetTally.objects.filter(branch_id__in=ids).delete()
    targets = Case.objects.filter(branch_id__in=ids, outcome=Outcome.OPEN, stage=Stage.TARGET)
    TargetTally.objects.bulk_create(
        (
            TargetTally(case_id=pk, branch_id=branch_id, name=name, earliest=b.earliest, limit=b.limit)
            for pk, branch_id, name, b in counting.approval_bounds(targets, rules)
        ),
        batch_size=2000,
    )


def _branch_ids() -> list[int]:
    return list(Organization.objects.filter(kind=OrgKind.BRANCH).order_by("pk").values_list("pk", flat=True))


def refresh_targets() -> int:
    """The approval bounds of every open 发展对象 worked out again: they read the working-day calendar
    and the rule settings, so an edit of a holiday or of the 2026 rules' date moves them (cases.tasks
    runs this after such an edit commits). Returns the number of branches."""
    ids = _branch_ids()
    rules = RuleContext.current()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        with transaction.atomic():
            _lock(chunk)
            _keep_targets(chunk, rules)
    return len(ids)


def keep_for_cases(cases, rules: RuleContext | None = None) -> None:
    """Recount the branches of `cases` and of every other case of their people (an edited person
    changes the structure measures of an admission counted at the branch they left)."""
    ids = [c.pk for c in cases]
    branches = Case.objects.filter(person__cases__pk__in=ids).values_list("branch_id", flat=True)
    keep(set(branches) | {c.branch_id for c in cases}, rules)


def _flow_rows(ids: list[int]) -> list[FlowTally]:
    rows: dict[tuple[int, str, dt.date], FlowTally] = {}
    step_records = counting.counted_records(tuple(k for k in FLOW_KINDS if k != counting.ADMISSION), ids)
    grouped = (
        (step_records, "case__branch_id", F("step"), "on"),
        (
            counting.new_activist_cases(Case.objects.filter(branch_id__in=ids)),
            "branch_id",
            Value(NEW_ACTIVIST, output_field=CharField()),
            "activist_on",
        ),
        (
            Case.objects.filter(branch_id__in=ids, outcome__in=SIDE_OUTCOMES, outcome_on__isnull=False),
            "branch_id",
            F("outcome"),
            "outcome_on",
        ),
    )
    for rows_of, branch, kind, day in grouped:
        counted = (
            rows_of.annotate(tally_kind=kind, month=TruncMonth(day, output_field=DateField()))
            .values_list(branch, "tally_kind", "month")
            .annotate(n=Count("pk"), last=Max(day))
            .order_by()
        )
        for branch_id, kind_of, month, n, last in counted:
            rows[branch_id, kind_of, month] = FlowTally(
                branch_id=branch_id, kind=kind_of, month=month, n=n, last_on=last
            )
    for admission in counting.admission_rows(counting.counted_records(counting.ADMISSION, ids)):
        row = _count_day(rows, admission.branch_id, counting.ADMISSION, admission.on)
        for measure in counting.MEASURES:
            if measure.test(admission):
                setattr(row, measure.key, getattr(row, measure.key) + 1)
    for branch_id, kind, day in _span_events(Case.objects.filter(branch_id__in=ids)):
        _count_day(rows, branch_id, kind, day)
    return list(rows.values())


def _count_day(rows: dict, branch_id: int, kind: str, day: dt.date) -> FlowTally:
    """Count one more of `kind` on `day` into its month's row (made when missing)."""
    key = (branch_id, kind, day.replace(day=1))
    row = rows.get(key)
    if row is None:
        row = rows[key] = FlowTally(branch_id=branch_id, kind=kind, month=key[2], n=0, last_on=day)
    row.n += 1
    row.last_on = max(row.last_on, day)
    return row


def _span_events(cases):
    """(branch id, ACTIVIST_IN or ACTIVIST_OUT, day) of each of `cases` that was ever counted among
    its branch's 入党积极分子 (counting.activist_span)."""
    rows = cases.filter(activist_on__isnull=False).values_list(
        "branch_id",
        "activist_on",
        "target_on",
        "outcome",
        "outcome_on",
        "transferred_from_id",
        "transferred_from__outcome_on",
    )
    for (
        branch_id,
        activist_on,
        target_on,
        outcome,
        outcome_on,
        transferred,
        transferred_on,
    ) in rows.order_by():
        span = counting.activist_span(
            activist_on, target_on, outcome, outcome_on, transferred is not None, transferred_on
        )
        if span is not None:
            yield branch_id, ACTIVIST_IN, span[0]
            if span[1] is not None:
                yield branch_id, ACTIVIST_OUT, span[1]


@transaction.atomic
def rebuild() -> int:
    """Every branch's tallies recounted from the case file (rows of a branch no longer there
    dropped); returns the number of branches."""
    ids = _branch_ids()
    for model in (StageTally, FlowTally, TargetTally):
        model.objects.exclude(branch_id__in=ids).delete()
    rules = RuleContext.current()
    for start in range(0, len(ids), CHUNK):
        keep(ids[start : start + CHUNK], rules)
    return len(ids)


def snapshot() -> tuple[set, set, set]:
    """Every kept row as plain values (stage, flow, target rows): what the tests compare with a rebuild."""
    return (
        set(StageTally.objects.values_list("branch_id", "stage", "n")),
        set(FlowTally.objects.values_list("branch_id", "kind", "month", "n", "last_on", *MEASURE_KEYS)),
        set(TargetTally.objects.values_list("case_id", "branch_id", "name", "earliest", "limit")),
    )


# ---- reading -------------------------------------------------------------------------------------


def open_by_stage(branch_ids) -> dict[int, dict[str, int]]:
    """counting.open_by_stage, from the tallies (one query)."""
    found: dict[int, dict[str, int]] = {}
    for branch_id, stage, n in StageTally.objects.filter(branch_id__in=branch_ids).values_list(
        "branch_id", "stage", "n"
    ):
        found.setdefault(branch_id, {})[stage] = n
    return found


def _next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _whole_months(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last months (their first days) lying wholly within start … end."""
    first = start if start.day == 1 else _next_month(start)
    after = _next_month(end)
    last = (
        end.replace(day=1)
        if end + dt.timedelta(days=1) == after
        else end.replace(day=1) - dt.timedelta(days=1)
    )
    return first, last.replace(day=1)


def _edges(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The parts of start … end that lie in a month not wholly within it (at most two)."""
    first, last = _whole_months(start, end)
    if first > last:
        return [(start, end)]
    parts = []
    if start < first:
        parts.append((start, first - dt.timedelta(days=1)))
    if end >= _next_month(last):
        parts.append((_next_month(last), end))
    return parts


def _direct(kinds, branch_ids, start: dt.date, end: dt.date):
    """(branch id, kind, month, n, last date, *measures) counted from the case file for start … end
    (a part of a month): what the tallies hold for a whole month."""
    outcomes = [k for k in kinds if k not in FLOW_KINDS and k not in CASE_KINDS]
    others = tuple(k for k in kinds if k in FLOW_KINDS and k != counting.ADMISSION)
    found = []
    if counting.ADMISSION in kinds:
        for a in counting.admission_rows(
            counting.counted_records(counting.ADMISSION, branch_ids).filter(on__gte=start, on__lte=end)
        ):
            measures = [int(m.test(a)) for m in counting.MEASURES]
            found.append((a.branch_id, counting.ADMISSION, a.on.replace(day=1), 1, a.on, *measures))
    if others:
        records = (
            counting.counted_records(others, branch_ids)
            .filter(on__gte=start, on__lte=end)
            .values_list("case__branch_id", "step", "on")
        )
        found += [(b, s, on.replace(day=1), 1, on, *([0] * len(MEASURE_KEYS))) for b, s, on in records]
    zero = [0] * len(MEASURE_KEYS)
    if NEW_ACTIVIST in kinds:
        new = counting.new_activist_cases(
            Case.objects.filter(branch_id__in=branch_ids, activist_on__gte=start, activist_on__lte=end)
        ).values_list("branch_id", "activist_on")
        found += [(b, NEW_ACTIVIST, on.replace(day=1), 1, on, *zero) for b, on in new]
    if set(SPAN_KINDS) & set(kinds):
        within = (start, end)  # a case with a span's start or end in the period has one of these in it
        near = Case.objects.filter(branch_id__in=branch_ids).filter(
            Q(activist_on__range=within)
            | Q(target_on__range=within)
            | Q(outcome_on__range=within)
            | Q(transferred_from__outcome_on__range=within)
        )
        found += [
            (b, kind, day.replace(day=1), 1, day, *zero)
            for b, kind, day in _span_events(near)
            if kind in kinds and start <= day <= end
        ]
    if outcomes:
        ended = Case.objects.filter(
            branch_id__in=branch_ids, outcome__in=outcomes, outcome_on__gte=start, outcome_on__lte=end
        ).values_list("branch_id", "outcome", "outcome_on")
        found += [(b, o, on.replace(day=1), 1, on, *([0] * len(MEASURE_KEYS))) for b, o, on in ended]
    return found


def flow(kinds, branch_ids, start: dt.date, end: dt.date, by=("kind", "month")) -> dict[tuple, dict]:
    """{(the `by` values): {"n", "last_on", each measure key}} of the records of `kinds` (flow steps
    and side outcomes) dated start ≤ on ≤ end at `branch_ids`: the whole months from the tallies
    (one grouped query); a month ending after `end` from its tally rows where they end by then
    (one query), else — and a month begun before `start` — from the case file."""
    first, last = _whole_months(start, end)
    found: dict[tuple, dict] = {}

    def add(key, n, last_on, measures):
        cell = found.setdefault(key, {"n": 0, "last_on": None, **dict.fromkeys(MEASURE_KEYS, 0)})
        cell["n"] += n
        cell["last_on"] = last_on if cell["last_on"] is None else max(cell["last_on"], last_on)
        for k, v in zip(MEASURE_KEYS, measures, strict=True):
            cell[k] += v

    if first <= last:
        rows = (
            FlowTally.objects.filter(
                branch_id__in=branch_ids, kind__in=kinds, month__gte=first, month__lte=last
            )
            .values_list(*by)
            .annotate(Sum("n"), Max("last_on"), *(Sum(k) for k in MEASURE_KEYS))
            .order_by()
        )
        for row in rows:
            add(tuple(row[: len(by)]), row[len(by)], row[len(by) + 1], row[len(by) + 2 :])
    names = ("branch_id", "kind", "month")

    def add_row(row):
        values = dict(zip(names, row[:3], strict=True))
        add(tuple(values[b] for b in by), row[3], row[4], row[5:])

    parts = _edges(start, end)
    month = end.replace(day=1)
    if parts and parts[-1] == (month, end) and month >= start:
        # The period ends inside a month begun within it (today's, usually): a branch whose
        # rows of that month end on or before `end` counts them whole; any other branch counts
        # that part of the month from the case file.
        parts.pop()
        rows = list(
            FlowTally.objects.filter(branch_id__in=branch_ids, kind__in=kinds, month=month).values_list(
                "branch_id", "kind", "month", "n", "last_on", *MEASURE_KEYS
            )
        )
        later = {row[0] for row in rows if row[4] > end}
        for row in rows:
            if row[0] not in later:
                add_row(row)
        if later:
            for row in _direct(kinds, sorted(later), month, end):
                add_row(row)
    for part in parts:
        for row in _direct(kinds, branch_ids, *part):
            add_row(row)
    return found


def activists_on(branch_ids, day: dt.date) -> dict[int, int]:
    """{branch id: its 入党积极分子 on `day`} (counting.activists_by_branch), from the tallies: those
    who joined on or before the day less those who left on or before it."""
    cells = flow(SPAN_KINDS, branch_ids, dt.date.min, day, by=("branch_id", "kind"))
    found: dict[int, int] = {}
    for (branch_id, kind), cell in cells.items():
        found[branch_id] = found.get(branch_id, 0) + (cell["n"] if kind == ACTIVIST_IN else -cell["n"])
    return {branch_id: n for branch_id, n in found.items() if n}


def counts_between(step: str, branch_ids, start: dt.date, end: dt.date) -> dict[int, int]:
    """counting.counts_between, from the tallies."""
    cells = flow((step,), branch_ids, start, end, by=("branch_id",))
    return {branch_id: cell["n"] for (branch_id,), cell in cells.items() if cell["n"]}


def last_dates(step: str, branch_ids, before: dt.date) -> dict[int, dt.date]:
    """counting.last_dates up to `before` (records dated on or before it), from the tallies."""
    cells = flow((step,), branch_ids, dt.date.min, before, by=("branch_id",))
    return {branch_id: cell["last_on"] for (branch_id,), cell in cells.items()}
