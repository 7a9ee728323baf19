"""Forwarding (审议同意并上报) and returning (退回党支部) one pending report, from the panel the desk
contributes to the report's step on the case page (reviews.panels): the report is found among those
waiting for the user (reviews.selectors.reports_to_decide, 404 otherwise) and the case file's
public action decides it, raising the policy's refusal."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from cases import services as case_services
from cases.models import EventSource
from cases.web import actor_for
from reviews import selectors
from reviews.forms import ForwardForm, ReturnForm


def _decide(request, pk, form_class, action, done: str):
    """Find the report among those waiting for the user, read the form, call the case file's
    action with the form's fields; say what happened (or why not) on the case page."""
    report = get_object_or_404(selectors.reports_to_decide(request.user), pk=pk)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect(report.case)
    try:
        action(submission=report, actor=actor_for(request, EventSource.DESK), **form.cleaned_data)
    except (case_services.StepNotAllowed, case_services.InvalidInput) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, done)
    return redirect(report.case)


@require_POST
def forward(request, pk):
    return _decide(request, pk, ForwardForm, case_services.forward, "已审议同意并报上级党委。")


@require_POST
def return_report(request, pk):
    return _decide(
        request, pk, ReturnForm, case_services.return_submission, "已退回党支部，退回理由党支部可见。"
    )
