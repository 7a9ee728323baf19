"""Forwarding (审议同意并上报) and returning (退回党支部) one pending report, from the panel the desk
contributes to the report's step on the case page (reviews.panels): the report is found among those
waiting for the user (reviews.selectors.reports_to_decide, 404 otherwise) and the case file's
public action decides it, raising the policy's refusal."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cases import services as case_services
from cases.web import actor_for
from reviews import selectors
from reviews.forms import ForwardForm, ReturnForm


def _errors(form) -> str:
    return "；".join(error for errors in form.errors.values() for error in errors)


@require_POST
def forward(request, pk):
    report = get_object_or_404(selectors.reports_to_decide(request.user), pk=pk)
    form = ForwardForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(report.case)
    try:
        case_services.forward(
            submission=report, actor=actor_for(request), opinion=form.cleaned_data["opinion"]
        )
    except case_services.StepNotAllowed as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已审议同意并报上级党委。")
    return redirect(report.case)


@require_POST
def return_report(request, pk):
    report = get_object_or_404(selectors.reports_to_decide(request.user), pk=pk)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        messages.error(request, _errors(form))
        return redirect(report.case)
    try:
        case_services.return_submission(
            submission=report, actor=actor_for(request), reason=form.cleaned_data["reason"]
        )
    except (case_services.StepNotAllowed, case_services.InvalidInput) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, "已退回党支部，退回理由党支部可见。")
    return redirect(report.case)
