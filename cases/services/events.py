"""The append-only, hash-chained event trail of a case."""

import hmac
from itertools import groupby
from operator import attrgetter

from audit.keys import UnknownKey
from cases.bulk_rows import new_instance
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
    return new_instance(
        CaseEvent,
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


def seal(events: list[CaseEvent], previous: str = "", seq: int = 0) -> list[CaseEvent]:
    """Number and seal unsaved events of one case after its latest saved one (`previous` its seal,
    `seq` its number; a new case starts from nothing)."""
    for event in events:
        seq += 1
        event.seq, event.prev_hash = seq, previous
        event.apply_seal()
        previous = event.hash
    return events


def record_event(*, case: Case, actor: Actor, **fields) -> CaseEvent:
    """Call inside the transaction that holds the case lock, so the chain has no forks (and the
    unique (case, seq) refuses one if a caller forgets)."""
    last = CaseEvent.objects.filter(case=case).order_by("-seq").values_list("hash", "seq").first()
    previous, seq = last or ("", 0)
    event = build_event(case=case, actor=actor, **fields)
    event.seq, event.prev_hash = seq + 1, previous
    event.save()
    return event


def verify_chain(case: Case) -> list[int]:
    """Ids of events whose content, number or link no longer matches: empty when the trail is
    intact. The whole audit (checkpoints, field history, read logs) is audit.verify's."""
    return _broken_links(CaseEvent.objects.filter(case=case).order_by("seq", "pk"))


def verify_all_chains() -> dict[int, list[int]]:
    """Every case's broken events, by case id, in one ordered pass over the event table."""
    events = CaseEvent.objects.order_by("case_id", "seq", "pk").iterator(chunk_size=2000)
    found = {}
    for case_id, trail in groupby(events, key=attrgetter("case_id")):
        if broken := _broken_links(trail):
            found[case_id] = broken
    return found


def _broken_links(trail) -> list[int]:
    broken, previous, seq = [], "", 0
    for event in trail:
        seq += 1
        if event.seq != seq or event.prev_hash != previous or not _sealed(event):
            broken.append(event.pk)
        previous, seq = event.hash, event.seq
    return broken


def _sealed(event: CaseEvent) -> bool:
    try:
        return hmac.compare_digest(event.compute_hash(), event.hash)
    except UnknownKey:
        return False
