"""The one table of dates: every "not before X + N", "due by X + N" and "at the latest X + N" of the
细则 (product.md §4, rules-reference.md §3 and §6.3), each marked earliest / due / hard limit and by
rule set. The rules (checks.py), the case page's step statuses (cases/standing.py), the case list's next
dates (services/summary.py) and the desk's overdue marks (reviews/selectors.py) all read it; none
of them restates a number of months or days.

An earliest date is never a due date: a step dated before its EARLIEST is blocked, a step dated
after its DUE date is late (a warning, and an overdue mark until it is recorded), a step dated after
its LIMIT is blocked. Pure data and pure functions over CaseFacts; the working-day calendar and the
rule set of a date are passed in by the caller.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from cases import steps
from cases.dates import add_months
from cases.rules.facts import CaseFacts, PublicityFacts


class Kind(StrEnum):
    EARLIEST = "earliest"  # 最早可于: dated before it → blocked
    DUE = "due"  # 应于…前: dated after it → late (warning), overdue until recorded
    LIMIT = "limit"  # 最迟: dated after it → blocked


# Dates a deadline may count from, besides the date of a step (its code).
BIRTH = "birth"
PROBATION_END = "probation_end"
PUBLICITY_START = "publicity_start"
PUBLICITY_END = "publicity_end"

# What a repeating deadline counts: dated entries recorded under its step (cases.PeriodicEntry).
ASSESSMENT = "assessment"
THOUGHT_REPORT = "thought_report"

BOTH = ("2014", "2026")
ONLY_2026 = ("2026",)

PROBATION_MONTHS = 12  # 党章第七条: 预备期为一年，从支部大会通过之日算起

# The steps a 2026 公示 after the committee's agreement must precede (E14).
AFTER_TARGET_FILING = tuple(s.code for s in steps.STEPS if s.number > steps.get("target_filing").number)


@dataclass(frozen=True)
class Deadline:
    code: str  # the rule that enforces it ("" where none does: a date shown, never judged)
    steps: tuple[str, ...]  # the steps (or PUBLICITY_END) whose date it bounds
    kind: Kind
    after: str  # the step code, or BIRTH / PROBATION_END / PUBLICITY_*, it counts from
    months: int = 0
    days: int = 0
    workdays: int = 0  # counted on the working-day calendar (节假日、调休)
    rule_sets: tuple[str, ...] = BOTH
    rule_set_by: str = ""  # judged by the rule set of this step's date, not of the bounded step's
    repeats: bool = False  # falls due again every `months` until recorded (half-yearly assessments)
    counts: str = ""  # what a repeating deadline counts: the dated entries (ASSESSMENT, THOUGHT_REPORT)
    notice: bool = False  # an earliest date the responsible are told of (the case may now move)
    # False: a date of entries kept under the step (思想汇报), reminded but never the step's own date.
    bounds_step: bool = True
    source: str = ""

    @property
    def name(self) -> str:
        """Its identity within a case's deadlines of one step: the rule, or what it counts from."""
        return self.counts or self.code or self.after

    def date_from(self, start: dt.date, nth: int = 1, add_workdays: Callable | None = None) -> dt.date:
        """The bound for a period starting on `start` (the `nth` one, for a repeating deadline)."""
        if self.workdays:
            if add_workdays is None:
                raise ValueError(f"{self.code} counts working days: pass the calendar's add()")
            return add_workdays(start, self.workdays)
        return add_months(start, self.months * nth) + dt.timedelta(days=self.days)

    def missed_by(self, on: dt.date, bound: dt.date) -> bool:
        """Whether a step dated `on` falls on the wrong side of `bound`."""
        return on < bound if self.kind == Kind.EARLIEST else on > bound

    def latest_start_overdue(self, today: dt.date) -> dt.date:
        """The latest start date whose bound lies before `today` (for filters run in SQL)."""
        day = add_months(today, -self.months) - dt.timedelta(days=self.days) + dt.timedelta(days=4)
        while self.date_from(day) >= today:
            day -= dt.timedelta(days=1)
        return day


TABLE: tuple[Deadline, ...] = (
    Deadline(
        "E01", ("application",), Kind.EARLIEST, BIRTH, months=18 * 12, source="年满十八岁（党章第一条）"
    ),
    Deadline("W01", ("initial_talk",), Kind.DUE, "application", months=1, source="收到申请书后一个月内谈话"),
    Deadline(
        "",
        ("activist_cultivation",),
        Kind.DUE,
        "activist_selection",
        months=6,
        repeats=True,
        counts=ASSESSMENT,
        source="党支部每半年对入党积极分子进行一次考察",
    ),
    Deadline(
        "",
        ("activist_cultivation",),
        Kind.DUE,
        "activist_selection",
        months=3,
        repeats=True,
        counts=THOUGHT_REPORT,
        bounds_step=False,
        source="入党积极分子每季度至少递交一次思想汇报",
    ),
    Deadline(
        "E04",
        ("target_selection",),
        Kind.EARLIEST,
        "activist_selection",
        months=12,
        notice=True,
        source="培养一年以上",
    ),
    Deadline(
        "E14",
        (PUBLICITY_END,),
        Kind.EARLIEST,
        PUBLICITY_START,
        workdays=5,
        rule_sets=ONLY_2026,
        rule_set_by="target_filing",
        source="公示不少于五个工作日",
    ),
    Deadline(
        "E14",
        AFTER_TARGET_FILING,
        Kind.EARLIEST,
        PUBLICITY_END,
        days=1,
        rule_sets=ONLY_2026,
        rule_set_by="target_filing",
        notice=True,
        source="公示结束后方可列为发展对象",
    ),
    Deadline("W04", ("admission_meeting",), Kind.DUE, "pre_review", months=1, rule_sets=ONLY_2026),
    Deadline("W06", ("admission_meeting",), Kind.DUE, "political_review", months=12, source="政审一年内有效"),
    # The committee's talk prepares the approval, so it shares the approval's due date (never judged).
    Deadline("", ("committee_talk",), Kind.DUE, "admission_meeting", months=3),
    Deadline("W03", ("admission_approval",), Kind.DUE, "admission_meeting", months=3),
    Deadline("E12", ("admission_approval",), Kind.LIMIT, "admission_meeting", months=6),
    Deadline("W05", ("oath",), Kind.DUE, "admission_approval", months=1, rule_sets=ONLY_2026),
    Deadline(
        "",
        ("probation_education",),
        Kind.DUE,
        "admission_approval",
        months=3,
        repeats=True,
        counts=THOUGHT_REPORT,
        bounds_step=False,
        source="预备党员每季度递交一次思想汇报",
    ),
    Deadline("", ("conversion_application",), Kind.DUE, PROBATION_END, source="预备期满时提出转正申请"),
    # The probation's end is a notice to the branch (预备期满，应及时讨论转正), not a due date.
    Deadline(
        "E10",
        ("conversion_meeting",),
        Kind.EARLIEST,
        PROBATION_END,
        notice=True,
        source="预备期满方可讨论转正",
    ),
    Deadline("W03", ("conversion_approval",), Kind.DUE, "conversion_meeting", months=3),
    # 细则第三十七条/2026第三十六条 say only "及时"; one week is the local practice the
    # rules-reference cites (tccu.edu.cn: "转正后，党支部要在一周内…存入档案").
    Deadline("", ("archiving",), Kind.DUE, "conversion_approval", days=7, source="转正后及时归档（一周）"),
)


def _by_step() -> dict[str, tuple[Deadline, ...]]:
    """The table's entries on each step, in the table's order (read for every step decided)."""
    steps_named = dict.fromkeys(s for d in TABLE for s in d.steps)
    return {step: tuple(d for d in TABLE if step in d.steps) for step in steps_named}


BY_STEP = _by_step()

# (rule, step) → the first entry of that rule on that step, looked up once per rule per step decided.
_BY_RULE: dict[tuple[str, str], Deadline] = {}
for _step, _entries in BY_STEP.items():
    for _entry in _entries:
        _BY_RULE.setdefault((_entry.code, _step), _entry)


def rule(code: str, step: str) -> Deadline:
    """The entry a rule enforces on one step (e.g. rule("W03", "conversion_approval"))."""
    return _BY_RULE[code, step]


def rule_on(code: str, step: str) -> Deadline | None:
    """rule(), or None when the rule bounds no date of that step."""
    return _BY_RULE.get((code, step))


def for_step(step: str, kind: Kind | None = None) -> list[Deadline]:
    return [d for d in BY_STEP.get(step, ()) if kind is None or d.kind == kind]


# ---- dates derived from the table ------------------------------------------------------------------


def probation_end(admission_meeting_on: dt.date) -> dt.date:
    return add_months(admission_meeting_on, PROBATION_MONTHS)


def extended_probation_end(end: dt.date, extension_months: int) -> dt.date:
    return add_months(end, extension_months)


def publicity_after_agreement(facts: CaseFacts) -> PublicityFacts | None:
    """The 公示 that counts for E14: the latest-ending one started on or after the agreement."""
    agreed = facts.done.get("target_filing")
    if agreed is None:
        return None
    candidates = [p for p in facts.publicities if p.start_on >= agreed]
    return max(candidates, key=lambda p: p.end_on) if candidates else None


def entries_recorded(deadline: Deadline, step: str, facts: CaseFacts) -> int:
    """How many of the dated entries a repeating deadline counts are recorded under `step`."""
    return facts.entries.get(f"{step}:{deadline.counts}", 0)


def start_of(deadline: Deadline, facts: CaseFacts) -> dt.date | None:
    """The date `deadline` counts from in this case, or None while it is unknown."""
    if deadline.after == BIRTH:
        return facts.birth_date
    if deadline.after == PROBATION_END:
        return facts.probation_end
    if deadline.after in (PUBLICITY_START, PUBLICITY_END):
        pub = publicity_after_agreement(facts)
        return None if pub is None else (pub.start_on if deadline.after == PUBLICITY_START else pub.end_on)
    return facts.done.get(deadline.after)


def nth_open(deadline: Deadline, step: str, facts: CaseFacts) -> int:
    """Which period of a repeating deadline is open: the first whose entry is not yet recorded."""
    return entries_recorded(deadline, step, facts) + 1 if deadline.repeats else 1


def bound(
    deadline: Deadline, facts: CaseFacts, add_workdays: Callable | None = None, step: str = ""
) -> dt.date | None:
    """The deadline's date in this case (the first entry not yet recorded, for a repeating one)."""
    start = start_of(deadline, facts)
    if start is None:
        return None
    nth = nth_open(deadline, step or deadline.steps[0], facts)
    return deadline.date_from(start, nth, add_workdays)


@dataclass(frozen=True)
class Bounds:
    earliest: dt.date | None = None
    due: dt.date | None = None
    limit: dt.date | None = None


def step_bounds(
    step: str,
    facts: CaseFacts,
    *,
    today: dt.date,
    rule_set_on: Callable[[dt.date], str],
    add_workdays: Callable | None = None,
) -> Bounds:
    """When a step not yet recorded may, should and must at the latest be done.

    Earliest: its prerequisites' dates and every EARLIEST entry. A due or limit applies under the
    rule set in force on the later of its date and today (a step recorded then is judged by it);
    an entry with `rule_set_by` applies by the rule set of that step's date."""
    earliest = [facts.done[r] for r in steps.get(step).requires if r in facts.done]
    due, limit = [], []
    for deadline, day in step_deadlines(
        step, facts, today=today, rule_set_on=rule_set_on, add_workdays=add_workdays
    ):
        if not deadline.bounds_step:
            continue
        {Kind.EARLIEST: earliest, Kind.DUE: due, Kind.LIMIT: limit}[deadline.kind].append(day)
    return Bounds(max(earliest, default=None), min(due, default=None), min(limit, default=None))


def step_deadlines(
    step: str,
    facts: CaseFacts,
    *,
    today: dt.date,
    rule_set_on: Callable[[dt.date], str],
    add_workdays: Callable | None = None,
) -> list[tuple[Deadline, dt.date]]:
    """Each entry of the table that bounds a step not yet recorded, with its date in this case:
    those whose start is known and whose rule set applies (see step_bounds). What the step's
    status, the case list's next dates and the materialized deadlines (cases.CaseDeadline) read."""
    found = []
    for deadline in for_step(step):
        day = bound(deadline, facts, add_workdays, step=step)
        if day is None:
            continue
        if deadline.rule_set_by:
            judged_on = facts.done.get(deadline.rule_set_by)
        else:
            judged_on = day if deadline.kind == Kind.EARLIEST else max(day, today)
        if judged_on is None or rule_set_on(judged_on) not in deadline.rule_sets:
            continue
        found.append((deadline, day))
    return found
