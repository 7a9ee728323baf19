"""工作台 and the case list."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from cases import panels, reports, selectors
from cases.case_list import case_filters, render_case_list
from cases.models import Stage


@require_GET
def dashboard(request):
    """The stage counts; what is overdue and due soon comes first, from the reminders (panels.DUE)."""
    visible = selectors.cases_visible_to(request.user).filter(outcome="")
    stage_counts = dict(visible.values_list("stage").annotate(n=Count("pk")))
    context = {
        "stage_counts": [(s, stage_counts.get(s.value, 0)) for s in Stage],
        "due": panels.render(panels.DUE, request),
        "returned": _returned(visible),
        "gaps": visible.filter(materials_missing__gt=0)
        .select_related("person", "branch")
        .order_by("-materials_missing", "pk")[:20],
        "panels": panels.render(panels.DASHBOARD, request),
    }
    return render(request, "cases/dashboard.html", context)


def _returned(visible, limit: int = 20) -> list:
    """The 工作台's group 「被退回，待修改」: open cases with a report returned, each with its returns."""
    cases = list(
        reports.with_report(visible, reports.RETURNED)
        .select_related("person", "branch")
        .order_by("-updated_at")[:limit]
    )
    submissions = reports.submissions_by_case(c.pk for c in cases)
    for case in cases:
        case.returns = [r for r in reports.report_states(submissions.get(case.pk, [])) if r.returned]
    return cases


@require_GET
@vary_on_headers("HX-Request")  # the same address answers htmx with a partial
def case_list(request):
    return render_case_list(request, case_filters(request))


@require_GET
def queue(request):
    """The old inbox address: it leads to where the committee's queue lives (cases.panels)."""
    home = panels.queue_home()
    if home is None:
        raise Http404("没有审批台")
    return redirect(home)
