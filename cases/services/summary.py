"""Keep the case's summary columns (stage, next step, dates) in step with its records."""

from django.utils import timezone

from cases import progress, steps
from cases.facts import RuleContext, case_facts
from cases.models import Case, Stage
from cases.rules import CaseFacts

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
SUMMARY_COLUMNS = ("stage", "outcome", "outcome_on", *DERIVED_COLUMNS)


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
    case.applied_on = facts.done.get("application")
    case.activist_on = facts.done.get("activist_selection")
    case.target_on = facts.done.get("target_selection")

    open_steps = progress.available_steps(facts) if case.is_open else []
    nxt = open_steps[0].code if open_steps else ""
    case.next_step = nxt
    case.next_due = case.next_earliest = None
    if nxt:
        status = progress.open_status(steps.get(nxt), facts, rules)
        case.next_due, case.next_earliest = status.due, status.earliest
    if not nxt and "archiving" in done and case.is_open:
        case.outcome, case.outcome_on = "archived", facts.done["archiving"]


def refresh_summary(
    case: Case, user, reason: str, rules: RuleContext | None = None, facts: CaseFacts | None = None
) -> None:
    """Recompute and save the summary (with a field-history row by `user`, for `reason`)."""
    summarize(case, facts or case_facts(case), rules or RuleContext.current())
    case._history_user = user
    case._change_reason = reason
    case.updated_at = timezone.now()
    case.save()
