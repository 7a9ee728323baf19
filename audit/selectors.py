"""Who reads which audit: the scope of the audit browser and its exports, from the one policy
(cases.permissions.audit_orgs) — None for a user who may not read it (403). And the reads of the
pages below the browser, each narrowed by that same scope (a row outside it is None: 404): one row
of any tab (its own page), the field changes written with a case event, a case's whole history."""

import dataclasses
import datetime as dt

from audit import feed
from audit.forms import AuditFilterForm, orgs_in
from audit.models import VerifyRun
from audit.tabs import TABS, AuditRow, Scope, Tab
from branches.models import Role
from branches.permissions import role_grants
from cases.models import Case, CaseEvent
from cases.permissions import audit_orgs

# Every table of every tab by its key: the address of a row's own page names the table and the id.
ORIGINS = {source.key: (tab, source) for tab in TABS.values() for source in tab.sources}
# A case's whole history: its events and its field changes in one order (ranks made distinct).
CASE_HISTORY = tuple(
    dataclasses.replace(source, rank=rank)
    for rank, source in enumerate([*TABS["events"].sources, *TABS["fields"].sources])
)
# The field changes a case event's write made: a write saves its rows, then records its event (the
# services' order), so they are the case's rows by the same user recorded after the case's previous
# event and up to this one — and no longer than this before it.
SAME_WRITE = dt.timedelta(seconds=3)
INSTANT = dt.timedelta(microseconds=1)


def audit_scope(user) -> Scope | None:
    orgs = audit_orgs(user)
    if not orgs:
        return None
    county = any(g.role == Role.DEPARTMENT_AUDITOR for g in role_grants(user))
    return Scope(orgs=tuple(orgs), county=county)


def last_verification() -> VerifyRun | None:
    """When the audit trail was last verified, and the result (shown on the browser)."""
    return VerifyRun.objects.order_by("-started_at", "-pk").first()


def everything(scope: Scope) -> dict:
    """The filters of the whole scope (nothing chosen), as the browser's form resolves them."""
    form = AuditFilterForm({}, tab=TABS["events"], orgs=orgs_in(scope))
    form.is_valid()
    return form.resolved(scope)


def audit_record(scope: Scope, origin: str, pk: int) -> tuple[Tab, AuditRow, object] | None:
    """One row of a tab (the table `origin`, its id `pk`) as the browser shows it, with its tab and
    the object itself; None when there is no such row in the scope."""
    if origin not in ORIGINS:
        return None
    tab, source = ORIGINS[origin]
    rows = source.rows(everything(scope))
    obj = rows.filter(**{source.pk: pk}).first() if rows is not None else None
    if obj is None:
        return None
    row = source.present([obj])[0]
    row.origin, row.pk = origin, pk
    return tab, row, obj


def written_with(scope: Scope, event: CaseEvent) -> list[AuditRow]:
    """The field changes of the event's case its user recorded with it (see SAME_WRITE)."""
    since = event.created_at - SAME_WRITE
    earlier = CaseEvent.objects.filter(case_id=event.case_id, seq__lt=event.seq).order_by("-seq")
    previous = earlier.values_list("created_at", flat=True).first()
    if previous is not None and previous >= since:
        since = previous + INSTANT
    filters = everything(scope) | {
        "case_ids": [event.case_id],
        "user_ids": [event.actor_id],
        "since": since,
        "until": event.created_at + INSTANT,
    }
    return feed.page(TABS["fields"].sources, filters, None, 50).rows[::-1]


def case_history(scope: Scope, case_id: int) -> tuple[Case, list[AuditRow]] | None:
    """The case (if in the scope) and every event and field change of it, oldest first."""
    filters = everything(scope)
    case = (
        Case.objects.filter(branch_id__in=filters["branch_ids"], pk=case_id)
        .select_related("person", "branch")
        .first()
    )
    if case is None:
        return None
    rows = list(feed.every_row(CASE_HISTORY, filters | {"case_ids": [case.pk]}))
    return case, rows[::-1]
