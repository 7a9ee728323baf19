"""Where a case stands: its stage and summary columns, each step done, open or locked (and why, and
from when), the next step and its dates. Pure reads of CaseFacts through the same rules the write path
uses; every date (earliest, due, hard limit) comes from the one table in cases/rules/deadlines.py. The
case page (cases/presenters.py) shows it; cases/services/summary.py saves its columns on the case."""

import datetime as dt
from dataclasses import dataclass

from cases import steps
from cases.context import RuleContext, case_facts
from cases.models import Case, Outcome, Stage
from cases.rules import Attempt, CaseFacts, deadlines, evaluate

# Codes whose findings describe *when* a step becomes possible, without any user input.
_TIMING_CODES = {"E03", "E04", "E10", "E14"}


@dataclass
class StepStatus:
    step: steps.Step
    state: str  # "done", "open" or "locked"
    done_on: dt.date | None = None
    reasons: tuple[str, ...] = ()
    earliest: dt.date | None = None  # 最早可于: never shown or counted as a due date
    due: dt.date | None = None  # 应于…前 (deadlines.Kind.DUE)
    limit: dt.date | None = None  # 最迟 (deadlines.Kind.LIMIT)


def available_steps(facts: CaseFacts) -> list[steps.Step]:
    return [s for s in steps.STEPS if s.code not in facts.done and all(r in facts.done for r in s.requires)]


def step_bounds(code: str, facts: CaseFacts, rules) -> deadlines.Bounds:
    """The table's dates for a step not yet recorded, on `rules.today` (cases.context.RuleContext)."""
    return deadlines.step_bounds(
        code, facts, today=rules.today, rule_set_on=rules.rule_set_on, add_workdays=rules.calendar.add
    )


def step_statuses(facts: CaseFacts, rules) -> list[StepStatus]:
    """Every step's status on `rules.today` (rules: cases.context.RuleContext)."""
    return [status_of(step, facts, rules) for step in steps.STEPS]


def status_of(step: steps.Step, facts: CaseFacts, rules) -> StepStatus:
    """One step's status: done, locked behind the steps it requires, or as open_status finds it."""
    if step.code in facts.done:
        return StepStatus(step, "done", done_on=facts.done[step.code])
    missing = [steps.get(r).name for r in step.requires if r not in facts.done]
    if missing:
        return StepStatus(
            step,
            "locked",
            reasons=tuple(f"须先完成「{m}」" for m in missing),
            earliest=deadlines.bound(deadlines.rule("E10", step.code), facts)
            if step.code == "conversion_meeting"
            else None,
        )
    return open_status(step, facts, rules)


def open_status(step, facts: CaseFacts, rules) -> StepStatus:
    """A step whose prerequisites are done: open now, or locked until a date (and why)."""
    attempt = Attempt(
        step=step,
        on=rules.today,
        case=facts,
        today=rules.today,
        rule_set=rules.rule_set_on(rules.today),
        rules_2026_confirmed=rules.settings_row.rules_2026_confirmed,
        data={"resolution": steps.Resolution.CONVERT},
        is_2026_date=rules.is_2026,
        workdays_between=rules.calendar.count,
    )
    timing = [f for f in evaluate(attempt) if f.code in _TIMING_CODES and f.blocks]
    bounds = step_bounds(step.code, facts, rules)
    return StepStatus(
        step,
        "locked" if timing else "open",
        reasons=tuple(f.message for f in timing),
        earliest=bounds.earliest,
        due=bounds.due,
        limit=bounds.limit,
    )


# Columns that only repeat what the records say (so a change to them is never an edit).
DERIVED_COLUMNS = (
    "next_step",
    "next_due",
    "next_earliest",
    "steps_done",
    "applied_on",
    "activist_on",
    "target_on",
)
# The columns summarize() sets (the case's consequences — probation dates, 党龄 — are set by the
# steps themselves, in step_decision).
SUMMARY_COLUMNS = ("stage", "outcome", "outcome_on", "materials_missing", *DERIVED_COLUMNS)


def summarize(case: Case, facts: CaseFacts, rules: RuleContext) -> None:
    """Set the summary columns from the facts of the case's current records (nothing saved)."""
    done = set(facts.done)
    stage = Stage.APPLICANT
    for code, status in steps.STATUS_STEPS.items():
        if code in done:
            stage = Stage(status)
    if stage == Stage.FULL_MEMBER and not case.full_member_on:
        stage = Stage.PROBATIONARY
    case.stage = stage
    case.steps_done = len(done)
    case.materials_missing = len(facts.missing_materials())
    case.applied_on = facts.done.get("application")
    case.activist_on = facts.done.get("activist_selection")
    case.target_on = facts.done.get("target_selection")

    open_steps = available_steps(facts) if case.is_open else []
    nxt = open_steps[0].code if open_steps else ""
    case.next_step = nxt
    case.next_due = case.next_earliest = None
    if nxt:
        status = open_status(steps.get(nxt), facts, rules)
        case.next_due, case.next_earliest = status.due, status.earliest
    if not nxt and "archiving" in done and case.is_open:
        case.outcome, case.outcome_on = Outcome.ARCHIVED, facts.done["archiving"]


@dataclass(frozen=True)
class OpenDeadline:
    """One deadline of a case not yet met, as the table of dates gives it (cases.CaseDeadline
    keeps it, with where it waits and who answers for it)."""

    key: str  # its identity within the case (cases.CaseDeadline.key)
    step: str
    rule: str
    kind: str  # deadlines.Kind
    title: str
    due_on: dt.date


_EVERY = {3: "每季度", 6: "每半年"}
_ENTRY_NAMES = {deadlines.ASSESSMENT: "考察", deadlines.THOUGHT_REPORT: "思想汇报"}


def open_deadlines(case: Case, facts: CaseFacts, rules) -> list[OpenDeadline]:
    """Every deadline of an open case not yet met on `rules.today`: each due date and hard limit of
    a step not yet recorded (the open period of a repeating one), and each earliest date the table
    marks as a notice, while its step may be done and none of its steps is. A closed, transferred
    or archived case has none."""
    if not case.is_open:
        return []
    found: dict[str, OpenDeadline] = {}
    for step in steps.STEPS:
        if step.code in facts.done:
            continue
        available = all(r in facts.done for r in step.requires)
        for deadline, day in deadlines.step_deadlines(
            step.code,
            facts,
            today=rules.today,
            rule_set_on=rules.rule_set_on,
            add_workdays=rules.calendar.add,
        ):
            if deadline.kind == deadlines.Kind.EARLIEST:
                if not (deadline.notice and available) or any(s in facts.done for s in deadline.steps):
                    continue
                key = (
                    f"{deadline.code}:{deadline.after}"
                    if len(deadline.steps) > 1
                    else f"{step.code}:{deadline.name}"
                )
            else:
                key = f"{step.code}:{deadline.name}"
            if deadline.repeats:
                key += f"#{deadlines.nth_open(deadline, step.code, facts)}"
            if key not in found:  # a notice shared by several steps: told once, at the first
                found[key] = OpenDeadline(
                    key, step.code, deadline.code, deadline.kind, _title(step, deadline, facts), day
                )
    return list(found.values())


def _title(step: steps.Step, deadline: deadlines.Deadline, facts: CaseFacts) -> str:
    if deadline.repeats:
        nth = deadlines.nth_open(deadline, step.code, facts)
        every = _EVERY.get(deadline.months, f"每{deadline.months}个月")
        return f"{step.name}：第{nth}次{_ENTRY_NAMES.get(deadline.counts, '')}（{every}）"
    if deadline.kind == deadlines.Kind.EARLIEST:
        if deadline.after == deadlines.PUBLICITY_END:
            return f"公示期满，可以{step.name}"
        return f"已可{step.name}"
    title = f"{step.name}最迟期限" if deadline.kind == deadlines.Kind.LIMIT else step.name
    return f"{title}（{deadline.code}）" if deadline.code else title


def step_status(case: Case, step: steps.Step) -> StepStatus:
    """When one step is due or becomes possible, for the hint above its form."""
    return status_of(step, case_facts(case), RuleContext.current())
