"""会议: each 支委会 / 支部大会 / 党委会 recorded once, listed with the cases it decided."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from branches.selectors import full_member_count, organizations_visible_to
from cases import selectors, services
from cases.models import Meeting
from cases.services.errors import InvalidInput


class MeetingForm(forms.Form):
    org = forms.ModelChoiceField(label="召开组织", queryset=None, empty_label="请选择")
    body = forms.ChoiceField(
        label="会议", choices=[("", "请选择")] + list(Meeting._meta.get_field("body").choices)
    )
    held_on = forms.DateField(
        label="会议日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "请输入有效日期"},
    )
    entitled = forms.IntegerField(label="应到会有表决权人数", min_value=0, max_value=999)
    present = forms.IntegerField(label="实到会有表决权人数", min_value=0, max_value=999)
    note = forms.CharField(
        label="备注", required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["org"].queryset = organizations_visible_to(user).order_by("path")


@require_http_methods(["GET", "POST"])
def meeting_list(request):
    meetings = (
        selectors.meetings_visible_to(request.user)
        .annotate(decided=Count("votes"))
        .order_by("-held_on", "-pk")
    )
    form = MeetingForm(request.POST or None, user=request.user, initial=_prefill(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meeting = services.record_meeting_once(
                org=d["org"],
                body=d["body"],
                held_on=d["held_on"],
                entitled=d["entitled"],
                present=d["present"],
                note=d["note"],
                actor=request.user,
            )
        except (InvalidInput, services.StepNotAllowed, PermissionDenied) as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, "会议已记录")
            return redirect("cases:meeting", pk=meeting.pk)
    return render(request, "cases/meeting_list.html", {"meetings": meetings[:200], "form": form})


def _prefill(user) -> dict:
    """A secretary of one branch: that branch, with 应到 from its roster of full members."""
    branches = selectors.visible_branches(user)
    if len(branches) != 1:
        return {}
    return {"org": branches[0], "entitled": full_member_count(branches[0])}


@require_GET
def meeting_detail(request, pk):
    meeting = get_object_or_404(selectors.meetings_visible_to(request.user), pk=pk)
    votes = selectors.meeting_decisions(meeting, request.user)
    return render(request, "cases/meeting_detail.html", {"meeting": meeting, "votes": votes})
