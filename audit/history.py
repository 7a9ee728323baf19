"""simple-history's HistoricalRecords with its models named in Chinese: 「历史记录：会议」 where the
package names them 「historical 会议」 (a format string it does not translate), as the admin's
lists, headers and breadcrumbs show them. Every model's history is declared with this class.

The acting context: who writes, as the field-history rows record it beside the case events — the
role, the organization, the door (EventSource) and the address. The write path opens it where it
resolves who acts (cases.services.actors: `writes` around each service entry point, `granted` adding
the role and organization once the grant is known; `acting_as` around the importer's writes;
branches.services' configuration changes in the grant the policy allowed them, `acting_in_grant`);
`stamp_acting` (connected in AuditConfig.ready) stamps each row simple-history writes from it.
A write outside any context is stamped from the request, if any: the admin site's → admin, any
other → web, with the address (cases.web.client_ip, the one answer the events use) and the user's
role and organization when they hold exactly one; no request (a command, a Celery task) → system
job. The bulk writer (cases.services.backfill) stamps its rows itself with `history_columns`."""

import contextlib
import dataclasses
from contextvars import ContextVar

from django.urls import NoReverseMatch, reverse
from django.utils.text import format_lazy
from simple_history.models import HistoricalRecords as PackageHistoricalRecords

from audit.models import EventSource, SealedHistoryRow

PREFIX = "历史记录："


class HistoricalRecords(PackageHistoricalRecords):
    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        if not self.user_set_verbose_name:
            options["verbose_name"] = format_lazy("{}{}", PREFIX, model._meta.verbose_name)
        if not self.user_set_verbose_name_plural:
            options["verbose_name_plural"] = format_lazy("{}{}", PREFIX, model._meta.verbose_name_plural)
        return options

    def get_meta_options_m2m(self, through_model):
        options = super().get_meta_options_m2m(through_model)
        options["verbose_name"] = format_lazy("{}{}", PREFIX, through_model._meta.verbose_name)
        options["verbose_name_plural"] = format_lazy("{}{}", PREFIX, through_model._meta.verbose_name_plural)
        return options


@dataclasses.dataclass(frozen=True)
class Acting:
    """Who writes: the door (EventSource value), the role as events record it, the organization's
    id, the address."""

    source: str
    role: str = ""
    org_id: int | None = None
    ip: str | None = None

    def in_grant(self, grant) -> "Acting":
        """Acting in `grant` (a branches.permissions.RoleGrant: its role as events record it, with
        「代某某办理」, and its organization); None: no grant resolvable, role and organization blank."""
        if grant is None:
            return dataclasses.replace(self, role="", org_id=None)
        return dataclasses.replace(self, role=grant.recorded_role, org_id=grant.org.pk)


_acting: ContextVar[Acting | None] = ContextVar("audit_acting", default=None)


@contextlib.contextmanager
def acting(who: Acting):
    """The acting context for the writes inside (nested: the innermost counts, the outer one is
    back on leaving)."""
    token = _acting.set(who)
    try:
        yield
    finally:
        _acting.reset(token)


def acting_in_grant(grant):
    """The writes inside record `grant`'s role and organization, the door and the address as they
    stand (the open context's, else the request's): configuration changes, where the policy names
    the grant."""
    return acting(current_acting().in_grant(grant))


def acting_in(grant) -> None:
    """The grant is resolved: the open context's writes from now on record its role and
    organization (until the context closes). No context open: nothing to record."""
    current = _acting.get()
    if current is not None:
        _acting.set(current.in_grant(grant))


def current_acting() -> Acting:
    """The open context (the request's address when its actor named none), else what the request
    (or its absence) says (see the module's note)."""
    from cases.web import client_ip  # noqa: PLC0415 - cases' models import this module

    current = _acting.get()
    request = getattr(PackageHistoricalRecords.context, "request", None)
    if current is not None:
        if current.ip is None and request is not None:
            return dataclasses.replace(current, ip=client_ip(request))
        return current
    if request is None:
        return Acting(source=EventSource.SYSTEM)
    from branches.permissions import role_grants  # noqa: PLC0415 - branches' models import this module

    user = getattr(request, "user", None)
    grants = role_grants(user) if user is not None else []
    source = EventSource.ADMIN if _in_admin(request) else EventSource.WEB
    return Acting(source=source, ip=client_ip(request)).in_grant(grants[0] if len(grants) == 1 else None)


def _in_admin(request) -> bool:
    try:
        return request.path.startswith(reverse("admin:index"))
    except NoReverseMatch:
        return False


def history_columns(who: Acting) -> dict:
    """The columns a field-history row records of who acted, by attname."""
    return {
        "history_ip": who.ip,
        "history_role": who.role,
        "history_org_id": who.org_id,
        "history_source": who.source,
    }


def stamp_acting(sender, history_instance, **kwargs) -> None:
    """pre_create_historical_record: before the row is sealed, who acted (a column already set is
    kept)."""
    if not isinstance(history_instance, SealedHistoryRow):
        return
    for attname, value in history_columns(current_acting()).items():
        if getattr(history_instance, attname) in (None, ""):
            setattr(history_instance, attname, value)
