"""导入导出: upload → preview (the dry run's report) → confirm; and the Excel exports.

The upload only stores the file and queues its check in a worker; the batch page polls (htmx) and
shows the rows checked so far, then the preview. Importing needs a 党支部书记 or 党委组织委员 grant (403 otherwise); a batch is visible only to the
user who uploaded it (404 otherwise). Exports are scoped by the selectors and logged.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from cases.case_list import case_filters, print_title, render_case_list
from cases.permissions import NO_IMPORT, may_import
from cases.views.throttle import limit_import_uploads
from cases.web import client_ip
from imports import exports, importer
from imports.exports.sheets import ROSTER_STAGES, roster_title
from imports.exports.workbook import XLSX
from imports.importer import limits
from imports.importer.forms import ConfirmForm, UploadForm
from imports.importer.report import RowStatus
from imports.models import ImportBatch, ImportStatus

ROWS_PER_PAGE = 100


def _require_importer(request) -> None:
    if not may_import(request.user):
        raise PermissionDenied(NO_IMPORT)


def _xlsx(stream, filename: str) -> FileResponse:
    return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


@require_GET
def index(request):
    return render(request, "imports/index.html", _index_context(request, UploadForm()))


def _index_context(request, form) -> dict:
    can_import = may_import(request.user)
    return {
        "form": form,
        "can_import": can_import,
        "batches": ImportBatch.objects.filter(user=request.user).defer("report").order_by("-pk")[:10]
        if can_import
        else [],
        "roster_stages": [(s, roster_title(s)) for s in ROSTER_STAGES],
        "limits": limits.current(),
    }


@require_POST
@limit_import_uploads
def upload(request):
    _require_importer(request)
    form = UploadForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            stored = importer.store_upload(form.cleaned_data["file"])
        except importer.UnreadableFile as exc:
            form.add_error("file", str(exc))
        else:
            batch = importer.queue_check(stored, user=request.user, source="web")
            url = reverse("imports:batch", args=[batch.pk])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    # 200 on purpose: htmx does not swap 4xx responses by default.
    template = "imports/index.html#upload-form" if request.htmx else "imports/index.html"
    return render(request, template, _index_context(request, form))


def _own_batch(request, pk) -> ImportBatch:
    _require_importer(request)
    return get_object_or_404(ImportBatch.objects.filter(user=request.user), pk=pk)


STATUS_FILTERS = {
    "": "全部",
    RowStatus.INVALID: "有错误",
    RowStatus.WARNED: "有预警",
    RowStatus.VALID: "无错误无预警",
    RowStatus.SKIPPED: "已导入过（跳过）",
    RowStatus.IMPORTED: "已导入",
    RowStatus.FAILED: "写入失败",
}


@require_GET
def batch(request, pk):
    item = _own_batch(request, pk)
    return render(request, "imports/batch.html", _batch_context(request, item, _confirm_form(item)))


def _confirm_form(item: ImportBatch, data=None) -> ConfirmForm:
    return ConfirmForm(data, needs_reason=item.rows_warned > 0, has_invalid_rows=item.rows_invalid > 0)


def _batch_context(request, item: ImportBatch, form) -> dict:
    wanted = request.GET.get("status", "")
    wanted = wanted if wanted in STATUS_FILTERS else ""
    rows = [r for r in item.report if not wanted or r["status"] == wanted]
    imported = (
        item.imports.filter(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.IMPORTED))
        .exclude(status__in=(ImportStatus.QUEUED, ImportStatus.RUNNING), alive_until__lt=timezone.now())
        .defer("report")
        .first()
        if item.dry_run
        else None
    )
    page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = [
        {**r, "status_label": RowStatus.LABELS.get(r["status"], "")} for r in page.object_list
    ]
    return {
        "batch": item,
        "page": page,
        "status_filters": STATUS_FILTERS,
        "wanted": wanted,
        "form": form,
        "imported_by": imported,
        "can_confirm": item.dry_run and item.status == ImportStatus.CHECKED and imported is None,
        "polling": item.in_progress and not item.stalled,
    }


@require_POST
def retry(request, pk):
    """Check a failed or stalled dry run again, from the file already stored."""
    item = _own_batch(request, pk)
    if not item.dry_run:
        raise Http404
    if importer.retry_check(item):
        messages.success(request, "已重新排队检查。")
    else:
        messages.error(request, "该批次正在检查或已检查完毕，无需重新检查。")
    return _go(request, reverse("imports:batch", args=[item.pk]))


@require_POST
def confirm(request, pk):
    preview = _own_batch(request, pk)
    if not preview.dry_run:
        raise Http404
    if preview.status != ImportStatus.CHECKED:
        messages.error(request, "该文件未通过检查，不能导入，请修改后重新上传。")
        return _go(request, reverse("imports:batch", args=[preview.pk]))
    form = _confirm_form(preview, request.POST)
    if not form.is_valid():
        return render(request, "imports/batch.html", _batch_context(request, preview, form))
    try:
        queued = importer.queue_import(
            preview,
            user=request.user,
            mode=form.cleaned_data["mode"],
            warning_reason=form.cleaned_data["warning_reason"],
            ip=client_ip(request),
        )
    except (importer.AlreadyConfirmed, importer.UnreadableFile) as exc:
        messages.error(request, str(exc))
        return _go(request, reverse("imports:batch", args=[preview.pk]))
    return _go(request, reverse("imports:batch", args=[queued.pk]))


def _go(request, url: str):
    """The confirm form posts by htmx: leave the page as a whole, so its messages are shown on
    the page that follows (an ordinary redirect would be swapped into the form and lost)."""
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
def template(request):
    return _xlsx(exports.blank_template(), "发展党员导入模板.xlsx")


@require_GET
def export_template(request):
    stream, _ = exports.export_template(request.user, ip=client_ip(request))
    return _xlsx(stream, f"发展党员案例（导入模板格式）-{_stamp()}.xlsx")


@require_GET
def export_roster(request, stage):
    if stage not in ROSTER_STAGES:
        raise Http404
    stream, _ = exports.export_stage_roster(request.user, stage, ip=client_ip(request))
    return _xlsx(stream, f"{roster_title(stage)}-{_stamp()}.xlsx")


@require_GET
def export_members(request):
    stream, _ = exports.export_member_roster(request.user, ip=client_ip(request))
    return _xlsx(stream, f"党员名册-{_stamp()}.xlsx")


@require_GET
def export_case_list(request):
    """The case list's rows under the page's own filters (cases.filters.CaseFilterSet), logged with
    the filters applied; invalid filters answer 400 with the list page showing why."""
    filters = case_filters(request)
    if not filters.is_valid():
        return render_case_list(request, filters, status=400)
    stream, _ = exports.export_case_list(
        request.user,
        filters.qs,
        filters.applied(),
        ip=client_ip(request),
        print_title=print_title(request.user, filters),
    )
    return _xlsx(stream, f"案例列表-{_stamp()}.xlsx")
