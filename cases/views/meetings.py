"""会议: each 支委会 / 支部大会 / 党委会 recorded once (services.record_meeting), listed with the
cases it decided, its minutes uploaded with it and downloaded as a logged read."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from audit.models import ReadKind
from branches.selectors import organizations_visible_to
from cases import selectors, services, steps
from cases.forms import ENTITLED_SOURCES, MeetingForm, entitled_field
from cases.web import actor_for, date_field, paginate, read_refused
from config.converters import object_id

PAGE_SIZE = 50


@require_http_methods(["GET", "POST"])
def meeting_list(request):
    organizations = organizations_visible_to(request.user).order_by("path")
    form = MeetingForm(
        request.POST or None,
        request.FILES or None,
        organizations=organizations,
        initial=_prefill(request.user) if request.method == "GET" else None,  # a bound form ignores it
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.record_meeting(
                org=d["org"],
                body=d["body"],
                held_on=d["held_on"],
                entitled=d["entitled"],
                present=d["present"],
                note=d["note"],
                minutes=d["minutes"],
                actor=actor_for(request),
            )
        except services.MeetingRecorded as exc:
            form.add_error(None, str(exc))
            form.recorded = exc.meeting  # the page links it: the user may see what their scope holds
        except (services.InvalidInput, services.StepNotAllowed, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "会议已记录")
            return redirect("cases:meeting", pk=meeting.pk)
    page = paginate(request, selectors.meetings_listed_for(request.user), size=PAGE_SIZE)
    return render(request, "cases/meeting_list.html", {"page": page, "meetings": page, "form": form})


def _prefill(user) -> dict:
    """A secretary of one branch: that branch's 支部大会, 应到 from its roster today."""
    branches = selectors.visible_branches(user)
    if len(branches) != 1:
        return {}
    body = steps.Body.BRANCH_ASSEMBLY
    return {
        "org": branches[0],
        "body": body,
        "entitled": selectors.entitled_on(branches[0], body, timezone.localdate()),
    }


@require_GET
def meeting_entitled(request):
    """The 应到 field again, prefilled from the roster on the day now chosen (htmx); an
    organization outside the user's scope is not found."""
    name = request.GET.get("name")
    if name not in ENTITLED_SOURCES:
        raise Http404
    org = get_object_or_404(organizations_visible_to(request.user), pk=object_id(request.GET.get("org")))
    body = request.GET.get("body", "")
    try:
        day = date_field("会议日期").clean(request.GET.get(ENTITLED_SOURCES[name][2]))
    except ValidationError:  # no valid day (yet): the field is answered empty
        day = None
    value = selectors.entitled_on(org, body, day) if day else None
    fixed = {"org": org.pk, "body": body} if name == "meeting_entitled" else None
    field = entitled_field(name, initial=value, fixed=fixed)
    field.widget.attrs["class"] = "form-control"
    response = HttpResponse(field.widget.render(name, value, attrs={"id": f"id_{name}"}))
    response["Vary"] = "HX-Request"
    return response


@require_GET
def meeting_detail(request, pk):
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)
    votes = selectors.meeting_decisions(meeting, request.user)
    holds = selectors.holds_meeting(request.user, meeting)
    return render(
        request,
        "cases/meeting_detail.html",
        {"meeting": meeting, "votes": votes, "holds": holds, "minutes": holds and bool(meeting.minutes)},
    )


@require_GET
def meeting_minutes(request, pk):
    """The minutes, to those whose organization held the meeting (a branch that sees a 党委会 for
    its own cases does not read the minutes of the others'); the read recorded first."""
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)
    if not meeting.minutes or not selectors.holds_meeting(request.user, meeting):
        raise Http404
    back = reverse("cases:meeting", args=[meeting.pk])
    if refused := read_refused(
        request, kind=ReadKind.MINUTES, obj=meeting, what=f"会议记录：{meeting}", back=back
    ):
        return refused
    name = f"{meeting.org.name}{meeting.get_body_display()}{meeting.held_on:%Y%m%d}会议记录"
    suffix = meeting.minutes.name.rsplit(".", 1)[-1].lower()
    return FileResponse(meeting.minutes.open("rb"), as_attachment=True, filename=f"{name}.{suffix}")
