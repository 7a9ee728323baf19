"""What the desk contributes to the case file's pages through cases.panels (registered in
ReviewsConfig.ready): its queue counts on the 工作台, a case's letters on the case page, forward and
return of a pending report in its step's row, and the address of the desk as the committee's queue."""

from django.utils import timezone

from cases import panels, permissions
from cases.permissions import Act
from reviews import selectors, wording
from reviews.forms import PublicityNoticeForm
from reviews.services.issuing import publicity_refusals


def desk_counts(request):
    """Each queue of the user's desk with its count and how many are overdue (工作台)."""
    if not request.user.is_authenticated:
        return None
    counts = selectors.queue_counts(request.user, timezone.localdate())
    return "reviews/_desk_counts.html", {"counts": counts}


def publicity_offers(user, case) -> dict[str, str]:
    """The 公示 notices the user may issue for the case now ({step: label}): the policy's
    letter_answer for the step, then — for those it allows, in one query whatever the case's path —
    whether the case is ready for it (issuing.publicity_refusals)."""
    allowed = [
        step for step in wording.PUBLICITY_SUBJECTS if permissions.letter_answer(user, case.branch, step)
    ]
    refusals = publicity_refusals(case, allowed) if allowed else {}
    return {step: f"{wording.PUBLICITY_SUBJECTS[step][0]}公示" for step in allowed if not refusals[step]}


def case_letters(request, case):
    """The 批复, 回执 and 公示 issued for the case, and 出具公示 when it is offered (case page)."""
    offers = publicity_offers(request.user, case) if case.is_open else {}
    context = {"letters": selectors.letters_for_case(case), "case": case, "offers": offers}
    if offers:
        context["notice_form"] = PublicityNoticeForm(
            offered=offers, initial={"start_on": timezone.localdate()}
        )
    return "reviews/_case_letters.html", context


def report_actions(request, case, report):
    """审议同意并上报 and 退回党支部 of a report pending at the user's organization, each offered
    exactly when the policy (cases.permissions.submission_answer) lets the user do it."""
    may_forward, may_return = (
        permissions.submission_answer(request.user, report, act) for act in (Act.FORWARD, Act.RETURN)
    )
    if not (may_forward or may_return):
        return None
    context = {"report": report, "can_forward": bool(may_forward), "can_return": bool(may_return)}
    return "reviews/_report_actions.html", context


def register() -> None:
    panels.register(panels.DASHBOARD, desk_counts)
    panels.register(panels.CASE_PAGE, case_letters)
    panels.register(panels.REPORT, report_actions)
    panels.set_queue_home("reviews:desk")
