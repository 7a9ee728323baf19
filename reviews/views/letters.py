"""Letters: the list, one letter, its PDF, and rendering it again (the number never changes)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from audit.models import ReadKind
from cases import selectors as case_selectors
from cases import services as case_services
from cases.models import EventSource
from cases.permissions import letter_answer
from cases.web import actor_for, paginate, read_refused
from reviews import panels, selectors, services, wording
from reviews.filters import LetterFilterSet
from reviews.forms import PublicityNoticeForm


def _visible(request, pk):
    return get_object_or_404(selectors.letters_visible_to(request.user), pk=pk)


@require_GET
def letter_list(request):
    filters = LetterFilterSet(request.GET, selectors.letter_list(request.user))
    context = {
        "page": paginate(request, filters.qs),
        "filters": filters,
        "form": filters.form,
        "query": filters.query(),
    }
    return render(request, "reviews/letter_list.html", context)


@require_GET
def letter_detail(request, pk):
    letter = _visible(request, pk)
    context = {
        "letter": letter,
        "entries": list(letter.entries.select_related("case")),
        "can_regenerate": bool(letter_answer(request.user, letter.addressee, letter.step)),
    }
    return render(request, "reviews/letter_detail.html", context)


@require_GET
def letter_pdf(request, pk):
    letter = _visible(request, pk)
    if not letter.pdf:
        messages.info(request, "该发文的PDF尚未生成，请稍后再试。")
        return redirect("reviews:letter", pk=letter.pk)
    what = f"{letter.get_kind_display()} {letter.number}"
    back = reverse("reviews:letter", args=[letter.pk])
    if refused := read_refused(request, kind=ReadKind.LETTER, obj=letter, what=what, back=back):
        return refused
    inline = request.GET.get("inline") == "1"
    return FileResponse(
        letter.pdf.open("rb"),
        as_attachment=not inline,
        filename=letter.filename,
        content_type="application/pdf",
    )


@require_POST
def letter_regenerate(request, pk):
    letter = _visible(request, pk)
    services.regenerate_letter(letter=letter, actor=actor_for(request, EventSource.DESK))
    messages.success(request, f"已安排重新生成 {letter.number}，文号和内容不变。")
    return redirect("reviews:letter", pk=letter.pk)


@require_POST
def publicity_notice(request, pk):
    """出具公示 for one case (case page): issued as a letter; the branch prints and posts its PDF."""
    case = get_object_or_404(case_selectors.cases_visible_to(request.user).select_related("branch"), pk=pk)
    step = request.POST.get("step", "")
    answer = letter_answer(
        request.user, case.branch, step if step in wording.PUBLICITY_SUBJECTS else "target_selection"
    )
    if not answer:
        raise PermissionDenied(answer.reason)
    form = PublicityNoticeForm(request.POST, offered=panels.publicity_offers(request.user, case))
    if not form.is_valid():
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect(case)
    try:
        letter = services.issue_publicity_notice(cases=[case], actor=actor_for(request), **form.cleaned_data)
    except case_services.InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect(case)
    messages.success(request, f"已出具《{letter.title}》，PDF生成后可下载打印张贴。")
    return redirect("reviews:letter", pk=letter.pk)
