"""The plan pages: the organizations whose plans the user reads, one organization's plan against
its actuals (page, print, .xlsx) and the plan form. Thin: fetch through the scope, ask the policy
(cases.permissions.plan_answer), call the service, render."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from cases.counting import MEASURES
from cases.permissions import plan_answer, reads_under, statistics_orgs
from plans import exports, selectors, services
from plans.forms import PlanForm
from plans.models import YEAR_MAX, YEAR_MIN, Plan


def _year(year: int) -> int:
    if not YEAR_MIN <= year <= YEAR_MAX:
        raise Http404("年度超出范围")
    return year


def _org(request, pk: int):
    return get_object_or_404(selectors.plan_orgs_visible_to(request.user), pk=pk)


def _visible_parent(user, org):
    """The organization above, when the user's scope reaches it (a link to its page)."""
    parent = org.parent
    if parent is None or not reads_under(user, parent, statistics_orgs(user)):
        return None
    return parent


@require_GET
def index(request):
    year = timezone.localdate().year
    orgs = sorted(set(statistics_orgs(request.user)), key=lambda o: o.path)
    return render(
        request, "plans/index.html", {"orgs": orgs, "year": year, "years": range(year - 3, year + 2)}
    )


@require_GET
def detail(request, pk: int, year: int):
    org, year = _org(request, pk), _year(year)
    report = selectors.plan_progress(org, year)
    report.history = selectors.plan_history(report.plan)
    context = {
        "report": report,
        "measures": MEASURES,
        "may_edit": bool(plan_answer(request.user, org)),
        "parent": _visible_parent(request.user, org),
        "editable_children": {row.org.pk for row in report.rows if plan_answer(request.user, row.org)},
        "years": range(year - 2, year + 3),
    }
    return render(request, "plans/plan_detail.html", context)


@require_GET
def export(request, pk: int, year: int):
    org, year = _org(request, pk), _year(year)
    return exports.plan_workbook_response(selectors.plan_progress(org, year))


@require_http_methods(["GET", "POST"])
def edit(request, pk: int, year: int):
    org, year = _org(request, pk), _year(year)
    if not plan_answer(request.user, org):
        raise PermissionDenied
    plan = Plan.objects.filter(org=org, year=year).first()
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, instance=plan or Plan(org=org, year=year))
    if request.method == "POST" and form.is_valid():
        services.save_plan(org=org, year=year, values=form.cleaned_data, actor=request.user)
        messages.success(request, f"已保存{org.name}{year}年发展党员计划。")
        return redirect("plans:detail", pk=org.pk, year=year)
    return render(request, "plans/plan_form.html", {"form": form, "org": org, "year": year, "plan": plan})
