"""Reads of the 党内统计 tables, scoped to a user: who may read them and where (cases.permissions.
partystats_orgs — committee officers and the department, over their subtree), and each table of an
organization (rolled up: its whole subtree) for a period, counted in SQL (one aggregate query per
table: one conditional count per cell), with the list of people behind any cell — the same
condition, so a cell and its list always agree. What counts is cases.counting's: an admission on
the date of 上级党委审批, a transfer's copy not counted again, a stock where the case was held on the
cut-off day."""

import datetime as dt
import functools
import operator
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.db.models import BigIntegerField, Count, F, Q, Value, When
from django.db.models import Case as DbCase
from django.http import Http404

from branches.models import Organization
from cases import counting
from cases.models import Case, Outcome, Stage
from cases.permissions import NO_PARTYSTATS, partystats_orgs, reading_root, reading_trail, reads_under
from partystats.tables import ALL, BY_KEY, LISTS_BY_KEY, NAME_LISTS, Cond, NameList, Table

HALF, YEAR = "half", "year"
PERIOD_KINDS = {HALF: "半年报（1月1日至6月30日）", YEAR: "年报（1月1日至12月31日）"}
STOCK_STAGES = {"targets": Stage.TARGET, "activists": Stage.ACTIVIST, "applicants": Stage.APPLICANT}
AGE_ON_APPROVAL, AGE_ON_CUTOFF = "approval", "cutoff"


@dataclass(frozen=True)
class Period:
    year: int
    kind: str  # HALF or YEAR

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def cutoff(self) -> dt.date:
        return dt.date(self.year, 6, 30) if self.kind == HALF else dt.date(self.year, 12, 31)

    @property
    def label(self) -> str:
        return f"{self.year}年{'半年报' if self.kind == HALF else '年报'}"

    @property
    def previous_year(self) -> "Period":
        return Period(self.year - 1, YEAR)


def age_on_setting() -> str:
    """At what date age is taken for the flows (发展党员, 转正): the 党委审批 date (default) or the
    cut-off day (settings.PARTYSTATS_AGE_ON). Stocks always take the cut-off day."""
    return getattr(settings, "PARTYSTATS_AGE_ON", AGE_ON_APPROVAL)


# ---- scope -----------------------------------------------------------------------------------------


def scope_root(user, org_id: int | None) -> Organization:
    """The organization a table is read for (cases.permissions.reading_root over the grants of a
    committee officer or the department)."""
    return reading_root(user, org_id, partystats_orgs(user), NO_PARTYSTATS)


def trail(user, root: Organization) -> list[Organization]:
    """The table's breadcrumb down to `root`, from the highest organization the user reads."""
    return reading_trail(user, root, partystats_orgs(user))


def may_read(user, org: Organization) -> bool:
    return reads_under(user, org, partystats_orgs(user))


def children(org: Organization) -> list[Organization]:
    return list(Organization.objects.filter(parent=org).order_by("path"))


# ---- the base of each table: which records or cases, with which prefixes ---------------------------


@dataclass(frozen=True)
class Base:
    queryset: object
    person: str  # prefix of the person's fields
    case: str  # prefix of the case's fields
    case_id: str  # the field that names the case


def bases(table: Table, org: Organization, period: Period) -> dict[str, Base]:
    """row key → base (a table's rows share one base, but for 转正's 预备期未满被取消: its own)."""
    if table.kind == "flow":
        records = counting.admissions_between(org, period.start, period.cutoff)
        on = "on" if age_on_setting() == AGE_ON_APPROVAL else period.cutoff
        base = Base(
            records.annotate(age=counting.age_sql("case__person__birth_date", on)),
            "case__person__",
            "case__",
            "case_id",
        )
        return {row.key: base for row in table.rows}
    if table.kind == "stock":
        cases = counting.standing_on(STOCK_STAGES[table.key], period.cutoff, org)
        base = Base(
            cases.annotate(age=counting.age_sql("person__birth_date", period.cutoff)), "person__", "", "pk"
        )
        return {row.key: base for row in table.rows}
    due = counting.probation_ending_between(org, period.start, period.cutoff).exclude(_cancelled_early())
    early = (
        Case.objects.filter(branch__path__startswith=org.path)
        .filter(outcome_on__gte=period.start, outcome_on__lte=period.cutoff)
        .filter(_cancelled_early())
    )
    on = "probation_end" if age_on_setting() == AGE_ON_APPROVAL else period.cutoff
    due_base = Base(due.annotate(age=counting.age_sql("person__birth_date", on)), "person__", "", "pk")
    early_base = Base(
        early.annotate(age=counting.age_sql("person__birth_date", "outcome_on")), "person__", "", "pk"
    )
    return {row.key: (early_base if row.key == "cancelled_early" else due_base) for row in table.rows}


def _cancelled_early() -> Q:
    return Q(outcome=Outcome.PROBATION_CANCELLED, outcome_on__lt=F("probation_end"))


def row_condition(table: Table, key: str, period: Period, base: Base) -> Q:
    """The row's condition; 转正's rows are decisions known on the cut-off day."""
    if table.kind != "conversion":
        return table.row(key).cond(base.person, base.case)
    cutoff = period.cutoff
    cancelled = Q(outcome=Outcome.PROBATION_CANCELLED, outcome_on__lte=cutoff)
    extended = Q(extension_months__gt=0) & ~cancelled
    converted = Q(counting.conversions_by(cutoff)) & ~cancelled & ~Q(extension_months__gt=0)
    return {
        "due": Q(),
        "decided": converted | extended | cancelled,
        "converted": converted,
        "extended": extended,
        "cancelled": cancelled,
        "pending": ~(converted | extended | cancelled),
        "cancelled_early": Q(),
    }[key]


def cell_condition(table: Table, row: str, column: str, period: Period, base: Base) -> Q:
    return row_condition(table, row, period, base) & table.column(column).cond(base.person, base.case)


# ---- the table --------------------------------------------------------------------------------------


@dataclass
class Counted:
    table: Table
    org: Organization
    period: Period
    cells: dict[tuple[str, str], int]

    def rows(self):
        for row in self.table.rows:
            yield row, [(col, self.cells[row.key, col.key]) for col in self.table.columns]

    @property
    def to_complete(self) -> int:
        """Cells of 「待补充」 lines holding anyone."""
        return sum(
            1
            for (r, c), n in self.cells.items()
            if n and (self.table.row(r).to_complete or self.table.column(c).to_complete)
        )


def _bits(conds: list[Q]):
    """One integer per counted row whose bit i says whether it meets condition i (SQL CASE on the
    same conditions as the cells' lists); a condition that holds for all (Q()) is a constant bit."""
    always = sum(1 << i for i, q in enumerate(conds) if not q)
    terms = [
        DbCase(When(q, then=Value(1 << i)), default=Value(0), output_field=BigIntegerField())
        for i, q in enumerate(conds)
        if q
    ]
    return functools.reduce(operator.add, terms, Value(always, output_field=BigIntegerField()))


def _set_bits(mask: int) -> list[int]:
    return [i for i in range(mask.bit_length()) if mask >> i & 1]


def count_table(table: Table, org: Organization, period: Period) -> Counted:
    """Every cell of `table` for `org`'s subtree and `period`: one grouped query per base. The rows
    are grouped in SQL by which row conditions and which column conditions they meet (two bit
    masks: a few hundred groups, whatever the number of cases); a cell is the sum of the groups
    meeting its row and its column."""
    by_base: dict[int, tuple[Base, list[str]]] = {}
    for key, base in bases(table, org, period).items():
        by_base.setdefault(id(base), (base, []))[1].append(key)
    columns = [c.key for c in table.columns]
    cells: dict[tuple[str, str], int] = {(r, c): 0 for r in table.row_keys for c in columns}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # JIT-compiling these wide CASE expressions is not worth it: EXPLAIN ANALYZE of the 转正
            # query at 1,000,000 cases spent 1.7 s of its 5.8 s compiling (bench/README.md).
            cursor.execute("SET LOCAL jit = off")
        _fold(table, by_base, columns, period, cells)
    return Counted(table, org, period, cells)


def _fold(table, by_base, columns, period, cells) -> None:
    for base, row_keys in by_base.values():
        row_mask = _bits([row_condition(table, r, period, base) for r in row_keys])
        column_mask = _bits([c.cond(base.person, base.case) for c in table.columns])
        groups = (
            base.queryset.order_by()
            .annotate(row_mask=row_mask, column_mask=column_mask)
            .values_list("row_mask", "column_mask")
            .annotate(n=Count(base.case_id))
        )
        for rows, cols, n in groups:
            for c in _set_bits(cols):
                for r in _set_bits(rows):
                    cells[row_keys[r], columns[c]] += n


PEOPLE_SHOWN = 500


def people(table: Table, org: Organization, period: Period, row: str, column: str, also: Cond = ALL):
    """The cases a cell counts (meeting `also` too: a name list), at most PEOPLE_SHOWN, with the
    person and branch (one query)."""
    base = bases(table, org, period)[row]
    ids = _listed(table, row, column, also, period, base).values(base.case_id)
    return (
        Case.objects.filter(pk__in=ids)
        .select_related("person", "branch")
        .order_by("branch__path", "person__name", "pk")[:PEOPLE_SHOWN]
    )


def _listed(table: Table, row: str, column: str, also: Cond, period: Period, base: Base):
    """The base's records in the cell `row` × `column` that also meet `also`."""
    cond = cell_condition(table, row, column, period, base) & also(base.person, base.case)
    return base.queryset.filter(cond)


def name_list_people(name_list: NameList, org: Organization, period: Period):
    table = BY_KEY[name_list.table]
    return people(table, org, period, name_list.row, name_list.column, name_list.cond)


def name_lists(table: Table, org: Organization, period: Period) -> list[tuple[NameList, int]]:
    """The name lists handed in beside `table`, with how many people each holds (one query each)."""
    found = []
    for name_list in NAME_LISTS:
        if name_list.table == table.key:
            base = bases(table, org, period)[name_list.row]
            n = _listed(table, name_list.row, name_list.column, name_list.cond, period, base).count()
            found.append((name_list, n))
    return found


def name_list_or_404(key: str) -> NameList:
    found = LISTS_BY_KEY.get(key)
    if found is None:
        raise Http404("没有该名单。")
    return found


def checks(counted: Counted) -> list[str]:
    """The 党统 reviewers' checks that fail: a total equals the sum of its rows."""
    table, problems = counted.table, []
    if not table.sums:
        return problems
    first = table.rows[0].key
    for col in table.columns:
        total = counted.cells[first, col.key]
        parts = sum(counted.cells[r, col.key] for r in table.sums)
        if total != parts:
            problems.append(f"「{col.label}」列：{table.rows[0].label} {total} ≠ 各行之和 {parts}")
    return problems


def frozen(table: Table, org: Organization, period: Period):
    """The latest frozen report of the table, org and period, or None."""
    from partystats.models import FrozenReport

    return (
        FrozenReport.objects.filter(table=table.key, org=org, year=period.year, kind=period.kind)
        .select_related("frozen_by")
        .first()
    )


def frozen_cells(report) -> dict[tuple[str, str], int]:
    return {tuple(key.split("|", 1)): n for key, n in report.cells.items()}


def differences(table: Table, report, counted: Counted) -> list[tuple[str, str, int, int]]:
    """(row, column, frozen, today) of every cell that changed since the report was frozen."""
    then = frozen_cells(report)
    return [
        (table.row(r).label, table.column(c).label, then.get((r, c), 0), n)
        for (r, c), n in counted.cells.items()
        if then.get((r, c), 0) != n and table.row(r) and table.column(c)
    ]


def opening_check(table: Table, org: Organization, period: Period) -> str | None:
    """A stock's opening (the stock on 31 December of last year, counted today) equals last year's
    closing as handed in (the frozen 年报): said when it does not (no frozen 年报: nothing to check)."""
    if table.kind != "stock":
        return None
    last = frozen(table, org, period.previous_year)
    if last is None:
        return None
    closing = last.cells.get(f"{table.rows[0].key}|total", 0)
    opening = counting.standing_on(STOCK_STAGES[table.key], period.start - dt.timedelta(days=1), org).count()
    if closing != opening:
        return f"期初数 {opening} 与上年已报送年报的期末数 {closing} 不一致"
    return None


LOCALITY_UNKNOWN = "locality_unknown"


def locality_check(counted: Counted) -> str | None:
    """Before handing in: the organizations not yet marked 乡（镇）/建制村/neither that developed people
    counted in the table (its row 「乡（镇）、建制村待补充」), each with how many — said when there are any."""
    table = counted.table
    if table.row(LOCALITY_UNKNOWN) is None or not counted.cells[LOCALITY_UNKNOWN, "total"]:
        return None
    base = bases(table, counted.org, counted.period)[LOCALITY_UNKNOWN]
    branch = base.case + "branch__"
    rows = (
        _listed(table, LOCALITY_UNKNOWN, "total", ALL, counted.period, base)
        .order_by()
        .values_list(branch + "path", branch + "name")  # by branch: two may share a name
        .annotate(n=Count(base.case_id))
        .order_by(branch + "path")
    )
    named = "、".join(f"{name} {n} 人" for _, name, n in rows)
    return (
        f"「乡（镇）、建制村」：以下党组织未标注乡（镇）、建制村属性（{named}），请在党组织信息中标注后再报送"
    )


def large_changes(counted: Counted) -> list[str]:
    """Cells that changed by more than settings.PARTYSTATS_CHANGE_SHARE against the same period of
    last year (a cell of 0 last year: any count of at least 5): each needs a written explanation,
    kept with the report when it is frozen."""
    share = getattr(settings, "PARTYSTATS_CHANGE_SHARE", 0.3)
    last_period = Period(counted.period.year - 1, counted.period.kind)
    last = count_table(counted.table, counted.org, last_period).cells
    found = []
    for row, cells in counted.rows():
        for col, n in cells:
            before = last[row.key, col.key]
            if (before and abs(n - before) / before > share) or (not before and n >= 5):
                found.append(f"{row.label}·{col.label}：{before} → {n}")
    return found


def table_or_404(key: str) -> Table:
    table = BY_KEY.get(key)
    if table is None:
        raise Http404("没有该报表。")
    return table
