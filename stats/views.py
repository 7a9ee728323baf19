"""Pages of the statistics boards: thin — fetch through stats.selectors (scoped: 404 outside the
user's organizations), call one service for a write, choose a response. Chart data goes into
json_script elements; static/js/stats.js draws them (the CSP allows no inline script)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from branches.models import OrgKind
from branches.selectors import branches_visible_to
from cases.models import Stage
from cases.permissions import board_answer, reads_under, statistics_orgs
from config.converters import object_id
from imports.exports.workbook import XLSX, Sheet, write_workbook
from stats import charts, selectors, services
from stats.forms import DoneForm, FollowUpForm, PeriodForm
from stats.models import BoardSettings, Colour, FollowUp


def _org_id(request) -> int | None:
    return object_id(request.GET.get("org", ""))


def _scope(request):
    root = selectors.scope_root(request.user, _org_id(request))
    return root, selectors.branches_under(root)


def _xlsx(sheet: Sheet, filename: str) -> FileResponse:
    stamp = timezone.localtime().strftime("%Y%m%d")
    return FileResponse(
        write_workbook([sheet]), as_attachment=True, filename=f"{filename}-{stamp}.xlsx", content_type=XLSX
    )


@require_GET
def stages(request):
    root, branches = _scope(request)
    today = timezone.localdate()
    period = PeriodForm(request.GET or None)
    start, end = period.period(today)
    ids = [b.pk for b in branches]
    rows, total = selectors.stage_tree(root, branches)
    flow = selectors.monthly_flow(ids, start, end)
    times = selectors.time_in_stage(root, branches, today)
    context = {
        "root": root,
        "trail": selectors.trail(request.user, root),
        "rows": rows,
        "total": total,
        "stages": Stage.choices,
        "waiting": [Stage(s).label for s in selectors.WAITING_STAGES],
        "period": period,
        "start": start,
        "end": end,
        "flow": flow,
        "flow_columns": [label for _, label, _ in selectors.FLOW_STEPS],
        "times": times,
        "stalled": selectors.stalled_cases(ids, today),
        "stage_chart": charts.stage_chart(rows or [total]),
        "flow_chart": charts.flow_chart(flow),
    }
    return render(request, "stats/stages.html", context)


@require_GET
def dormant(request):
    root, branches = _scope(request)
    today = timezone.localdate()
    rows = selectors.dormant_branches(branches, today)
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            Sheet(
                "三年以上未发展党员",
                ["党支部", "最近发展党员日期", "入党积极分子", "发展对象"],
                ([r.branch.name, r.last_admission, r.activists, r.targets] for r in rows),
            ),
            f"三年以上未发展党员-{root.name}",
        )
    settings = BoardSettings.current()
    return render(
        request,
        "stats/dormant.html",
        {
            "root": root,
            "rows": rows,
            "settings": settings,
            "since": selectors.colours.red_cutoff(settings, today),
        },
    )


@require_GET
def board(request):
    root, branches = _scope(request)
    today = timezone.localdate()
    colour = request.GET.get("colour")
    colour = colour if colour in Colour.values and colour else None
    all_tiles = selectors.board(branches, today)
    tiles = [t for t in all_tiles if t.judged and t.colour == colour] if colour else all_tiles
    if request.GET.get("format") == "xlsx":
        return _xlsx(
            Sheet(
                "四色研判",
                ["党支部", "颜色", "研判日期", "理由", "预警", "建议措施", "未落实措施数"],
                (
                    [
                        t.branch.name,
                        t.colour_label,
                        t.judged.on if t.judged else None,
                        "；".join(t.judged.reasons) if t.judged else "",
                        "；".join(t.warnings),
                        t.suggested,
                        t.open_follow_ups,
                    ]
                    for t in tiles
                ),
            ),
            f"四色研判-{root.name}",
        )
    counts = {c: sum(1 for t in all_tiles if t.judged and t.colour == c) for c in Colour.values}
    return render(
        request,
        "stats/board.html",
        {
            "root": root,
            "tiles": tiles,
            "colour": colour,
            "colours": [(value, label, counts[value]) for value, label in Colour.choices],
            "unjudged": sum(1 for t in all_tiles if not t.judged),
            "may_judge": any(board_answer(request.user, b) for b in branches),
            "colour_chart": charts.colour_chart(counts),
        },
    )


@require_POST
def judge(request):
    root, branches = _scope(request)
    mine = [b.pk for b in branches if board_answer(request.user, b)]
    if not mine:
        raise PermissionDenied
    n = services.judge_colours(branch_ids=mine)
    messages.success(request, f"已重新研判 {n} 个党支部。")
    return redirect(f"{reverse('stats:board')}?org={root.pk}")


def _visible_branch(request, pk):
    return get_object_or_404(branches_visible_to(request.user), pk=pk, kind=OrgKind.BRANCH)


@require_http_methods(["GET", "POST"])
def branch(request, pk):
    item = _visible_branch(request, pk)
    today = timezone.localdate()
    may_record = bool(board_answer(request.user, item))
    form = FollowUpForm(request.POST or None, initial={"on": today})
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.record_follow_up(branch=item, actor=request.user, **form.cleaned_data)
            except services.InvalidFollowUp as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, "跟进措施已登记。")
                return redirect("stats:branch", pk=item.pk)
    tile = selectors.board([item], today)[0]
    return render(
        request,
        "stats/branch.html",
        {
            "branch": item,
            "tile": tile,
            "history": selectors.colour_history(item, today),
            "form": form,
            "done_form": DoneForm(initial={"on": today}),
            "may_record": may_record,
            "back_org": _board_above(request.user, item),
        },
    )


def _board_above(user, branch) -> int | None:
    """The board the branch page leads back to: its parent's where the user reads it, else the user's own."""
    if branch.parent_id and reads_under(user, branch.parent, statistics_orgs(user)):
        return branch.parent_id
    return None


@require_POST
def follow_up_done(request, pk):
    item = get_object_or_404(
        FollowUp.objects.select_related("branch").filter(branch__in=branches_visible_to(request.user)), pk=pk
    )
    if not board_answer(request.user, item.branch):
        raise PermissionDenied
    form = DoneForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写有效的落实日期。")
    else:
        try:
            services.complete_follow_up(item=item, on=form.cleaned_data["on"], actor=request.user)
        except services.InvalidFollowUp as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "已标记为落实。")
    return redirect("stats:branch", pk=item.branch_id)
