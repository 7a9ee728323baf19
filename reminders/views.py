"""The reminders' pages: the notifications list (filters, mark read), opening a notice (to the
case's step), 「我的提醒设置」 (e-mail, opt-out, calendar feed) and the calendar feed itself."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.decorators.vary import vary_on_headers
from django_htmx.http import HttpResponseClientRedirect

from branches.permissions import role_grants
from cases.web import paginate
from reminders import feed, selectors
from reminders.forms import NoticeFilterForm, PreferenceForm
from reminders.models import ReminderPreference
from reminders.services import preferences


@require_GET
@vary_on_headers("HX-Request")
def notice_list(request):
    orgs = sorted({g.org for g in role_grants(request.user)}, key=lambda o: o.path)
    form = NoticeFilterForm(request.GET or None, orgs=orgs)
    notices = (
        form.filter(selectors.notices_for(request.user))
        if form.is_bound
        else selectors.notices_for(request.user)
    )
    page = paginate(request, notices.order_by("-swept_on", "-pk"))
    context = {"form": form, "page": page, "today": timezone.localdate(), "query": _query(request)}
    template = "reminders/notice_list.html#rows" if request.htmx else "reminders/notice_list.html"
    return render(request, template, context)


def _query(request) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_GET
def notice_open(request, pk):
    """Open a notice: it is read, and the user lands on the case's step."""
    notice = selectors.notice_of(request.user, pk)
    if notice is None:
        raise Http404("没有这条提醒")
    preferences.mark_read(user=request.user, pk=notice.pk)
    return redirect(f"{notice.deadline.case.get_absolute_url()}#step-{notice.deadline.step}")


@require_POST
def notice_read(request, pk):
    if not preferences.mark_read(user=request.user, pk=pk):
        raise Http404("没有这条提醒")
    return _back(request, "已标记为已读。")


@require_POST
def notice_read_all(request):
    n = preferences.mark_all_read(user=request.user)
    return _back(request, f"已将 {n} 条提醒标记为已读。" if n else "没有未读提醒。")


def _back(request, message):
    messages.success(request, message)
    url = reverse("reminders:list")
    target = request.POST.get("next", "")
    if target.startswith(url):  # back to the filtered list, never elsewhere
        url = target
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_http_methods(["GET", "POST"])
def settings_page(request):
    pref = ReminderPreference.for_user(request.user)
    form = PreferenceForm(
        request.POST or None, initial={"email": request.user.email, "email_opt_out": pref.email_opt_out}
    )
    if request.method == "POST" and form.is_valid():
        preferences.save_preferences(user=request.user, **form.cleaned_data)
        messages.success(request, "提醒设置已保存。")
        return redirect("reminders:settings")
    feed_url = (
        request.build_absolute_uri(reverse("reminders:feed", args=[pref.ical_token]))
        if pref.ical_token
        else ""
    )
    return render(request, "reminders/settings.html", {"form": form, "pref": pref, "feed_url": feed_url})


@require_POST
def calendar_token(request):
    if request.POST.get("action") == "revoke":
        preferences.revoke_feed_token(user=request.user)
        messages.success(request, "日历订阅地址已停用，原地址不再可用。")
    else:
        preferences.new_feed_token(user=request.user)
        messages.success(request, "已生成新的日历订阅地址（旧地址随即失效）。")
    return redirect("reminders:settings")


@login_not_required
@require_GET
def calendar_feed(request, token):
    """The secret feed: no login, the token must match a user's current one (else 404)."""
    pref = (
        ReminderPreference.objects.select_related("user")
        .filter(ical_token=token, user__is_active=True)
        .first()
        if token
        else None
    )
    if pref is None:
        raise Http404
    body = feed.calendar_for(pref.user, selectors.deadlines_for(pref.user))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="deadlines.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
