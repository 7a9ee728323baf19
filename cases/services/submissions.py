"""Reports upward: the branch submits, reviewers (党总支/村党委) 审议 and forward, the committee
acts through perform_step or returns the report with a reason the branch sees."""

from django.utils import timezone

from branches.selectors import approving_committee, review_chain
from cases import steps
from cases.context import RuleContext, case_facts
from cases.models import Case, EventKind, Submission, SubmissionStatus
from cases.permissions import Act, act_answer, submission_answer
from cases.rules import ReturnFacts
from cases.services.actors import as_actor, granted, writes
from cases.services.case_deadlines import sync_deadlines
from cases.services.errors import StepNotAllowed, refuse_out_of_range, refuse_problems
from cases.services.events import record_event
from cases.services.step_service import lock_case


def route(case: Case) -> list:
    """Reviewer organizations lowest first, then the approving committee."""
    committee = approving_committee(case.branch)
    return review_chain(case.branch) + ([committee] if committee else [])


@writes
def submit(*, case: Case, step_code: str, on, actor) -> Submission:
    actor = as_actor(actor)
    refuse_out_of_range(on)
    if step_code not in steps.SUBMISSION_KINDS:
        raise StepNotAllowed("该事项不需要报送")
    step = steps.get(step_code)
    lock_case(case)
    grant = granted(act_answer(actor.user, case, Act.SUBMIT))
    facts = case_facts(case)
    if step_code in facts.done:
        raise StepNotAllowed(f"「{step.name}」已办结，无需报送")
    first = steps.get("committee_talk") if step_code == "admission_approval" else step
    missing = [steps.get(r).name for r in first.requires if r not in facts.done]
    if missing:
        raise StepNotAllowed(f"须先完成「{'」「'.join(missing)}」，才能报送「{step.name}」")
    if Submission.objects.filter(case=case, step=step_code, status=SubmissionStatus.PENDING).exists():
        raise StepNotAllowed(f"「{step.name}」已报送，正在办理中，未重复报送")
    path = route(case)
    if not path:
        raise StepNotAllowed("本支部上级没有具有审批权限的党委，请联系管理员设置组织架构")
    submission = Submission.objects.create(
        case=case, step=step_code, at_org=path[0], submitted_by=actor.user, submitted_on=on
    )
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.SUBMIT,
        step=step_code,
        summary=f"报送「{step.name}」至{path[0].name}",
        occurred_on=on,
        role=grant.recorded_role,
        org=grant.org,
    )
    sync_deadlines(case, facts, RuleContext.current())  # the step now waits where it was sent
    return submission


def _lock_submission(submission: Submission) -> Submission:
    submission.refresh_from_db(from_queryset=Submission.objects.select_for_update())
    if submission.status != SubmissionStatus.PENDING:
        raise StepNotAllowed("该报送已办结或已退回，未重复办理")
    return submission


@writes
def forward(*, submission: Submission, actor, opinion: str = "", on=None) -> Submission:
    """A reviewer organization's 审议: agree and pass the report up to the next organization."""
    actor = as_actor(actor)
    refuse_out_of_range(on)
    lock_case(submission.case)
    _lock_submission(submission)
    grant = granted(submission_answer(actor.user, submission, Act.FORWARD))
    path = route(submission.case)
    position = [o.pk for o in path].index(submission.at_org_id)
    next_org = path[position + 1]
    on = on or timezone.localdate()
    submission.reviewed = submission.reviewed + [
        {"org": grant.org.name, "by": actor.user.username, "on": on.isoformat(), "opinion": opinion}
    ]
    submission.at_org = next_org
    submission.save(update_fields=["reviewed", "at_org"])
    record_event(
        case=submission.case,
        actor=actor,
        kind=EventKind.REVIEW,
        step=submission.step,
        summary=f"{grant.org.name}审议同意「{steps.get(submission.step).name}」，报{next_org.name}",
        occurred_on=on,
        role=grant.recorded_role,
        org=grant.org,
        note=opinion,
    )
    _deadlines_move(submission.case)
    return submission


@writes
def return_submission(*, submission: Submission, actor, reason: str) -> Submission:
    """Send a report back to the branch; the reason is required and shown to the branch."""
    actor = as_actor(actor)
    returned = ReturnFacts(reason)
    refuse_problems(returned.problems())
    lock_case(submission.case)
    _lock_submission(submission)
    grant = granted(submission_answer(actor.user, submission, Act.RETURN))
    submission.status = SubmissionStatus.RETURNED
    submission.return_reason = returned.text
    submission.closed_at = timezone.now()
    submission.save(update_fields=["status", "return_reason", "closed_at"])
    record_event(
        case=submission.case,
        actor=actor,
        kind=EventKind.RETURN,
        step=submission.step,
        summary=f"{grant.org.name}退回「{steps.get(submission.step).name}」：{returned.text}",
        occurred_on=timezone.localdate(),
        role=grant.recorded_role,
        org=grant.org,
        note=returned.text,
    )
    _deadlines_move(submission.case)
    return submission


def _deadlines_move(case: Case) -> None:
    """A report forwarded or returned: its step's deadlines now wait elsewhere."""
    sync_deadlines(case, case_facts(case), RuleContext.current())
