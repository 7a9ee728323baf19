"""Who holds which role where: the only module (with branches/services.py) that touches guardian.

A role is a guardian object permission `branches.role_<role>` on an Organization; it reaches the
organization and everything below it. Case permissions are never granted per case.
"""

from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from guardian.models import GroupObjectPermission, UserObjectPermission

from branches.models import Organization, Role


@dataclass(frozen=True)
class RoleGrant:
    role: Role
    org: Organization

    def covers(self, org: Organization) -> bool:
        return org.path.startswith(self.org.path)

    @property
    def label(self) -> str:
        return f"{self.role.label} · {self.org.name}"


_ROLE_BY_CODENAME = {role.permission: role for role in Role}


def role_grants(user) -> list[RoleGrant]:
    """Every (role, organization) the user holds; cached on the user object for the request."""
    if not user.is_authenticated:
        return []
    cached = getattr(user, "_role_grants", None)
    if cached is not None:
        return cached
    ct = ContentType.objects.get_for_model(Organization)
    codenames = list(_ROLE_BY_CODENAME)
    rows = list(
        UserObjectPermission.objects.filter(
            user=user, content_type=ct, permission__codename__in=codenames
        ).values_list("permission__codename", "object_pk")
    ) + list(
        GroupObjectPermission.objects.filter(
            group__user=user, content_type=ct, permission__codename__in=codenames
        ).values_list("permission__codename", "object_pk")
    )
    orgs = Organization.objects.in_bulk({int(pk) for _, pk in rows})
    grants = sorted(
        {RoleGrant(_ROLE_BY_CODENAME[code], orgs[int(pk)]) for code, pk in rows if int(pk) in orgs},
        key=lambda g: (list(Role).index(g.role), g.org.path),
    )
    user._role_grants = grants
    return grants


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


def has_role(user, role: Role) -> bool:
    return any(g.role == role for g in role_grants(user))


def forget_cached_grants(user) -> None:
    for attribute in ("_role_grants", "_visible_branches"):
        if hasattr(user, attribute):
            delattr(user, attribute)


def holders() -> set[tuple[Role, int, int]]:
    """Every (role, organization id, user id) held by an active user, directly or through a group:
    the grants of everyone at once, for jobs that work out who is told (reminders)."""
    ct = ContentType.objects.get_for_model(Organization)
    codenames = list(_ROLE_BY_CODENAME)
    direct = UserObjectPermission.objects.filter(
        content_type=ct, permission__codename__in=codenames, user__is_active=True
    ).values_list("permission__codename", "object_pk", "user_id")
    by_group = GroupObjectPermission.objects.filter(
        content_type=ct, permission__codename__in=codenames, group__user__is_active=True
    ).values_list("permission__codename", "object_pk", "group__user__id")
    return {(_ROLE_BY_CODENAME[code], int(pk), user) for code, pk, user in [*direct, *by_group]}
