"""Where a case stands: each step done, open or locked (and why, and from when), the next step and
its dates. Pure reads of CaseFacts through the same rules the write path uses."""

import datetime as dt
from dataclasses import dataclass

from cases import steps
from cases.dates import add_months, add_years
from cases.rules import Attempt, CaseFacts, evaluate
from cases.rules.deadlines import APPROVAL_DEADLINES

# Codes whose findings describe *when* a step becomes possible, without any user input.
_TIMING_CODES = {"E03", "E04", "E10", "E14"}


@dataclass
class StepStatus:
    step: steps.Step
    state: str  # "done", "open" or "locked"
    done_on: dt.date | None = None
    reasons: tuple[str, ...] = ()
    earliest: dt.date | None = None
    due: dt.date | None = None


def available_steps(facts: CaseFacts) -> list[steps.Step]:
    return [s for s in steps.STEPS if s.code not in facts.done and all(r in facts.done for r in s.requires)]


def due_date(
    code: str, facts: CaseFacts, rules_2026: callable, today: dt.date | None = None
) -> dt.date | None:
    done = facts.done
    if code == "initial_talk" and "application" in done:
        return add_months(done["application"], 1)
    approval = APPROVAL_DEADLINES.get("admission_approval" if code == "committee_talk" else code)
    if approval and approval.meeting in done:  # the talk comes before the approval it prepares
        return add_months(done[approval.meeting], approval.due_months)
    if code == "admission_meeting" and "pre_review" in done and rules_2026(done["pre_review"]):
        return add_months(done["pre_review"], 1)
    if code == "oath" and "admission_approval" in done and rules_2026(done["admission_approval"]):
        return add_months(done["admission_approval"], 1)
    if code in ("conversion_application", "conversion_meeting") and facts.probation_end:
        return facts.probation_end
    if code == "activist_cultivation" and "activist_selection" in done:
        return next_assessment_due(done["activist_selection"], today or dt.date.today())
    return None


def next_assessment_due(activist_on: dt.date, today: dt.date) -> dt.date:
    """Half-yearly assessments fall due every 6 months from activist_selection."""
    n = 1
    while (due := add_months(activist_on, 6 * n)) < today:
        n += 1
    return due


def earliest_date(code: str, facts: CaseFacts) -> dt.date | None:
    done = facts.done
    candidates = [done[r] for r in steps.get(code).requires if r in done]
    if code == "target_selection" and "activist_selection" in done:
        candidates.append(add_years(done["activist_selection"], 1))
    if code == "conversion_meeting" and facts.probation_end:
        candidates.append(facts.probation_end)
    return max(candidates) if candidates else None


def step_statuses(facts: CaseFacts, rules) -> list[StepStatus]:
    """Every step's status on `rules.today` (rules: cases.facts.RuleContext)."""
    statuses = []
    for step in steps.STEPS:
        if step.code in facts.done:
            statuses.append(StepStatus(step, "done", done_on=facts.done[step.code]))
            continue
        missing = [steps.get(r).name for r in step.requires if r not in facts.done]
        if missing:
            waiting = facts.probation_end if step.code == "conversion_meeting" else None
            statuses.append(
                StepStatus(
                    step, "locked", reasons=tuple(f"须先完成「{m}」" for m in missing), earliest=waiting
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
    earliest = max((f.date for f in timing if f.date), default=earliest_date(step.code, facts))
    return StepStatus(
        step,
        "locked" if timing else "open",
        reasons=tuple(f.message for f in timing),
        earliest=earliest,
        due=due_date(step.code, facts, rules.is_2026, rules.today),
    )
