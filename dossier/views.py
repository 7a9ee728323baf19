"""一人一档 pages: the case page's archive panel (and its htmx poll), the one-click request, the
downloads (each logged as a read before it is served), and a committee's yearly bundle of a branch."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from audit.models import ReadKind
from audit.reads import ReadNotRecorded, record_read
from cases import permissions, selectors
from cases.permissions import Act
from cases.services import StepNotAllowed
from cases.web import StyledForm, actor_for, client_ip, read_refused
from dossier import services
from dossier.models import ArchiveStatus, CaseArchive

PANEL = "dossier/_archive_panel.html"


def _case(request, pk):
    case = get_object_or_404(
        selectors.cases_visible_to(request.user).select_related("person", "branch"), pk=pk
    )
    answer = permissions.act_answer(request.user, case, Act.ARCHIVE)
    if not answer:
        raise PermissionDenied(answer.reason)
    return case


def panel_context(case) -> dict:
    """The newest request and the newest ready archive, in one query (a second only when none of
    the last few requests is ready)."""
    recent = services.recent_archives(case)
    latest = recent[0] if recent else None
    ready = next((a for a in recent if a.status == ArchiveStatus.READY), None)
    if ready is None and len(recent) == services.RECENT:
        ready = services.ready_archive(case)
    return {"case": case, "latest": latest, "ready": ready}


@require_GET
def archive_panel(request, pk):
    case = _case(request, pk)
    return render(request, PANEL, panel_context(case))


@require_POST
def archive_request(request, pk):
    case = _case(request, pk)
    try:
        services.request_archive(case=case, actor=actor_for(request))
    except StepNotAllowed as exc:
        messages.error(request, str(exc))
    if request.htmx:
        return render(request, PANEL, panel_context(case))
    return redirect(case)


@require_GET
def archive_download(request, pk, kind):
    if kind not in ("pdf", "zip"):
        raise Http404
    archive = get_object_or_404(
        CaseArchive.objects.filter(
            case__in=selectors.cases_visible_to(request.user), status=ArchiveStatus.READY
        ),
        pk=pk,
    )
    case = _case(request, archive.case_id)
    name = archive.pdf_name if kind == "pdf" else archive.zip_name
    path = services.archive_path(name)
    label = "PDF" if kind == "pdf" else "原件压缩包"
    if not path.exists():
        messages.error(request, "档案文件不存在，请重新生成。")
        return redirect(case)
    digest = (archive.pdf_sha256 if kind == "pdf" else archive.zip_sha256)[:12]
    what = f"一人一档「{case.person_on_file.name}」{label}（SHA-256 {digest}…）"
    if refused := read_refused(
        request, kind=ReadKind.ARCHIVE, obj=archive, what=what, back=case, case_id=case.pk
    ):
        return refused
    filename = f"一人一档-{case.person_on_file.name}-{archive.finished_at:%Y%m%d}.{kind}"
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename)


class BundleForm(StyledForm):
    branch = forms.TypedChoiceField(
        label="党支部", coerce=int, error_messages={"invalid_choice": "所选党支部不存在或不在您的范围内"}
    )
    year = forms.IntegerField(
        label="归档年度",
        min_value=2000,
        max_value=2100,
        error_messages={
            "invalid": "请填写年份，如 2025",
            "min_value": "年份不能早于 2000",
            "max_value": "年份不能晚于 2100",
        },
    )


@require_GET
def bundles(request):
    """The committee's yearly bundle: pick a branch and a year; the .zip is streamed."""
    branches = [
        b
        for b in selectors.visible_branches(request.user)
        if permissions.archive_bundle_answer(request.user, b)
    ]
    if not branches:
        raise PermissionDenied(permissions.NO_BUNDLE)
    form = BundleForm(request.GET or None, initial={"year": timezone.localdate().year})
    form.fields["branch"].choices = [(b.pk, b.name) for b in branches]
    if request.GET and form.is_valid():
        branch = next(b for b in branches if b.pk == form.cleaned_data["branch"])
        year = form.cleaned_data["year"]
        return _bundle(request, branch, year)
    return render(request, "dossier/bundles.html", {"form": form})


def _bundle(request, branch, year: int):
    cases = list(services.year_cases(selectors.cases_visible_to(request.user).filter(branch=branch), year))
    archives = services.latest_ready_by_case([c.pk for c in cases])
    try:
        with transaction.atomic():  # every archive's read is recorded, or none and no download
            for case in cases:
                if case.pk in archives:
                    record_read(
                        user=request.user,
                        kind=ReadKind.ARCHIVE,
                        obj=archives[case.pk],
                        what=f"一人一档「{case.person_on_file.name}」（{branch.name}{year}年度打包下载）",
                        ip=client_ip(request),
                        case_id=case.pk,
                    )
    except ReadNotRecorded as exc:
        messages.error(request, str(exc))
        return redirect("dossier:bundles")
    response = StreamingHttpResponse(
        services.bundle_chunks(branch.name, year, cases, archives), content_type="application/zip"
    )
    response["Content-Disposition"] = content_disposition_header(True, f"一人一档-{branch.name}-{year}年.zip")
    return response
