"""perform_step: the write path for one step of a case already in the database (forms, the desk,
commands), by a user acting now (Authority.LIVE). It locks the case, resolves who acts, lets
step_decision decide, raises the decision's refusal (StepNotAllowed, StepBlocked,
WarningsNeedReason), then saves what was decided."""

from django.utils import timezone

from cases import steps
from cases.context import RuleContext
from cases.models import Case, StepRecord, SubmissionStatus
from cases.permissions import pending_report, pending_reports, step_answer
from cases.services.actors import as_actor, granted, writes
from cases.services.events import record_event
from cases.services.meetings import insert_meeting
from cases.services.recorded_people import save_people
from cases.services.step_decision import (
    Authority,
    CaseState,
    StepInput,
    StepWrite,
    decide_step,
    refuse_if_recorded,
)
from cases.services.summary import refresh_summary


def lock_case(case: Case) -> Case:
    case.refresh_from_db(from_queryset=Case.objects.select_for_update())
    return case


@writes
def perform_step(*, case: Case, step_code: str, given: StepInput, actor) -> StepRecord:
    actor = as_actor(actor)
    step = steps.get(step_code)
    lock_case(case)
    state = CaseState.load(case)
    # First: a double submit must hear that the step is recorded, not that its report is gone.
    refuse_if_recorded(state, step)
    # The report the step answers, found as the policy finds it (the page's gate reads the same).
    waiting = pending_report(pending_reports(case), step.code) if step.submitted else None
    # The policy's answer: where the report waits, in the step's role (E13 is left to the rules).
    grant = granted(step_answer(actor.user, case, step, waiting))

    rules = RuleContext.current()
    decision = decide_step(
        state, step, given, actor=actor, grant=grant, rules=rules, authority=Authority.LIVE
    )
    decision.raise_if_refused()
    write = decision.write
    state.take(write)
    given.meeting = write.meeting
    save_write(write)
    if waiting is not None and step.code == steps.SUBMISSION_TARGET[step.code]:
        waiting.status = SubmissionStatus.DONE
        waiting.closed_at = timezone.now()
        waiting.save(update_fields=["status", "closed_at"])

    refresh_summary(case, actor.user, reason=f"办理：{step.name}", rules=rules, facts=state.facts)
    record_event(case=case, actor=actor, **write.event)
    return write.record


def save_write(write: StepWrite) -> None:
    """Save one decided (and taken) step with ordinary saves, each leaving its history row."""
    for old in write.reopened:
        old.save(update_fields=["is_current"])
    if write.meeting_is_new:
        insert_meeting(write.meeting)
    write.record.save()
    save_people(write.record, write.people)
    if write.vote is not None:
        write.vote.save()


__all__ = ["lock_case", "perform_step", "save_write"]
