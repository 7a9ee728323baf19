"""Who holds which role where: the only module (with branches/services.py) that touches guardian.

A role is a guardian object permission `branches.role_<role>` on an Organization; it reaches the
organization and everything below it. Case permissions are never granted per case.
"""

import datetime as dt
import functools
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import BigIntegerField, CharField, F, Q, Value
from django.db.models.functions import Cast
from django.utils import timezone
from guardian.models import GroupObjectPermission, UserObjectPermission

from branches.models import Delegation, Organization, Role, recorded_role


@dataclass(frozen=True)
class RoleGrant:
    """A role held on an organization: directly, or — `acting_for` names the officer — under a
    delegation (代理) in force today, which acts exactly like the officer's own grant."""

    role: Role
    org: Organization
    acting_for: str = ""
    delegation_id: int | None = None

    def covers(self, org: Organization) -> bool:
        return org.path.startswith(self.org.path)

    @property
    def delegated(self) -> bool:
        return self.delegation_id is not None

    @property
    def label(self) -> str:
        base = f"{self.role.label} · {self.org.name}"
        return f"{base}（代{self.acting_for}）" if self.delegated else base

    @property
    def recorded_role(self) -> str:
        """The role text the events written in this grant record (「代某某办理」 under a delegation)."""
        return recorded_role(self.role.value, self.acting_for)


def person_name(user) -> str:
    return user.get_full_name() or user.get_username()


_ROLE_BY_CODENAME = {role.permission: role for role in Role}


def role_grants(user) -> list[RoleGrant]:
    """Every (role, organization) the user holds — their own grants and the delegations (代理) in
    force for them today; cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_grants", None)
    if cached is not None:
        return cached
    rows = _grant_rows(user.pk, timezone.localdate())
    own = {
        RoleGrant(_ROLE_BY_CODENAME[code], org)
        for code, delegation_id, _names, org in rows
        if delegation_id is None
    }
    held = {(g.role, g.org.pk) for g in own}
    delegated = {
        RoleGrant(Role(role), org, _delegator_name(*names), delegation_id)
        for role, delegation_id, names, org in rows
        if delegation_id is not None and (Role(role), org.pk) not in held
    }
    grants = sorted(
        own | delegated,
        key=lambda g: (list(Role).index(g.role), g.org.path, g.delegated, g.delegation_id or 0),
    )
    user._role_grants = grants
    return grants


# Stand-ins the grants query is compiled with once per process (see _grant_rows).
_USER_STANDIN = -724_311_905
_CONTENT_TYPE_STANDIN = -724_311_906
_DAY_STANDIN = dt.date(1111, 11, 11)
_ORG_FIELDS = Organization._meta.concrete_fields


def _grant_rows(user_id: int, today: dt.date) -> list[tuple]:
    """Every grant of the user, with its organization, in one query: (permission codename — for a
    delegation, its role —, delegation id or None, the delegator's (first name, last name,
    username), Organization). Their own grants and their groups' (no delegation), then the
    delegations in force for them `today`.

    The query is built by the ORM once per process, with stand-ins for the user and the day, and
    run with the real ones: building and compiling a three-part union costs twice what running it
    does, on every page."""
    sql, params = _grants_sql()
    as_date = connection.ops.adapt_datefield_value  # what the ORM put in `params` for a date
    stand_ins = {
        _USER_STANDIN: user_id,
        _CONTENT_TYPE_STANDIN: ContentType.objects.get_for_model(Organization).pk,
        as_date(_DAY_STANDIN): as_date(today),
    }
    bound = [stand_ins.get(p, p) for p in params]
    with connection.cursor() as cursor:
        cursor.execute(sql, bound)
        found = cursor.fetchall()
    attnames = [f.attname for f in _ORG_FIELDS]
    return [
        (code, delegation, (first, last, username), Organization.from_db(connection.alias, attnames, org))
        for code, delegation, first, last, username, *org in found
    ]


@functools.cache
def _grants_sql() -> tuple[str, tuple]:
    ct = _CONTENT_TYPE_STANDIN
    codenames = list(_ROLE_BY_CODENAME)
    no_delegation = {
        "delegation": Cast(Value(None), BigIntegerField()),
        "first": Value(""),
        "last": Value(""),
        "username": Value(""),
    }
    columns = ("codename", "org_pk", "delegation", "first", "last", "username")
    direct = UserObjectPermission.objects.filter(
        user=_USER_STANDIN, content_type_id=ct, permission__codename__in=codenames
    ).annotate(codename=F("permission__codename"), org_pk=F("object_pk"), **no_delegation)
    through_groups = GroupObjectPermission.objects.filter(
        group__user=_USER_STANDIN, content_type_id=ct, permission__codename__in=codenames
    ).annotate(codename=F("permission__codename"), org_pk=F("object_pk"), **no_delegation)
    delegated = (
        Delegation.objects.live_on(_DAY_STANDIN)
        .filter(delegate=_USER_STANDIN)
        .annotate(
            codename=F("role"),  # the role itself (its permission's codename is Role.permission)
            org_pk=Cast("org_id", CharField()),
            delegation=F("pk"),
            first=F("delegator__first_name"),
            last=F("delegator__last_name"),
            username=F("delegator__username"),
        )
        .order_by()
    )
    grants = (
        direct.values_list(*columns)
        .union(through_groups.values_list(*columns), all=True)
        .union(delegated.values_list(*columns), all=True)
    )
    union_sql, params = grants.query.sql_with_params()
    missing = {_USER_STANDIN, _CONTENT_TYPE_STANDIN, connection.ops.adapt_datefield_value(_DAY_STANDIN)}
    missing -= set(params)
    if missing:  # a stand-in the ORM rewrote would leave every user without grants
        raise RuntimeError(f"grants query: stand-ins not found among its parameters: {missing}")
    quote = connection.ops.quote_name
    org_columns = ", ".join(f"o.{quote(f.column)}" for f in _ORG_FIELDS)
    sql = (
        f"SELECT g.codename, g.delegation, g.first, g.last, g.username, {org_columns} "
        f"FROM ({union_sql}) g JOIN {quote(Organization._meta.db_table)} o "
        "ON CAST(o.id AS varchar(40)) = g.org_pk"
    )
    return sql, params


def _delegator_name(first_name: str, last_name: str, username: str) -> str:
    return person_name(get_user_model()(first_name=first_name, last_name=last_name, username=username))


def grants_covering(user, org: Organization, roles=None) -> list[RoleGrant]:
    return [g for g in role_grants(user) if g.covers(org) and (roles is None or g.role in roles)]


def acting_grant_for(user, org: Organization, roles, prefer: int | None = None) -> RoleGrant | None:
    """The grant the user acts in on `org` in one of `roles`: the one held on the organization
    `prefer` (an id: e.g. where a report waits), else the nearest; None when they hold none there."""
    grants = grants_covering(user, org, roles=set(roles))
    preferred = [g for g in grants if prefer is not None and g.org.pk == prefer]
    if preferred:
        return preferred[0]
    return max(grants, key=lambda g: len(g.org.path), default=None)


def own_grants(user) -> list[RoleGrant]:
    """The grants the user holds in their own right: what they may delegate (a delegate may not)."""
    return [g for g in role_grants(user) if not g.delegated]


def has_role(user, role: Role) -> bool:
    return any(g.role == role for g in role_grants(user))


def forget_cached_grants(user) -> None:
    for attribute in ("_role_grants", "_visible_branches"):
        if hasattr(user, attribute):
            delattr(user, attribute)


@dataclass(frozen=True)
class GrantRow:
    """One role grant as the role screen lists it (`pk`: the grant, for revoking it)."""

    pk: int
    user: object
    role: Role
    org: Organization


def grant_rows(orgs, *, users=None, search: str = "", role: Role | None = None) -> list[GrantRow]:
    """The users' own role grants on `orgs` (a queryset of organizations), by organization, role,
    user: `users` narrows to some users, `search` to a name or username containing it."""
    ct = ContentType.objects.get_for_model(Organization)
    by_id = {org.pk: org for org in orgs}
    codenames = [role.permission] if role else list(_ROLE_BY_CODENAME)
    rows = UserObjectPermission.objects.filter(
        content_type=ct, permission__codename__in=codenames, object_pk__in=[str(pk) for pk in by_id]
    ).select_related("user", "permission")
    if users is not None:
        rows = rows.filter(user__in=users)
    if search:
        rows = rows.filter(
            Q(user__username__icontains=search)
            | Q(user__first_name__icontains=search)
            | Q(user__last_name__icontains=search)
        )
    found = [
        GrantRow(r.pk, r.user, _ROLE_BY_CODENAME[r.permission.codename], by_id[int(r.object_pk)])
        for r in rows
    ]
    return sorted(found, key=lambda g: (g.org.path, list(Role).index(g.role), g.user.get_username()))


def grant_holder_ids(orgs=None):
    """The ids of users holding a role grant of their own (on `orgs`, when given), as a subquery."""
    ct = ContentType.objects.get_for_model(Organization)
    rows = UserObjectPermission.objects.filter(
        content_type=ct, permission__codename__in=list(_ROLE_BY_CODENAME)
    )
    if orgs is not None:
        rows = rows.filter(object_pk__in=[str(pk) for pk in orgs.values_list("pk", flat=True)])
    return rows.values("user_id")


def grant_row(pk: int, orgs) -> UserObjectPermission | None:
    """The role grant `pk` when it lies on one of `orgs` (else None: a 404 for the screen)."""
    ct = ContentType.objects.get_for_model(Organization)
    return (
        UserObjectPermission.objects.filter(
            pk=pk, content_type=ct, permission__codename__in=list(_ROLE_BY_CODENAME)
        )
        .filter(object_pk__in=[str(pk) for pk in orgs.values_list("pk", flat=True)])
        .first()
    )


def holders() -> set[tuple[Role, int, int]]:
    """Every (role, organization id, user id) held by an active user, directly, through a group or
    under a delegation in force today: the grants of everyone at once, for jobs that work out who
    is told (reminders)."""
    ct = ContentType.objects.get_for_model(Organization)
    codenames = list(_ROLE_BY_CODENAME)
    direct = UserObjectPermission.objects.filter(
        content_type=ct, permission__codename__in=codenames, user__is_active=True
    ).values_list("permission__codename", "object_pk", "user_id")
    by_group = GroupObjectPermission.objects.filter(
        content_type=ct, permission__codename__in=codenames, group__user__is_active=True
    ).values_list("permission__codename", "object_pk", "group__user__id")
    delegated = (
        Delegation.objects.live_on(timezone.localdate())
        .filter(delegate__is_active=True)
        .values_list("role", "org_id", "delegate_id")
    )
    return {(_ROLE_BY_CODENAME[code], int(pk), user) for code, pk, user in [*direct, *by_group]} | {
        (Role(role), org, user) for role, org, user in delegated
    }
