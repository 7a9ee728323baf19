"""Who acts, in which role, for which organization — resolved once per write."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from branches.models import Organization, Role
from branches.permissions import RoleGrant, grants_covering, role_grants
from cases.models import EventSource

# Who may backfill a branch's history by import (every step, as the branch and its committee did).
IMPORT_ROLES = (Role.BRANCH_SECRETARY, Role.COMMITTEE_OFFICER)


@dataclass(frozen=True)
class Actor:
    """Who writes, for the audit trail. `source` (web, import, command…) is recorded on each event
    and decides nothing: the authority a step is recorded under is step_decision.Authority."""

    user: object
    ip: str | None = None
    source: str = EventSource.WEB


def as_actor(actor) -> Actor:
    return actor if isinstance(actor, Actor) else Actor(user=actor)


def acting_grant(user, branch: Organization, roles, prefer: Organization | None = None) -> RoleGrant:
    """The grant of one of `roles` covering the branch held on `prefer` (e.g. where a report waits),
    else the nearest one; 403 when there is none."""
    grants = grants_covering(user, branch, roles=set(roles))
    if not grants:
        raise PermissionDenied("您的角色无权办理此事项。")
    preferred = [g for g in grants if prefer is not None and g.org.pk == prefer.pk]
    return preferred[0] if preferred else max(grants, key=lambda g: len(g.org.path))


def may_import(user) -> bool:
    return any(g.role in IMPORT_ROLES for g in role_grants(user))
