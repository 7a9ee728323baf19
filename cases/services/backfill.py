"""backfill_cases: the write path for whole histories brought in by import.

Each history is decided in memory by the same code as every other write — `opening_grant` and
`person_values` for the person and case, `decide_step` for each step in order (the rules of each
step's own date), `build_publicity`, `summarize`, hash-chained events — and then a chunk of cases
is saved with a handful of bulk inserts (rows and their simple-history rows) instead of ~20
queries per step. Call it inside a transaction: the caller decides what one batch is.
"""

import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from simple_history.utils import bulk_create_with_history

from cases import steps
from cases.facts import RuleContext
from cases.models import Case, CaseEvent, Meeting, Person, Publicity, StepRecord, Vote
from cases.services.actors import Actor
from cases.services.errors import InvalidInput, StepBlocked, StepNotAllowed, WarningsNeedReason
from cases.services.events import build_event, seal
from cases.services.lifecycle import opening_grant, person_values
from cases.services.records import build_publicity, publicity_event
from cases.services.step_decision import CaseState, StepInput, StepWrite, decide_step
from cases.services.summary import summarize

logger = logging.getLogger(__name__)

REFUSALS = (StepNotAllowed, StepBlocked, WarningsNeedReason, InvalidInput, PermissionDenied)
CHUNK = 200  # cases saved per round of bulk inserts: bounds memory, keeps statements large


@dataclass
class Backfill:
    """One person's history: the case opens with the application, then the steps in order."""

    ref: object  # the caller's name for it (the importer: the row number)
    branch: object
    person: dict
    application: StepInput
    later: list[tuple[str, StepInput]] = field(default_factory=list)
    league_recommended_on: dt.date | None = None
    publicity: tuple[dt.date, dt.date] | None = None  # 公示, recorded after 报上级党委备案
    note: str = ""


@dataclass
class _Decided:
    item: Backfill
    person: Person
    case: Case
    writes: list[StepWrite]
    publicity: Publicity | None
    events: list[CaseEvent]


def backfill_cases(
    items: list[Backfill], *, actor: Actor, refused: Callable[[Backfill, Exception], None]
) -> list[Case]:
    """Write every history the write path accepts; `refused(item, exc)` hears of each one it
    does not (nothing of that one is written). Raising from `refused` stops the batch."""
    rules = RuleContext.current()
    written: list[Case] = []
    for start in range(0, len(items), CHUNK):
        chunk = items[start : start + CHUNK]
        decided = _decide_all(chunk, actor, rules, refused)
        decided = _drop_taken_ids(decided, refused)
        try:
            with transaction.atomic():
                _save(decided, actor)
        except IntegrityError:
            # Another writer took one of these people since the check: find it, save the rest.
            logger.info("bulk save of %s cases conflicted; saving them one by one", len(decided))
            for one in decided:
                again = _decide_all([one.item], actor, rules, refused)
                try:
                    with transaction.atomic():
                        _save(again, actor)
                except IntegrityError as exc:
                    refused(one.item, InvalidInput(_taken_message(one.person.id_number)))
                    logger.info("backfill of %s refused: %s", one.item.ref, exc)
                else:
                    written += [d.case for d in again]
            continue
        written += [d.case for d in decided]
    return written


def _decide_all(items, actor, rules, refused) -> list[_Decided]:
    decided = []
    for item in items:
        try:
            decided.append(decide_history(item, actor, rules))
        except Exception as exc:  # a refusal, or a defect deciding this history: it alone is left out
            if not isinstance(exc, REFUSALS):
                logger.exception("deciding backfill %s failed", item.ref)
            refused(item, exc)
    return decided


def decide_history(item: Backfill, actor: Actor, rules: RuleContext) -> _Decided:
    grant = opening_grant(item.branch, actor)
    person = Person(**person_values(item.person))
    person._history_user = actor.user
    case = Case(person=person, branch=item.branch, league_recommended_on=item.league_recommended_on)
    case._history_user = actor.user
    case._change_reason = item.note or "导入"
    state = CaseState(case, {}, [])
    events = [
        build_event(
            case=case,
            actor=actor,
            kind="open",
            summary=f"建档：{person.name}",
            occurred_on=item.application.on,
        )
    ]
    writes, publicity = [], None
    for code, given in [("application", item.application), *item.later]:
        write = decide_step(
            state,
            steps.get(code),
            given,
            actor=actor,
            grant=grant,
            acting_org=None,
            rules=rules,
            historical=True,
        )
        writes.append(write)
        events.append(build_event(case=case, actor=actor, **write.event))
        if code == "target_filing" and item.publicity:
            start_on, end_on = item.publicity
            publicity = build_publicity(
                case=case, start_on=start_on, end_on=end_on, user=actor.user, note=item.note
            )
            state.publicities.append(publicity)
            state.refresh_facts()
            events.append(build_event(case=case, actor=actor, **publicity_event(publicity, grant)))
    summarize(case, state.facts, rules)
    return _Decided(item, person, case, writes, publicity, events)


def _drop_taken_ids(decided: list[_Decided], refused) -> list[_Decided]:
    """A person written since the caller's check (another import, a form) is not written twice."""
    taken = set(
        Person.objects.filter(id_number__in=[d.person.id_number for d in decided]).values_list(
            "id_number", flat=True
        )
    )
    for d in decided:
        if d.person.id_number in taken:
            refused(d.item, InvalidInput(_taken_message(d.person.id_number)))
    return [d for d in decided if d.person.id_number not in taken]


def _taken_message(id_number: str) -> str:
    return f"公民身份号码 {id_number} 已有案例（可能刚由另一批导入写入），未重复导入"


def _save(decided: list[_Decided], actor: Actor) -> None:
    """Insert a chunk of decided histories: rows first, then what refers to them."""
    if not decided:
        return
    user = actor.user
    bulk_create_with_history([d.person for d in decided], Person, default_user=user)
    bulk_create_with_history([d.case for d in decided], Case, default_user=user)
    writes = [w for d in decided for w in d.writes]
    meetings = [w.meeting for w in writes if w.meeting_is_new]
    if meetings:
        bulk_create_with_history(meetings, Meeting, default_user=user)
    _save_records(writes, user)
    votes = [w.vote for w in writes if w.vote is not None]
    if votes:
        bulk_create_with_history(votes, Vote, default_user=user)
    publicities = [d.publicity for d in decided if d.publicity is not None]
    if publicities:
        bulk_create_with_history(publicities, Publicity, default_user=user)
    for d in decided:
        for event in d.events:
            event.case = d.case  # re-assigned: fills case_id now that the case has one
        seal(d.events)
    CaseEvent.objects.bulk_create([e for d in decided for e in d.events])


def _save_records(writes: list[StepWrite], user) -> None:
    """Step records, their people, and simple-history rows for both (as record.people.set would)."""
    records = [w.record for w in writes]
    StepRecord.objects.bulk_create(records)
    history = StepRecord.history.bulk_history_create(records, default_user=user)
    through = StepRecord.people.through
    links, owners = [], []
    for write, historical in zip(writes, history, strict=True):
        for member in write.people:
            links.append(through(steprecord_id=write.record.pk, partymember_id=member.pk))
            owners.append(historical)
    if not links:
        return
    through.objects.bulk_create(links)
    people_history = apps.get_model("cases", "HistoricalStepRecord_people")
    people_history.objects.bulk_create(
        people_history(
            history=historical,
            id=link.pk,
            steprecord_id=link.steprecord_id,
            partymember_id=link.partymember_id,
        )
        for link, historical in zip(links, owners, strict=True)
    )
