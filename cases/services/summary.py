"""Keep the case's summary columns (stage, next step, dates) in step with its records."""

from django.utils import timezone

from cases import progress, steps
from cases.facts import case_facts, rule_set_on, rule_settings
from cases.models import Case, Stage
from cases.workdays import WorkdayCalendar


def refresh_summary(case: Case, user, reason: str, settings_row=None) -> None:
    records = list(case.records.filter(is_current=True))
    facts = case_facts(case, records=records)
    done = set(facts.done)
    settings_row = settings_row or rule_settings()

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
        status = progress.open_status(
            steps.get(nxt),
            facts,
            timezone.localdate(),
            lambda d: rule_set_on(d, settings_row),
            WorkdayCalendar().count,
            settings_row.rules_2026_confirmed,
        )
        case.next_due, case.next_earliest = status.due, status.earliest
    if not nxt and "archiving" in done and case.is_open:
        case.outcome, case.outcome_on = "archived", facts.done["archiving"]
    case._history_user = user
    case._change_reason = reason
    case.updated_at = timezone.now()
    case.save()
