"""How the plans, the statistics and the 党内统计 tables count the case file — one definition each
(docs/counting.md §什么算一次 says the same in words; docs/statistics.md explains the boards).

- A step counts on the date its current record carries (StepRecord.on, is_current): an admission
  (发展党员) on the date of 上级党委审批 (admission_approval) — the day the committee makes the person a
  预备党员 —, a conversion on the date of its approval (conversion_approval), a new 入党积极分子 on the
  date of 推荐和确定入党积极分子, a 发展对象 on the date of 确定发展对象, an application on the date of
  the 入党申请书. A replaced record does not count; a later outcome (取消预备党员资格, 转出) does not
  undo an admission.
- It counts at the branch that held the case on that date (and every organization above it). A
  transfer (组织关系转出) copies the records done so far to the receiving branch's case; those copies
  (dated on or before the transfer) are not counted again there (`_NOT_A_COPY`).
- **The person's attributes** are read from the person's data as now recorded (人员信息), except age:
  35岁以下 = under 35 completed years (周岁) on the approval date (`cases.dates.age_on`; someone whose
  35th birthday is the approval date is 35, not under 35).
- **入党积极分子 on a day**: cases of the subtree whose 确定为入党积极分子 is on or before the day and
  which on that day were neither 发展对象 yet nor closed (a transferred file counts at its new branch
  from the transfer's date).

Pure reads: every query is scoped by branch ids or an organization's path, never by a user (callers
take them from a user's scope first, branches.selectors).
"""

import datetime as dt
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case as DbCase
from django.db.models import Count, Exists, ExpressionWrapper, F, IntegerField, Max, OuterRef, Q, Value, When
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear
from django.db.models.lookups import Exact, GreaterThan

from branches.models import Organization
from cases import steps
from cases.dates import age_on
from cases.models import Case, Education, Gender, Outcome, Publicity, Stage, StepRecord, TargetTally
from cases.rules import CaseFacts, PublicityFacts, deadlines

YOUTH_AGE = 35  # 35岁以下: age_on(birth, approval date) < 35
COLLEGE_OR_ABOVE = (Education.COLLEGE, Education.BACHELOR, Education.POSTGRADUATE)
MAJORITY_ETHNICITY = ("汉族", "汉")


APPLICATION = "application"
ACTIVIST = "activist_selection"
TARGET = "target_selection"
ADMISSION = "admission_approval"
CONVERSION = "conversion_approval"

# Not a transfer's copy: the case was opened here, or the record postdates the transfer.
_NOT_A_COPY = Q(case__transferred_from__isnull=True) | Q(on__gt=F("case__transferred_from__outcome_on"))


def counted(step: str | tuple[str, ...]):
    """The current records of `step` (or of each of several steps) that count (not transfer copies)."""
    codes = (step,) if isinstance(step, str) else step
    return StepRecord.objects.filter(step__in=codes, is_current=True).filter(_NOT_A_COPY)


def counted_records(step: str | tuple[str, ...], branch_ids):
    """`counted` at the branches `branch_ids`."""
    return counted(step).filter(case__branch_id__in=branch_ids)


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


def year_bounds(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


@dataclass(frozen=True)
class Admission:
    """One admission, with what the structure measures read."""

    case_id: int
    branch_id: int
    branch_path: str
    on: dt.date  # the approval date
    birth_date: dt.date
    gender: str
    education: str
    is_frontline: bool
    ethnicity: str


def admission_records():
    """Every admission ever (current 上级党委审批 records), a transfer's copy left out."""
    return counted(ADMISSION)


def admission_rows(records) -> list[Admission]:
    """`records` (admission records) as Admissions, oldest first (one query)."""
    rows = records.order_by("on", "pk").values_list(
        "case_id",
        "case__branch_id",
        "case__branch__path",
        "on",
        "case__person__birth_date",
        "case__person__gender",
        "case__person__education",
        "case__person__is_frontline",
        "case__person__ethnicity",
    )
    return [Admission(*row) for row in rows]


def admissions(org: Organization, year: int) -> list[Admission]:
    """The admissions of `org`'s subtree approved in `year`, oldest first (one query)."""
    first, last = year_bounds(year)
    return admission_rows(
        admission_records().filter(on__gte=first, on__lte=last, case__branch__path__startswith=org.path)
    )


@dataclass(frozen=True)
class Measure:
    """One structure measure of the year's admissions (a plan sets a target on each)."""

    key: str  # the plan's fields are <key>_mode and <key>_percent
    label: str
    rule: str  # how it is counted, in the words of docs/counting.md
    test: Callable[[Admission], bool]


MEASURES: tuple[Measure, ...] = (
    Measure(
        "youth",
        "35岁以下",
        "审批之日未满35周岁（35周岁生日恰为审批之日的，不计入）",
        lambda a: age_on(a.birth_date, a.on) < YOUTH_AGE,
    ),
    Measure("women", "女性", "人员信息中性别为女", lambda a: a.gender == Gender.FEMALE),
    Measure(
        "college",
        "大专及以上学历",
        "人员信息中学历为大专、本科或研究生",
        lambda a: a.education in COLLEGE_OR_ABOVE,
    ),
    Measure(
        "frontline",
        "生产工作一线",
        "人员信息中勾选了「生产工作一线」",
        lambda a: a.is_frontline,
    ),
    Measure(
        "minority",
        "少数民族",
        "人员信息中民族不是汉族",
        lambda a: (a.ethnicity or "").strip() not in MAJORITY_ETHNICITY,
    ),
)
MEASURE_BY_KEY = {m.key: m for m in MEASURES}


def in_subtree(path: str, org: Organization) -> bool:
    return path.startswith(org.path)


def by_branch(rows) -> dict[str, int]:
    return dict(rows.order_by().values_list("branch__path").annotate(n=Count("pk")))


def per_org(counts: dict[str, int]) -> Counter:
    """Counts by branch path, added up to every organization on the path (by id)."""
    totals = Counter()
    for path, n in counts.items():
        for part in path.strip("/").split("/"):
            totals[int(part)] += n
    return totals


def activists_by_branch(org: Organization, on: dt.date) -> dict[str, int]:
    """How many 入党积极分子 each branch of the subtree had on `on`, by branch path (one query).
    The same rule as `activist_span` (which the kept tallies count by)."""
    return by_branch(
        Case.objects.filter(branch__path__startswith=org.path, activist_on__lte=on)
        .filter(Q(target_on__isnull=True) | Q(target_on__gt=on))
        .filter(Q(outcome=Outcome.OPEN) | Q(outcome_on__gt=on))
        .filter(Q(transferred_from__isnull=True) | Q(transferred_from__outcome_on__lte=on))
    )


def activist_span(
    activist_on: dt.date, target_on, outcome: str, outcome_on, transferred: bool, transferred_on
) -> tuple[dt.date, dt.date | None] | None:
    """The days a case counts among its branch's 入党积极分子 (`activists_by_branch`, said as an
    interval): from `start` to the day before `end` (None: still), or None when never. It counts
    from its 确定积极分子 date — a transferred file from the transfer's date, if later — until it
    becomes a 发展对象 or the case ends (a closed case without an outcome date never counts)."""
    start = activist_on
    if transferred:
        if transferred_on is None:
            return None
        start = max(start, transferred_on)
    ends = [day for day in (target_on, None if outcome == Outcome.OPEN else outcome_on or dt.date.min) if day]
    end = min(ends, default=None)
    if end is not None and end <= start:
        return None
    return start, end


def new_activist_cases(cases):
    """`cases` made 入党积极分子 at their branch: a transferred file's 确定积极分子 only if after the transfer."""
    return cases.filter(activist_on__isnull=False).filter(
        Q(transferred_from__isnull=True) | Q(activist_on__gt=F("transferred_from__outcome_on"))
    )


def new_activists_by_branch(org: Organization, year: int) -> dict[str, int]:
    """How many cases each branch of the subtree made 入党积极分子 in `year`, by path (one query)."""
    first, last = year_bounds(year)
    return by_branch(
        new_activist_cases(
            Case.objects.filter(
                branch__path__startswith=org.path, activist_on__gte=first, activist_on__lte=last
            )
        )
    )


@dataclass(frozen=True)
class Projected:
    """A 发展对象 who could still be approved within the year (or no longer can: `blocked`)."""

    case_id: int
    branch_path: str
    name: str
    earliest: dt.date  # the earliest day the approval could be dated
    limit: dt.date | None  # E12's hard limit, once the 支部大会 has met

    @property
    def blocked(self) -> bool:
        return self.limit is not None and self.limit < self.earliest


def _facts_bounding(step: str) -> set[str]:
    """The steps whose dates the table reads to bound `step`: its prerequisites, what its entries
    count from and whose rule set judges them (no other record is read for the projection)."""
    entries = deadlines.for_step(step)
    return {*steps.get(step).requires, *(d.after for d in entries), *(d.rule_set_by for d in entries)} - {""}


_APPROVAL_FACTS = _facts_bounding(ADMISSION)


def approval_bounds(candidates, rules) -> list[tuple[int, int, str, deadlines.Bounds]]:
    """(case id, branch id, name, bounds) of each case of `candidates` (open 发展对象: 确定为发展对象
    done, 上级党委审批 not yet): the bounds the table of dates (cases.rules.deadlines) sets on its
    上级党委审批 — the earliest, the latest of its prerequisites' dates and every earliest date of
    the table (E14: the day after the 公示 ends, under the 2026 rules), and the hard limit (E12).
    `rules` is a cases.context.RuleContext (rule sets, calendar). Three queries. Kept for every
    open 发展对象 in cases.TargetTally (cases.tallies), which the projection reads."""
    candidates = candidates.order_by()  # the models' default orderings would join and sort for nothing
    rows = list(candidates.values_list("pk", "branch_id", "person__name", "person__birth_date"))
    facts = {pk: CaseFacts(birth_date=birth) for pk, _, _, birth in rows}
    records = StepRecord.objects.filter(case__in=candidates, is_current=True, step__in=_APPROVAL_FACTS)
    for case_id, step, on, rule_set in records.order_by().values_list("case_id", "step", "on", "rule_set"):
        facts[case_id].done[step] = on
        facts[case_id].rule_sets[step] = rule_set
    publicities = Publicity.objects.filter(case__in=candidates).order_by()
    for case_id, *values in publicities.values_list("case_id", "start_on", "end_on", "objections_resolved"):
        facts[case_id].publicities.append(PublicityFacts(*values))
    return [
        (
            pk,
            branch_id,
            name,
            deadlines.step_bounds(
                ADMISSION,
                facts[pk],
                today=rules.today,
                rule_set_on=rules.rule_set_on,
                add_workdays=rules.calendar.add,
            ),
        )
        for pk, branch_id, name, _ in rows
    ]


def projected_admissions(org: Organization, year: int, rules) -> list[Projected]:
    """The projection of `year`, the current year only (another year: none): every open case of the
    subtree at the stage 发展对象, with the earliest day its approval could be dated — the later of
    today and its bounds' earliest (`approval_bounds`) — and its hard limit. Projected: earliest
    within the year and not past the hard limit (`blocked`). Reads the bounds kept for every open
    发展对象 (cases.TargetTally, one query)."""
    today = rules.today
    if year != today.year:
        return []
    rows = TargetTally.objects.filter(branch__path__startswith=org.path).values_list(
        "case_id", "branch__path", "name", "earliest", "limit"
    )
    found = []
    for pk, path, name, first, limit in rows:
        earliest = max(today, first or today)
        if earliest.year == year:
            found.append(Projected(pk, path, name, earliest, limit))
    return sorted(found, key=lambda p: (p.earliest, p.case_id))


# ---- 党内统计 (partystats): stocks on a day, the probation's end, age in SQL --------------------------


def _approved_by(day: dt.date, step: str = ADMISSION):
    """Exists: the case's current record of `step` dated on or before `day` (a transfer's copy is
    a fact of the case too: the receiving branch holds a 预备党员, not a 发展对象)."""
    return Exists(StepRecord.objects.filter(case=OuterRef("pk"), step=step, is_current=True, on__lte=day))


def _held_on(day: dt.date) -> Q:
    """The case was this organization's on `day`: not closed (nor transferred out) by then, and — a
    transferred file — received by then. So a case counts once, where it was held on `day`."""
    return (Q(outcome=Outcome.OPEN) | Q(outcome_on__gt=day)) & (
        Q(transferred_from__isnull=True) | Q(transferred_from__outcome_on__lte=day)
    )


def standing_on(stage: str, day: dt.date, org: Organization):
    """The cases of `org`'s subtree that stood at `stage` (入党申请人, 入党积极分子 or 发展对象 — each
    apart: an 积极分子 is no longer counted as an 申请人) on `day`, where they were held that day."""
    cases = Case.objects.filter(branch__path__startswith=org.path).filter(_held_on(day))
    if stage == Stage.APPLICANT:
        return cases.filter(applied_on__lte=day).filter(Q(activist_on__isnull=True) | Q(activist_on__gt=day))
    if stage == Stage.ACTIVIST:
        return cases.filter(activist_on__lte=day).filter(Q(target_on__isnull=True) | Q(target_on__gt=day))
    if stage == Stage.TARGET:
        return cases.filter(target_on__lte=day).exclude(_approved_by(day))
    raise ValueError(stage)


def admissions_between(org: Organization, start: dt.date, end: dt.date):
    """The admissions (上级党委审批 records, not a transfer's copy) of `org`'s subtree dated start ≤ on ≤ end."""
    return admission_records().filter(on__gte=start, on__lte=end, case__branch__path__startswith=org.path)


def probation_ending_between(org: Organization, start: dt.date, end: dt.date):
    """The cases of `org`'s subtree whose first probation year (the table of dates:
    deadlines.probation_end of the 接收大会) ends start ≤ end ≤ `end`, where they were held on that
    day — counted once, where they were held at `end` (a transfer before `end` counts at the
    receiving branch, one after it at the sending branch)."""
    first, last = _starts_ending_between(start, end)
    return (
        Case.objects.filter(
            branch__path__startswith=org.path, probation_start__gte=first, probation_start__lte=last
        )
        .exclude(outcome=Outcome.TRANSFERRED_OUT, outcome_on__lte=end)
        .filter(Q(transferred_from__isnull=True) | Q(transferred_from__outcome_on__lte=end))
    )


def _starts_ending_between(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The 接收大会 dates whose probation (deadlines.probation_end) ends within start … end."""
    first = start - dt.timedelta(days=400)
    while deadlines.probation_end(first) < start:
        first += dt.timedelta(days=1)
    last = first
    while deadlines.probation_end(last + dt.timedelta(days=1)) <= end:
        last += dt.timedelta(days=1)
    return first, last


def conversions_by(day: dt.date):
    """Exists: the conversion (转正审批) approved on or before `day`."""
    return _approved_by(day, CONVERSION)


def age_sql(birth: str, on: str | dt.date):
    """周岁 in SQL: `birth` a date column, `on` a date column or a day (cases.dates.age_on; a 29
    February birthday is reached on 1 March in a common year here, a day later than age_on)."""
    if isinstance(on, dt.date):
        year, month, day = Value(on.year), Value(on.month), Value(on.day)
    else:
        year, month, day = ExtractYear(on), ExtractMonth(on), ExtractDay(on)
    before_birthday = DbCase(
        When(GreaterThan(ExtractMonth(birth), month), then=Value(1)),
        When(Exact(ExtractMonth(birth), month) & GreaterThan(ExtractDay(birth), day), then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return ExpressionWrapper(year - ExtractYear(birth) - before_birthday, output_field=IntegerField())
