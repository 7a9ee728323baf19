"""Who acts, in which role, for which organization — resolved once per write."""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

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


def granted(answer: Answer) -> RoleGrant:
    """The grant the policy (cases.permissions) allows, or its refusal raised: PermissionDenied
    when the user may not act here, StepNotAllowed when not now. An organization without the
    authority (E13) acts on: the rules report E13 with every other finding of the step."""
    if answer or answer.why == Why.AUTHORITY:
        return answer.grant
    if answer.forbidden:
        raise PermissionDenied(answer.reason)
    raise StepNotAllowed(answer.reason)
