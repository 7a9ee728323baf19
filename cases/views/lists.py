"""工作台 and the case list."""

from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from cases import panels, selectors
from cases.case_list import case_filters, render_case_list
from cases.models import Stage


@require_GET
def dashboard(request):
    user, today = request.user, timezone.localdate()
    visible = selectors.cases_visible_to(user).filter(outcome="")
    stage_counts = dict(visible.values_list("stage").annotate(n=Count("pk")))
    context = {
        "stage_counts": [(s, stage_counts.get(s.value, 0)) for s in Stage],
        "overdue": visible.filter(next_due__lt=today)
        .select_related("person", "branch")
        .order_by("next_due")[:20],
        "due_soon": visible.filter(next_due__gte=today, next_due__lte=today + timezone.timedelta(days=14))
        .select_related("person", "branch")
        .order_by("next_due")[:20],
        "gaps": visible.filter(materials_missing__gt=0)
        .select_related("person", "branch")
        .order_by("-materials_missing", "pk")[:20],
        "today": today,
        "panels": panels.render(panels.DASHBOARD, request),
    }
    return render(request, "cases/dashboard.html", context)


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
