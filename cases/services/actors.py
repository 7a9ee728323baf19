"""Who acts, in which role, for which organization — resolved once per write.

`writes` marks a service entry point: one transaction, and the acting context (audit.history) open
for it with the actor's door and address; `granted`, where the service resolves its grant, adds the
role and organization. Every field-history row the write leaves records them, as its event does."""

import functools
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from audit.history import Acting, acting, acting_in
from branches.permissions import RoleGrant
from cases.models import EventSource
from cases.permissions import Answer, Why
from cases.services.errors import StepNotAllowed


@dataclass(frozen=True)
class Actor:
    """Who writes, for the audit trail. `source` (web, import, command…) is recorded on each event
    and decides nothing: the authority a step is recorded under is step_decision.Authority."""

    user: object
    ip: str | None = None
    source: str = EventSource.WEB


def as_actor(actor) -> Actor:
    return actor if isinstance(actor, Actor) else Actor(user=actor)


def acting_of(actor: Actor, grant: RoleGrant | None = None) -> Acting:
    """Who acts, as field-history rows record it: the actor's door and address, in `grant`."""
    return Acting(source=actor.source, ip=actor.ip).in_grant(grant)


def acting_as(actor: Actor, grant: RoleGrant | None = None):
    """The acting context of `actor` (audit.history.acting), in `grant` when already known."""
    return acting(acting_of(actor, grant))


def writes(service):
    """A service entry point (called with `actor=`): atomic, inside the actor's acting context."""
    atomic = transaction.atomic(service)

    @functools.wraps(service)
    def run(*args, actor, **kwargs):
        actor = as_actor(actor)
        with acting_as(actor):
            return atomic(*args, actor=actor, **kwargs)

    return run


def granted(answer: Answer) -> RoleGrant:
    """The grant the policy (cases.permissions) allows, or its refusal raised: PermissionDenied
    when the user may not act here, StepNotAllowed when not now. An organization without the
    authority (E13) acts on: the rules report E13 with every other finding of the step. The
    writes that follow record its role and organization (audit.history.acting_in)."""
    if answer or answer.why == Why.AUTHORITY:
        acting_in(answer.grant)
        return answer.grant
    if answer.forbidden:
        raise PermissionDenied(answer.reason)
    raise StepNotAllowed(answer.reason)
