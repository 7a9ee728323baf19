"""The append-only, hash-chained event trail of a case."""

from cases.models import Case, CaseEvent
from cases.services.actors import Actor


def record_event(
    *,
    case: Case,
    actor: Actor,
    kind: str,
    summary: str,
    step: str = "",
    occurred_on=None,
    role: str = "",
    org=None,
    warnings: list[dict] | None = None,
    note: str = "",
) -> CaseEvent:
    """Call inside the transaction that holds the case lock, so the chain has no forks."""
    previous = CaseEvent.objects.filter(case=case).order_by("-pk").values_list("hash", flat=True).first()
    event = CaseEvent(
        case=case,
        kind=kind,
        step=step,
        summary=summary[:300],
        occurred_on=occurred_on,
        actor=actor.user,
        role=role,
        org=org,
        ip=actor.ip,
        source=actor.source,
        warnings=warnings or [],
        note=note,
        prev_hash=previous or "",
    )
    event.save()
    return event


def verify_chain(case: Case) -> list[int]:
    """Ids of events whose content or link no longer matches: empty when the trail is intact."""
    broken, previous = [], ""
    for event in CaseEvent.objects.filter(case=case).order_by("pk"):
        if event.prev_hash != previous or event.compute_hash() != event.hash:
            broken.append(event.pk)
        previous = event.hash
    return broken
