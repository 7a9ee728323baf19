"""Where a case stands: each step done, open or locked (and why, and from when), the next step and
its dates. Pure reads of CaseFacts through the same rules the write path uses; every date (earliest,
due, hard limit) comes from the one table in cases/rules/deadlines.py."""

import datetime as dt
from dataclasses import dataclass

from cases import steps
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
    """The table's dates for a step not yet recorded, on `rules.today` (cases.facts.RuleContext)."""
    return deadlines.step_bounds(
        code, facts, today=rules.today, rule_set_on=rules.rule_set_on, add_workdays=rules.calendar.add
    )


def step_statuses(facts: CaseFacts, rules) -> list[StepStatus]:
    """Every step's status on `rules.today` (rules: cases.facts.RuleContext)."""
    statuses = []
    for step in steps.STEPS:
        if step.code in facts.done:
            statuses.append(StepStatus(step, "done", done_on=facts.done[step.code]))
            continue
        missing = [steps.get(r).name for r in step.requires if r not in facts.done]
        if missing:
            waiting = deadlines.bound(deadlines.rule("E10", "conversion_meeting"), facts)
            statuses.append(
                StepStatus(
                    step,
                    "locked",
                    reasons=tuple(f"须先完成「{m}」" for m in missing),
                    earliest=waiting if step.code == "conversion_meeting" else None,
                )
            )
            continue
        statuses.append(open_status(step, facts, rules))
    return statuses


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
