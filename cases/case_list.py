"""The case list as a public piece: its filters over the user's cases and the page they leave. The
list's own page (cases.views.lists) and the import app's export of it (imports.views) read these,
so a list and its export never parse their filters twice."""

from django.shortcuts import render
from django.utils import timezone

from branches.selectors import scope_name
from cases import selectors
from cases.filters import CaseFilterSet
from cases.views.rows import ROW_FIELDS, case_rows
from cases.web import paginate


def case_filters(request) -> CaseFilterSet:
    """The case list's filters over the user's cases: the page, its htmx rows and its export read them."""
    user = request.user
    return CaseFilterSet(
        request.GET,
        selectors.case_list(user),
        branches=selectors.visible_branches(user),
        today=timezone.localdate(),
    )


def render_case_list(request, filters: CaseFilterSet, *, status: int = 200):
    """The list as the filters leave it; invalid filters leave it empty and say why."""
    qs = filters.qs
    page = paginate(request, qs.values(*ROW_FIELDS), count_from=qs.select_related(None))
    context = {
        "page": page,
        "rows": case_rows(page, filters.today, request.user),
        "filters": filters,
        "form": filters.form,
        "query": filters.query(),
        "can_create": bool(selectors.opening_branches(request.user)),
        "print_title": print_title(request.user, filters),
    }
    template = "cases/case_list.html#rows" if request.htmx else "cases/case_list.html"
    return render(request, template, context, status=status)


def print_title(user, filters: CaseFilterSet) -> str:
    """The line a printed list carries, as on a paper 花名册: whose list, under which filters, on
    which day (the Excel export prints the same line as its page header)."""
    shown = "；".join(filters.described()) or "全部"
    return f"{scope_name(user)}　案例列表（{shown}）　打印日期：{filters.today:%Y年%m月%d日}"
