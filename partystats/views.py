"""Pages of the 党内统计 tables: thin — the scope and the counts are partystats.selectors'."""

from django.contrib import messages
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from config.converters import object_id
from imports.exports.workbook import XLSX, Sheet, write_workbook
from partystats import selectors, services
from partystats.forms import PeriodForm
from partystats.help import COMMON, HELP
from partystats.tables import TABLES


def _context(request):
    value = request.GET.get("org", "")
    org_id = object_id(value) if value else None
    if value and org_id is None:
        raise Http404("没有找到该组织，或您无权查看。")
    root = selectors.scope_root(request.user, org_id)
    form = PeriodForm(request.GET or None)
    period = form.period()
    query = f"org={root.pk}&year={period.year}&kind={period.kind}"
    return root, form, period, query


@require_GET
def index(request):
    root, form, period, query = _context(request)
    return render(
        request,
        "partystats/index.html",
        {"root": root, "form": form, "period": period, "query": query, "tables": TABLES},
    )


@require_GET
def table(request, key):
    item = selectors.table_or_404(key)
    root, form, period, query = _context(request)
    counted = selectors.count_table(item, root, period)
    if request.GET.get("format") == "xlsx":
        return _xlsx(counted)
    report = selectors.frozen(item, root, period)
    problems = selectors.checks(counted)
    for found in (selectors.opening_check(item, root, period), selectors.locality_check(counted)):
        if found:
            problems.append(found)
    return render(
        request,
        "partystats/table.html",
        {
            "table": item,
            "counted": counted,
            "root": root,
            "trail": selectors.trail(request.user, root),
            "children": selectors.children(root),
            "form": form,
            "period": period,
            "query": query,
            "problems": problems,
            "large_changes": selectors.large_changes(counted),
            "age_on": selectors.age_on_setting(),
            "report": report,
            "changes": selectors.differences(item, report, counted) if report else [],
            "name_lists": selectors.name_lists(item, root, period),
        },
    )


@require_POST
def freeze(request, key):
    item = selectors.table_or_404(key)
    root, form, period, query = _context(request)
    explanation = request.POST.get("explanation", "")[:2000]
    if "\x00" in explanation:
        messages.error(request, "说明中含有无法保存的字符，请删除后重试。")
        return redirect(f"{reverse('partystats:table', args=[item.key])}?{query}")
    services.freeze_report(table=item, org=root, period=period, actor=request.user, explanation=explanation)
    messages.success(
        request, f"{item.title}（{root.name} {period.label}）已定稿，其后案例的修改不再改变已定稿的数据。"
    )
    return redirect(f"{reverse('partystats:table', args=[item.key])}?{query}")


def _people_page(request, item, root, period, query, cases, **shown):
    """A list of people (a cell's or a name list's): the same page."""
    context = {"table": item, "root": root, "period": period, "query": query, "cases": list(cases)}
    return render(request, "partystats/people.html", {**context, **shown, "shown": selectors.PEOPLE_SHOWN})


@require_GET
def people(request, key):
    item = selectors.table_or_404(key)
    root, form, period, query = _context(request)
    row, column = item.row(request.GET.get("row", "")), item.column(request.GET.get("col", ""))
    if row is None or column is None:
        raise Http404("没有该单元格。")
    cases = selectors.people(item, root, period, row.key, column.key)
    return _people_page(request, item, root, period, query, cases, row=row, column=column)


@require_GET
def name_list(request, key):
    found = selectors.name_list_or_404(key)
    item = selectors.table_or_404(found.table)
    root, form, period, query = _context(request)
    cases = selectors.name_list_people(found, root, period)
    return _people_page(request, item, root, period, query, cases, heading=found.title)


@require_GET
def help_page(request, key):
    item = selectors.table_or_404(key)
    return render(
        request,
        "partystats/help.html",
        {
            "table": item,
            "help": HELP[item.key],
            "common": COMMON,
            "age_on": selectors.age_on_setting(),
            "tables": TABLES,
        },
    )


def _xlsx(counted) -> FileResponse:
    """The table in the official layout: title line, then the rows by 人员类别 (or item) with the
    columns of the template."""
    t = counted.table
    rows = [[("　" * row.indent) + row.label, *(n for _, n in cells)] for row, cells in counted.rows()]
    sheet = Sheet(t.title, ["项目", *(c.label for c in t.columns)], rows)
    stamp = timezone.localtime().strftime("%Y%m%d")
    name = f"{t.title}-{counted.org.name}-{counted.period.label}-{stamp}.xlsx"
    return FileResponse(write_workbook([sheet]), as_attachment=True, filename=name, content_type=XLSX)
