"""The append-only, hash-chained event trail of a case."""

from itertools import groupby
from operator import attrgetter

from cases.models import Case, CaseEvent
from cases.services.actors import Actor


def build_event(
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
    """An unsaved event, not yet linked into its case's chain."""
    return CaseEvent(
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
    )


def seal(events: list[CaseEvent], previous: str = "") -> list[CaseEvent]:
    """Link unsaved events of one case after `previous` (the hash of its latest saved event)."""
    for event in events:
        event.prev_hash = previous
        event.hash = previous = event.compute_hash()
    return events


def record_event(*, case: Case, actor: Actor, **fields) -> CaseEvent:
    """Call inside the transaction that holds the case lock, so the chain has no forks."""
    previous = CaseEvent.objects.filter(case=case).order_by("-pk").values_list("hash", flat=True).first()
    event = build_event(case=case, actor=actor, **fields)
    event.prev_hash = previous or ""
    event.save()
    return event


def verify_chain(case: Case) -> list[int]:
    """Ids of events whose content or link no longer matches: empty when the trail is intact."""
    return _broken_links(CaseEvent.objects.filter(case=case).order_by("pk"))


def verify_all_chains() -> dict[int, list[int]]:
    """Every case's broken events, by case id, in one ordered pass over the event table."""
    events = CaseEvent.objects.order_by("case_id", "pk").iterator(chunk_size=2000)
    found = {}
    for case_id, trail in groupby(events, key=attrgetter("case_id")):
        if broken := _broken_links(trail):
            found[case_id] = broken
    return found


def _broken_links(trail) -> list[int]:
    broken, previous = [], ""
    for event in trail:
        if event.prev_hash != previous or event.compute_hash() != event.hash:
            broken.append(event.pk)
        previous = event.hash
    return broken
