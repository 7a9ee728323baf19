"""Who acts, in which role, for which organization — resolved once per write."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from branches.models import Organization, Role
from branches.permissions import RoleGrant, acting_grant_for, role_grants
from cases.models import EventSource
from cases.permissions import NO_ROLE, Answer, Why
from cases.services.errors import StepNotAllowed

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
    grant = acting_grant_for(user, branch, roles, prefer=prefer.pk if prefer else None)
    if grant is None:
        raise PermissionDenied(NO_ROLE)
    return grant


def granted(answer: Answer) -> RoleGrant:
    """The grant the policy (cases.permissions) allows, or its refusal raised: PermissionDenied
    when the user may not act here, StepNotAllowed when not now. An organization without the
    authority (E13) acts on: the rules report E13 with every other finding of the step."""
    if answer or answer.why == Why.AUTHORITY:
        return answer.grant
    if answer.forbidden:
        raise PermissionDenied(answer.reason)
    raise StepNotAllowed(answer.reason)


def may_import(user) -> bool:
    return any(g.role in IMPORT_ROLES for g in role_grants(user))
