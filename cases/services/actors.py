"""Who acts, in which role, for which organization — resolved once per write."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from branches.models import Organization, Role
from branches.permissions import RoleGrant, grants_covering
from cases.models import EventSource


@dataclass(frozen=True)
class Actor:
    user: object
    ip: str | None = None
    source: str = EventSource.WEB


def as_actor(actor) -> Actor:
    return actor if isinstance(actor, Actor) else Actor(user=actor)


def acting_grant(user, branch: Organization, roles) -> RoleGrant:
    """The nearest grant of one of `roles` that covers the branch, or 403."""
    grants = grants_covering(user, branch, roles=set(roles))
    if not grants:
        raise PermissionDenied("您的角色无权办理此事项。")
    return max(grants, key=lambda g: len(g.org.path))


def require_role(user, branch: Organization, *roles: Role) -> RoleGrant:
    return acting_grant(user, branch, roles)
