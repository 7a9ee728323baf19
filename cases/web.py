"""The web pieces the case file's views and forms share with the other apps (the desk, imports, the
account pages): who acts from which address, pages of a list, the styled form every form starts
from, and the date and count fields every form takes. Public on purpose: other apps import this
module, never cases.views or cases.forms."""

from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.urls import reverse

from cases import dates

DATE_HINT = "年-月-日，例如 2025-03-05"
DATE_ERROR = "日期格式不正确，请按 YYYY-MM-DD 填写（例如 2025-03-05）"
PAGE_SIZE = 50


def client_ip(request) -> str | None:
    """The one answer to "from which address": the audit trail, login lockouts and rate limits.
    Behind the reverse proxy (settings.BEHIND_PROXY), REMOTE_ADDR is the proxy's own: the client is
    the last address the proxy appended to X-Forwarded-For (earlier ones the client could forge)."""
    if settings.BEHIND_PROXY:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if forwarded[-1]:
            return forwarded[-1]
    return request.META.get("REMOTE_ADDR")


def read_refused(request, *, kind, obj, what: str, back, case_id: int | None = None):
    """Record a read before it is served (audit.reads): None when recorded; when the record cannot
    be written, the refusal shown as a message and a redirect to `back` (never a read unrecorded)."""
    from django.contrib import messages
    from django.shortcuts import redirect

    from audit.reads import ReadNotRecorded, record_read

    try:
        record_read(user=request.user, kind=kind, obj=obj, what=what, ip=client_ip(request), case_id=case_id)
    except ReadNotRecorded as exc:
        messages.error(request, str(exc))
        return redirect(back)
    return None


def actor_for(request, source: str | None = None):
    """The audit identity of the request's user for the services (cases.services.Actor): `source`
    the door the write came through (cases.models.EventSource: the case file's forms by default,
    the committee's desk EventSource.DESK)."""
    from cases.models import EventSource
    from cases.services import Actor

    return Actor(user=request.user, ip=client_ip(request), source=source or EventSource.WEB)


def address_prefix(url_name: str) -> str:
    """The address of `url_name`'s objects up to their id: an object's is prefix + id + "/". Pages
    that link many rows build the addresses from it once per request (a reverse() costs ~20 µs)."""
    return reverse(url_name, args=[1])[: -len("1/")]


def paginate(request, queryset, size: int = PAGE_SIZE, count_from=None):
    """A page of `queryset`; `count_from` counts without the joins a values() list needs."""
    paginator = Paginator(queryset, size)
    if count_from is not None:
        paginator.__dict__["count"] = count_from.count()  # Paginator.count is a cached_property
    return paginator.get_page(request.GET.get("page"))


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def validate_date_in_range(value) -> None:
    if not dates.in_range(value):
        raise forms.ValidationError(dates.out_of_range_message(value), code="out_of_range")


def date_field(label, required=True, **kwargs):
    """Every date the forms take: YYYY-MM-DD within the product's range (cases.dates)."""
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(
            attrs={
                "min": dates.EARLIEST.isoformat(),
                "max": dates.LATEST.isoformat(),
                "placeholder": DATE_HINT,
                "title": DATE_HINT,
            }
        ),
        input_formats=["%Y-%m-%d"],
        validators=[validate_date_in_range],
        error_messages={"invalid": DATE_ERROR, "required": f"请填写{label}"},
        **kwargs,
    )


def count_field(label, required=True, max_value=9999, initial=None):
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=max_value,
        initial=initial,
        error_messages={
            "invalid": f"{label}须为整数",
            "min_value": f"{label}不能为负数",
            "max_value": f"{label}不能超过 {max_value}",
            "required": f"请填写{label}",
        },
    )


class StyledForm(forms.Form):
    """Bootstrap classes on every widget, so templates render fields uniformly."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple | forms.HiddenInput):
                continue
            css = "form-select" if isinstance(widget, forms.Select) else "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()
