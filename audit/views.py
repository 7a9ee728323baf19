"""The organization department's audit desk: the audit browser (four tabs, filters, keyset pages)
and its exports. Only the audit roles read it (cases.permissions.audit_orgs): everyone else 403."""

import logging

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from audit import exports, feed
from audit.forms import AuditFilterForm, orgs_in
from audit.reads import REFUSAL
from audit.selectors import audit_record, audit_scope, case_history, last_verification, written_with
from audit.tabs import TABS
from cases.models import CaseEvent
from cases.permissions import NO_AUDIT
from cases.web import address_prefix, client_ip

logger = logging.getLogger(__name__)
PAGE_SIZE = 50


def _desk(request, tab_key: str):
    """(scope, tab, form) for the request: 403 without an audit role, 404 for an unknown tab."""
    scope = _scope(request)
    tab = TABS.get(tab_key)
    if tab is None:
        raise Http404
    form = AuditFilterForm(request.GET, tab=tab, orgs=orgs_in(scope))
    return scope, tab, form


def _render(request, tab, form, page=None, errors=(), status=200):
    query = request.GET.copy()
    query.pop("after", None)
    following = query.copy()
    if page is not None and page.next is not None:
        following["after"] = page.next.token()
    return render(
        request,
        "audit/browser.html",
        {
            "tabs": TABS.values(),
            "tab": tab,
            "form": form,
            "page": page,
            "errors": [*errors, *(form.error_list if form.is_bound else [])],
            "verified": last_verification(),
            "query": query.urlencode(),
            "next_query": following.urlencode() if page is not None and page.next else "",
            "deep": bool(request.GET.get("after")),
            # each row links its page and its case's history: record/<table>/<id>/, case/<id>/
            # (audit.urls) below this root, built by the template without a reverse() per row
            "root": reverse("audit:browser"),
            "case_root": address_prefix("cases:detail"),
        },
        status=status,
    )


@require_GET
def browser(request, tab="events"):
    scope, tab, form = _desk(request, tab)
    if not form.is_valid():
        return _render(request, tab, form)
    errors, cursor = [], None
    if request.GET.get("after"):
        try:
            cursor = feed.Cursor.parse(request.GET["after"])
        except feed.BadCursor as exc:
            errors.append(str(exc))
    page = feed.page(tab.sources, form.resolved(scope), cursor, PAGE_SIZE)
    return _render(request, tab, form, page, errors)


@require_GET
def export(request, tab, fmt):
    if fmt not in exports.TYPES:
        raise Http404
    scope, tab, form = _desk(request, tab)
    if not form.is_valid():
        return _render(request, tab, form, status=400)
    try:
        stream, _ = exports.export(
            request.user, tab, form.resolved(scope), form.applied(), fmt, ip=client_ip(request)
        )
    except DatabaseError:
        logger.exception("审计导出记录写入失败，已拒绝导出")
        return _render(request, tab, form, errors=[REFUSAL.replace("下载", "导出")], status=503)
    name = f"审计记录-{tab.label}-{timezone.localtime():%Y%m%d-%H%M}.{fmt}"
    return FileResponse(stream, as_attachment=True, filename=name, content_type=exports.TYPES[fmt])


def _scope(request):
    scope = audit_scope(request.user)
    if scope is None:
        raise PermissionDenied(NO_AUDIT)
    return scope


@require_GET
def record(request, origin, pk):
    """One row's own page: who, when, from where, and its change side by side."""
    scope = _scope(request)
    found = audit_record(scope, origin, pk)
    if found is None:
        raise Http404
    tab, row, obj = found
    related = written_with(scope, obj) if isinstance(obj, CaseEvent) else []
    context = {"tab": tab, "row": row, "related": related, "note": getattr(obj, "note", "")}
    return render(request, "audit/record.html", context)


@require_GET
def case(request, pk):
    """A case's whole history (events and field changes, oldest first) as one printable page."""
    found = case_history(_scope(request), pk)
    if found is None:
        raise Http404
    case, rows = found
    context = {"case": case, "rows": rows, "printed": timezone.localtime(), "by": request.user}
    return render(request, "audit/case_history.html", context)
