"""Reads of the statistics boards, always scoped to a user: an organization outside the user's
grants is a 404 (branches.selectors.organizations_visible_to is the one scope). Each board reads a
fixed number of queries, whatever the number of branches (grouped counts, rolled up in memory)."""

import datetime as dt
import math
import statistics
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import (
    Aggregate,
    CharField,
    Count,
    DateField,
    F,
    FloatField,
    Func,
    IntegerField,
    Min,
    OuterRef,
    Q,
    Subquery,
    Value,
    When,
)
from django.db.models import Case as DbCase
from django.db.models.functions import Cast, Substr

from branches.models import Organization, OrgKind
from cases import counting, tallies
from cases.models import SIDE_OUTCOMES, Case, CaseDeadline, DeadlineKind, Outcome, Stage
from cases.permissions import NO_STATISTICS, reading_root, reading_trail, statistics_orgs
from stats import colours
from stats.models import ACTION_FOR, BoardSettings, BranchColour, Colour, FollowUp

# The stages a case waits in (an open full member only awaits archiving), and the date it entered each.
WAITING_STAGES = (Stage.APPLICANT, Stage.ACTIVIST, Stage.TARGET, Stage.PROBATIONARY)
STAGE_ENTERED = {
    Stage.APPLICANT: "applied_on",
    Stage.ACTIVIST: "activist_on",
    Stage.TARGET: "target_on",
    Stage.PROBATIONARY: "probation_start",
}
# The monthly flow: what each column counts.
FLOW_STEPS = (
    ("applications", "入党申请", counting.APPLICATION),
    ("activists", "确定积极分子", counting.ACTIVIST),
    ("targets", "确定发展对象", counting.TARGET),
    ("admissions", "发展党员", counting.ADMISSION),
    ("conversions", "按期转正", counting.CONVERSION),
)
STALLED_SHOWN = 20


def scope_root(user, org_id: int | None) -> Organization:
    """The organization a board is read for (cases.permissions.reading_root over every role held)."""
    return reading_root(user, org_id, statistics_orgs(user), NO_STATISTICS)


def trail(user, root: Organization) -> list[Organization]:
    """The board's breadcrumb down to `root`, from the highest organization the user reads."""
    return reading_trail(user, root, statistics_orgs(user))


def branches_under(root: Organization) -> list[Organization]:
    return list(Organization.objects.filter(path__startswith=root.path, kind=OrgKind.BRANCH).order_by("path"))


def _child_of(root: Organization, children: list[Organization], org_path: str) -> Organization | None:
    for child in children:
        if org_path.startswith(child.path):
            return child
    return None


# ---- 3. Stage counts, the monthly flow, time in stage ------------------------------------------


@dataclass
class StageRow:
    org: Organization
    counts: dict[str, int] = field(default_factory=dict)
    drill: bool = False  # has organizations below it

    @property
    def cells(self) -> list[int]:
        return [self.counts.get(stage, 0) for stage in Stage.values]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def stage_tree(root: Organization, branches: list[Organization]) -> tuple[list[StageRow], StageRow]:
    """Open cases by stage for each organization directly under `root` (its subtree summed), and
    the total of `root`."""
    children = list(Organization.objects.filter(parent=root).order_by("path"))
    has_children = set(
        Organization.objects.filter(parent__in=children).values_list("parent_id", flat=True).distinct()
    )
    rows = [StageRow(child, drill=child.pk in has_children) for child in children]
    by_pk = {row.org.pk: row for row in rows}
    total = StageRow(root)
    path_of = {b.pk: b.path for b in branches}
    for branch_id, stages in tallies.open_by_stage(list(path_of)).items():
        child = _child_of(root, children, path_of[branch_id])
        for stage, n in stages.items():
            total.counts[stage] = total.counts.get(stage, 0) + n
            if child is not None:
                row = by_pk[child.pk]
                row.counts[stage] = row.counts.get(stage, 0) + n
    return rows, total


def months_between(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return months


def monthly_flow(branch_ids: list[int], start: dt.date, end: dt.date) -> list[dict]:
    """One row per month from `start`'s to `end`'s: each step's records dated in the month (see
    FLOW_STEPS) and the side outcomes (their outcome_on in the month), by kind and in total —
    read from the kept tallies (cases.tallies.flow: one grouped query for whole months)."""
    months = months_between(start, end)
    first, last = months[0], end
    rows = {m: {"month": m, **{key: 0 for key, _, _ in FLOW_STEPS}, "side": 0, "sides": {}} for m in months}
    key_of = {code: key for key, _, code in FLOW_STEPS}
    cells = tallies.flow((*key_of, *SIDE_OUTCOMES), branch_ids, first, last, by=("kind", "month"))
    for (kind, month), cell in sorted(cells.items(), key=lambda item: (item[0][1], str(item[0][0]))):
        if kind in key_of:
            rows[_month(month)][key_of[kind]] += cell["n"]
            continue
        row = rows[_month(month)]
        row["side"] += cell["n"]
        label = Outcome(kind).label
        row["sides"][label] = row["sides"].get(label, 0) + cell["n"]
    return list(rows.values())


def _month(value) -> dt.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return value.replace(day=1)


def percentile(values: list[int], share: float) -> int | None:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _entered():
    return DbCase(
        *(When(stage=stage, then=F(column)) for stage, column in STAGE_ENTERED.items()),
        output_field=DateField(),
    )


class _Percentile(Aggregate):
    """PostgreSQL's ordered-set aggregate: percentile_cont (interpolated: the median of an even
    count is the mean of the middle two, as statistics.median) or percentile_disc (nearest rank, as
    `percentile`: row ceil(share × n), computed in double precision by both)."""

    template = "%(function)s(%(share)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, *, function: str, share: float):
        super().__init__(expression, function=function, share=float(share), output_field=FloatField())


def _days_since(today: dt.date, entered):
    """today − `entered` in whole days (PostgreSQL: date − date is an integer)."""
    return Func(
        Cast(Value(today), DateField()),
        entered,
        arg_joiner=" - ",
        template="(%(expressions)s)",
        output_field=IntegerField(),
    )


@dataclass
class TimeRow:
    org: Organization
    figures: dict[str, tuple[int, int | None, int | None]] = field(default_factory=dict)

    def add(self, stage: str, days: list[int]) -> None:
        median = round(statistics.median(days)) if days else None
        self.figures[stage] = (len(days), median, percentile(days, 0.9))

    @property
    def cells(self) -> list[tuple[int, int | None, int | None]]:
        """(cases, median, 90th percentile) in days, per waiting stage."""
        return [self.figures.get(stage, (0, None, None)) for stage in WAITING_STAGES]


def time_in_stage(root: Organization, branches: list[Organization], today: dt.date) -> list[TimeRow]:
    """Days each open case has spent in its current stage (today − the date it entered it), per
    organization directly under `root` (a branch root: the branch itself): how many, the median
    and the 90th percentile (nearest rank). On PostgreSQL the database computes them (one grouped
    query, percentile_cont / percentile_disc); elsewhere (SQLite) the days are read and counted
    here — the same figures."""
    children = list(Organization.objects.filter(parent=root).order_by("path")) or [root]
    rows = {child.pk: TimeRow(child) for child in children}
    path_of = {b.pk: b.path for b in branches}
    found = (
        Case.objects.filter(branch_id__in=list(path_of), outcome="", stage__in=WAITING_STAGES)
        .annotate(entered=_entered())
        .filter(entered__isnull=False)
    )
    if connection.vendor == "postgresql":
        return _time_in_stage_sql(root, children, rows, found, today)
    days: dict[tuple[int, str], list[int]] = {}
    for branch_id, stage, entered in found.values_list("branch_id", "stage", "entered"):
        child = _child_of(root, children, path_of[branch_id])
        if child is not None:
            days.setdefault((child.pk, stage), []).append((today - entered).days)
    for (child_pk, stage), values in days.items():
        rows[child_pk].add(stage, values)
    return list(rows.values())


def _time_in_stage_sql(root, children, rows, found, today) -> list[TimeRow]:
    if children == [root]:
        under = Value(str(root.pk))
    else:  # the id after root's path in the branch's materialized path: the child it lies under
        under = Func(
            Substr("branch__path", len(root.path) + 1),
            Value("/"),
            Value(1),
            function="split_part",
            output_field=CharField(),
        )
    days = _days_since(today, F("entered"))
    figures = (
        found.annotate(under=under)
        .values("under", "stage")
        .annotate(
            n=Count("pk"),
            median=_Percentile(days, function="percentile_cont", share=0.5),
            p90=_Percentile(days, function="percentile_disc", share=0.9),
        )
        .order_by()
    )
    for row in figures:
        child = rows.get(int(row["under"]))
        if child is not None:
            child.figures[row["stage"]] = (row["n"], round(row["median"]), int(row["p90"]))
    return list(rows.values())


def stalled_cases(branch_ids: list[int], today: dt.date, limit: int = STALLED_SHOWN) -> list[Case]:
    """The open cases longest in their current stage, longest first (each with .entered, .days).
    Two queries: which (from the open cases' index alone: open_case_entered), then those cases."""
    waiting = (
        Case.objects.filter(branch_id__in=branch_ids, outcome="", stage__in=WAITING_STAGES)
        .annotate(entered=_entered())
        .filter(entered__isnull=False)
    )
    pks = list(waiting.order_by("entered", "pk").values_list("pk", flat=True)[:limit])
    cases = sorted(
        waiting.filter(pk__in=pks).select_related("person", "branch"), key=lambda c: (c.entered, c.pk)
    )
    for case in cases:
        case.days = (today - case.entered).days
    return cases


# ---- 4. 三年以上未发展党员 ------------------------------------------------------------------------


@dataclass
class DormantRow:
    branch: Organization
    last_admission: dt.date | None
    activists: int
    targets: int


def dormant_branches(branches: list[Organization], today: dt.date) -> list[DormantRow]:
    """Branches with no admission since 1 January of the year red_years − 1 before today's
    (default: none in the last three calendar years, this one included), never-admitted first."""
    settings = BoardSettings.current()
    cutoff = colours.red_cutoff(settings, today)
    ids = [b.pk for b in branches]
    last = tallies.last_dates(counting.ADMISSION, ids, before=today)
    pipeline = tallies.open_by_stage(ids)
    rows = [
        DormantRow(
            b,
            last.get(b.pk),
            pipeline.get(b.pk, {}).get(Stage.ACTIVIST, 0),
            pipeline.get(b.pk, {}).get(Stage.TARGET, 0),
        )
        for b in branches
        if last.get(b.pk) is None or last[b.pk] < cutoff
    ]
    return sorted(rows, key=lambda r: (r.last_admission or dt.date.min, r.branch.path))


# ---- 5. 四色研判 ------------------------------------------------------------------------------


@dataclass
class Tile:
    branch: Organization
    judged: BranchColour | None
    activists: int = 0
    targets: int = 0
    overdue: int = 0
    e12: int = 0
    needed: int = 0  # the pipeline the ratio asks for
    follow_ups: list[FollowUp] = field(default_factory=list)

    @property
    def colour(self) -> str:
        return self.judged.colour if self.judged else ""

    @property
    def colour_label(self) -> str:
        return Colour(self.colour).label if self.judged else "未研判"

    @property
    def suggested(self) -> str:
        action = ACTION_FOR.get(Colour(self.colour)) if self.judged else None
        return action.label if action else ""

    @property
    def thin_pipeline(self) -> bool:
        return self.activists + self.targets < self.needed

    @property
    def warnings(self) -> list[str]:
        found = []
        if self.overdue:
            found.append(f"逾期未办期限 {self.overdue} 项")
        if self.e12:
            found.append(f"超过审批最长期限（E12）{self.e12} 人")
        if self.thin_pipeline:
            found.append(
                f"培养梯队不足：积极分子和发展对象 {self.activists + self.targets} 人，应不少于 {self.needed} 人"
            )
        return found

    @property
    def open_follow_ups(self) -> int:
        return sum(1 for f in self.follow_ups if not f.done)


def latest_colours(branch_ids: list[int]) -> dict[int, BranchColour]:
    newest = BranchColour.objects.filter(branch=OuterRef("branch")).order_by("-on").values("on")[:1]
    rows = BranchColour.objects.filter(branch_id__in=branch_ids, on=Subquery(newest))
    return {row.branch_id: row for row in rows}


def overdue_counts(branch_ids: list[int], today: dt.date) -> dict[int, tuple[int, int]]:
    """{branch id: (open due dates and hard limits past, of which E12)} of its cases (cases.CaseDeadline).
    Only an open case has open deadlines (a case that ends has its deadlines met that day), so the
    open cases' index (open_case_entered) answers which branch each belongs to."""
    rows = (
        CaseDeadline.objects.filter(
            case__branch_id__in=branch_ids,
            case__outcome=Outcome.OPEN,
            met_on__isnull=True,
            kind__in=(DeadlineKind.DUE, DeadlineKind.LIMIT),
            due_on__lt=today,
        )
        .values("case__branch_id")
        .annotate(n=Count("pk"), e12=Count("pk", filter=Q(rule="E12")))
    )
    return {row["case__branch_id"]: (row["n"], row["e12"]) for row in rows}


def plan_ratios(branches: list[Organization], year: int) -> dict[int, tuple[int, int]]:
    """{branch id: (activists per admission, minimum admissions per branch)} from the year's plan
    that holds them — the branch's own, else the nearest organization above it with one (the
    committee's plan for its branches); a branch under no plan is absent (the board's settings
    apply). One query."""
    from plans.models import Plan  # noqa: PLC0415 - stats reads plans; plans does not read stats

    on_paths = {pk for b in branches for pk in b.ancestor_ids} if branches else set()
    plans = {
        p.org_id: (p.activists_per_admission, p.min_admissions_per_branch)
        for p in Plan.objects.filter(year=year, org_id__in=on_paths)
    }
    found = {}
    for b in branches:
        for pk in reversed(b.ancestor_ids):
            if pk in plans:
                found[b.pk] = plans[pk]
                break
    return found


def _needed(ratio: tuple[int, int], admitted: int) -> int:
    per_admission, minimum = ratio
    return per_admission * max(minimum, admitted)


def board(branches: list[Organization], today: dt.date, colour: str | None = None) -> list[Tile]:
    """Every branch's tile: its latest colour, the live warnings and the follow-ups recorded."""
    settings = BoardSettings.current()
    ids = [b.pk for b in branches]
    judged = latest_colours(ids)
    pipeline = tallies.open_by_stage(ids)
    overdue = overdue_counts(ids, today)
    year_admissions = tallies.counts_between(counting.ADMISSION, ids, dt.date(today.year, 1, 1), today)
    default_ratio = (settings.pipeline_ratio, settings.min_per_branch)
    ratios = plan_ratios(branches, today.year)
    follow_ups: dict[int, list[FollowUp]] = {}
    for item in FollowUp.objects.filter(branch_id__in=ids).select_related("by"):
        follow_ups.setdefault(item.branch_id, []).append(item)
    tiles = []
    for b in branches:
        stages = pipeline.get(b.pk, {})
        late, e12 = overdue.get(b.pk, (0, 0))
        tiles.append(
            Tile(
                b,
                judged.get(b.pk),
                activists=stages.get(Stage.ACTIVIST, 0),
                targets=stages.get(Stage.TARGET, 0),
                overdue=late,
                e12=e12,
                needed=_needed(ratios.get(b.pk, default_ratio), year_admissions.get(b.pk, 0)),
                follow_ups=follow_ups.get(b.pk, []),
            )
        )
    if colour is not None:
        tiles = [t for t in tiles if t.judged and t.colour == colour]
    return tiles


def colour_history(branch: Organization, today: dt.date) -> list[tuple[str, colours.Judgement]]:
    """The branch's colour at the end of each half-year (the current one: today), judged from the
    records as they stand, from the half-year of its first case (or this one) on."""
    settings = BoardSettings.current()
    records = list(
        counting.counted_records((counting.ADMISSION, counting.ACTIVIST), [branch.pk]).values_list(
            "step", "on"
        )
    )
    first = Case.objects.filter(branch=branch).aggregate(first=Min("created_at"))["first"]
    start = min([on for _, on in records] + ([first.date()] if first else []) + [today])
    start = max(start, dt.date(today.year - 5, 1, 1))  # five years back at most
    history = []
    for end in colours.half_year_ends(start, today):
        dates = colours.BranchDates(
            last_admission=max(
                (on for s, on in records if s == counting.ADMISSION and on <= end), default=None
            ),
            last_activist=max(
                (on for s, on in records if s == counting.ACTIVIST and on <= end), default=None
            ),
        )
        history.append((colours.half_year_label(end), colours.judge(dates, settings, end)))
    return history
