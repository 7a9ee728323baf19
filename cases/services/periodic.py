"""Dated periodic entries (cases.PeriodicEntry): a half-yearly assessment or a quarterly 思想汇报
recorded under an open step 6 (activist_cultivation) or 21 (probation_education). Each one meets
the open period of its repeating deadline in the table of dates, so the next period's deadline
takes its place (the case's deadlines are saved again with its summary)."""

import datetime as dt

from django.utils import timezone

from cases import steps
from cases.context import case_facts
from cases.models import Case, EntryKind, EventKind, PeriodicEntry
from cases.permissions import Act, act_answer
from cases.rules import deadlines
from cases.services.actors import as_actor, granted, writes
from cases.services.errors import InvalidInput, StepNotAllowed, refuse_out_of_range
from cases.services.events import record_event
from cases.services.step_service import lock_case
from cases.services.summary import refresh_summary

# (step, entry) → the repeating deadline the entries meet.
COUNTED = {(step, d.counts): d for d in deadlines.TABLE if d.counts for step in d.steps}


@writes
def record_periodic_entry(*, case: Case, step_code: str, entry: str, on: dt.date, actor, note: str = ""):
    """Record one assessment or 思想汇报 dated `on` (refused: a step that keeps none, not started
    or already recorded, a date before the period started or after today)."""
    actor = as_actor(actor)
    deadline = COUNTED.get((step_code, entry))
    if deadline is None:
        raise InvalidInput("该步骤不登记此类定期事项")
    refuse_out_of_range(on)
    lock_case(case)
    grant = granted(act_answer(actor.user, case, Act.ENTRY))
    facts = case_facts(case)
    step = steps.get(step_code)
    if step_code in facts.done:
        raise StepNotAllowed(f"「{step.name}」已办理，无需再登记{EntryKind(entry).label}")
    started = deadlines.start_of(deadline, facts)
    if started is None:
        raise StepNotAllowed(
            f"须先完成「{steps.get(deadline.after).name}」，才能登记{EntryKind(entry).label}"
        )
    if on < started or on > timezone.localdate():
        raise InvalidInput(f"{EntryKind(entry).label}日期应在 {started} 至今天之间")
    nth = deadlines.nth_open(deadline, step_code, facts)
    saved = PeriodicEntry.objects.create(
        case=case, step=step_code, entry=entry, on=on, note=note, recorded_by=actor.user
    )
    label = f"第{nth}次{EntryKind(entry).label}"
    refresh_summary(case, actor.user, reason=f"登记{label}")
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.STEP,
        step=step_code,
        summary=f"登记{label}（{on}）",
        occurred_on=on,
        role=grant.recorded_role,
        org=grant.org,
        note=note,
    )
    return saved
