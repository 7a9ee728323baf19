"""backfill_cases: the bulk writer for whole histories brought in by import.

Each history is decided by `decide_history` (cases.services.history: `decide_step` for each step
in order, as a historical backfill — the code the import's dry run and every form use), and a
history it refuses is left out and reported. Then a chunk of cases is saved with a handful of
bulk inserts (cases.bulk_rows: COPY on PostgreSQL) of the rows and their simple-history rows,
instead of ~20 queries per step. Call it inside a transaction: the caller decides what one batch is.
"""

import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.history import history_columns
from cases import tallies
from cases.bulk_rows import RowWriter, row_layout
from cases.context import RuleContext
from cases.idcard import mask
from cases.models import (
    Case,
    CaseDeadline,
    CaseEvent,
    MaterialWaiver,
    Meeting,
    Person,
    Publicity,
    StepRecord,
    StepRecordPerson,
    Vote,
)
from cases.services.actors import Actor, acting_of
from cases.services.errors import InvalidInput
from cases.services.events import seal
from cases.services.history import Backfill, DecidedHistory, complete_history, decide_history
from cases.services.lifecycle import opening_grant
from cases.services.materials import PAPER_ARCHIVE
from cases.services.recorded_people import history_rows, link_history_model
from cases.services.step_decision import Authority, StepWrite

logger = logging.getLogger(__name__)

CHUNK = 200  # cases saved per round of bulk inserts: bounds memory, keeps statements large


def backfill_cases(
    items: list[Backfill],
    *,
    actor: Actor,
    refused: Callable[[Backfill, Exception], None],
    keep_tallies: bool = True,
) -> list[Case]:
    """Write every history the decider accepts; `refused(item, exc)` hears of each one it does
    not (nothing of that one is written). Raising from `refused` stops the batch. `keep_tallies`
    False: the caller recounts the statistics' tallies itself, once, after many calls (the demo)."""
    rules = RuleContext.current()
    written: list[Case] = []
    for start in range(0, len(items), CHUNK):
        decided = _decide_all(items[start : start + CHUNK], actor, rules, refused)
        written += write_decided(decided, actor=actor, rules=rules, refused=refused, keep_tallies=False)
    if keep_tallies:
        tallies.keep({case.branch_id for case in written}, rules)
    return written


def write_decided(
    histories: list[DecidedHistory],
    *,
    actor: Actor,
    rules: RuleContext,
    refused: Callable[[Backfill, Exception], None],
    keep_tallies: bool = True,
) -> list[Case]:
    """Write histories already decided writable (by backfill_cases, or by an import's own check
    moments before: completed here), a person taken since by another writer refused. The list
    is emptied, so that memory holds one chunk of written histories, not the whole batch. The
    statistics' kept aggregates of the branches written to are recounted once, at the end (in the
    caller's transaction: an import's is the whole batch) — per chunk, each recount redid every
    earlier chunk's rows."""
    todo, changed = _still_as_decided(histories, actor, rules)
    histories.clear()  # consumed: a chunk written is held by nothing once the next one starts
    todo += _decide_all([d.item for d in changed], actor, rules, refused)
    written: list[Case] = []
    while todo:
        decided, todo = todo[:CHUNK], todo[CHUNK:]
        for history in decided:
            complete_history(history, actor=actor, rules=rules)
        decided = _drop_taken_ids(decided, refused)
        try:
            with transaction.atomic():
                _save(decided, actor)
        except IntegrityError:
            # Another writer took one of these people since the check: find it, save the rest.
            logger.info("bulk save of %s cases conflicted; saving them one by one", len(decided))
            for one in decided:
                # decided afresh (a fresh context: the meetings the failed insert meant to bring
                # are not in the database, those saved one by one since are)
                again = _decide_all([one.item], actor, RuleContext.current(), refused)
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
    if keep_tallies:
        tallies.keep({case.branch_id for case in written}, rules)
    return written


def _still_as_decided(histories: list[DecidedHistory], actor: Actor, rules: RuleContext):
    """(histories whose reading of the database still holds, those to decide again): what a
    decision read besides its row — the grant at the branch, whether the branch has a 支部委员会,
    the rule settings — may have changed since an import's check decided it."""
    same, changed, grants = [], [], {}
    for history in histories:
        then, branch = history.rules, history.item.branch
        if then is not rules and branch.pk not in grants:
            try:
                grants[branch.pk] = opening_grant(branch, actor, Authority.BACKFILL)
            except (InvalidInput, PermissionDenied):
                grants[branch.pk] = None  # decided again, and refused with the reason
        holds = then is rules or (
            _settings(then) == _settings(rules)
            and then.has_committee(branch) == rules.has_committee(branch)
            and grants[branch.pk] == history.grant
        )
        (same if holds else changed).append(history)
    return same, changed


def _settings(rules: RuleContext) -> tuple:
    row = rules.settings_row
    return (row.rules_2026_effective, row.rules_2026_confirmed)


def _decide_all(items, actor, rules, refused) -> list[DecidedHistory]:
    decided = []
    for item in items:
        try:
            history = decide_history(item, actor=actor, rules=rules)
        except Exception as exc:  # a defect deciding this history: it alone is left out
            logger.exception("deciding backfill %s failed", item.ref)
            refused(item, exc)
            continue
        if history.error is not None:
            refused(item, history.error)
        else:
            decided.append(history)
    return decided


def _drop_taken_ids(decided: list[DecidedHistory], refused) -> list[DecidedHistory]:
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
    return f"公民身份号码 {mask(id_number)} 已在系统中登记（可能刚由另一批导入写入），未重复导入"


def _save(decided: list[DecidedHistory], actor: Actor) -> None:
    """Insert a chunk of decided histories — rows first, then what refers to them — each with the
    simple-history row its save() would have written (type "+", by the importing user)."""
    if not decided:
        return
    writer, now = RowWriter(), timezone.now()
    history = {
        "history_date": now,
        "history_type": "+",
        "history_user_id": actor.user.pk,
    }
    writes = [w for d in decided for w in d.writes]
    who = _acting_by_object(decided, actor)
    records = [w.record for w in writes]
    tables = (
        (Person, [d.person for d in decided]),
        (Case, [d.case for d in decided]),
        (Meeting, _new_meetings(writes)),
        (StepRecord, records),
        (Vote, [w.vote for w in writes if w.vote is not None]),
        (Publicity, [d.publicity for d in decided if d.publicity is not None]),
    )
    record_history_ids = []
    for model, objs in tables:
        for obj, pk in zip(objs, writer.ids(model, len(objs)), strict=True):
            obj.pk = pk
        rows = _rows(objs)
        writer.insert(model, rows, now)
        reasons = [getattr(obj, "_change_reason", None) for obj in objs]
        past = [
            row | history | who(obj) | {"history_change_reason": why}
            for row, obj, why in zip(rows, objs, reasons, strict=True)
        ]
        if model is StepRecord:
            record_history_ids = writer.ids(model.history.model, len(past))
            past = [row | {"history_id": pk} for row, pk in zip(past, record_history_ids, strict=True)]
        writer.insert(model.history.model, past, now, with_pk=model is StepRecord)
        _mark_saved(objs)
    _save_people(writer, writes, record_history_ids, now)
    deadlines = [deadline for d in decided for deadline in d.deadlines]
    for deadline, pk in zip(deadlines, writer.ids(CaseDeadline, len(deadlines)), strict=True):
        deadline.pk = pk
    writer.insert(CaseDeadline, _rows(deadlines), now)
    _mark_saved(deadlines)
    waived = {"reason": PAPER_ARCHIVE, "waived_by_id": actor.user.pk, "waived_at": now}
    waivers = [
        {"case_id": d.case.pk, "step": w.step, "item": w.item} | waived for d in decided for w in d.waivers
    ]
    writer.insert(MaterialWaiver, waivers, now, with_pk=False)
    for d in decided:
        for event in d.events:
            event.case = d.case  # re-assigned: fills case_id, which the hash covers
        seal(d.events)
    writer.insert(CaseEvent, _rows([e for d in decided for e in d.events]), now, with_pk=False)


def _acting_by_object(decided: list[DecidedHistory], actor: Actor):
    """obj → the history columns of who acted (audit.history): the actor's door and address, in
    the grant each history is recorded in (as its events record it)."""
    acting = {}
    for d in decided:
        columns = history_columns(acting_of(actor, d.grant))
        objs = [d.person, d.case, d.publicity]
        objs += [part for w in d.writes for part in (w.record, w.vote, w.meeting)]
        for obj in objs:
            if obj is not None:
                acting.setdefault(id(obj), columns)
    unknown = history_columns(acting_of(actor))
    return lambda obj: acting.get(id(obj), unknown)


def _new_meetings(writes: list[StepWrite]) -> list[Meeting]:
    """The meetings these steps bring, each once: steps of several histories decided at one
    meeting share it (entered once, RuleContext.meeting_on)."""
    return list({id(w.meeting): w.meeting for w in writes if w.meeting_is_new}.values())


def _save_people(writer: RowWriter, writes: list[StepWrite], record_history_ids: list[int], now) -> None:
    """Contacts and introducers of the records as recorded, and their m2m history rows (as
    recorded_people.save_people writes them for one step)."""
    people = [person for write in writes for person in write.people]
    for person, pk in zip(people, writer.ids(StepRecordPerson, len(people)), strict=True):
        person.pk = pk
    writer.insert(StepRecordPerson, _rows(people), now)
    past = []
    for write, history_id in zip(writes, record_history_ids, strict=True):
        past += history_rows(_rows(write.people), history_id)
    writer.insert(link_history_model(), past, now, with_pk=False)
    _mark_saved(people)


def _rows(objs: list) -> list[dict]:
    """Each object's columns as an INSERT takes them: related ids filled in, auto_now set."""
    if not objs:
        return []
    layout = row_layout(type(objs[0]))
    return [layout.row(obj) for obj in objs]


def _mark_saved(objs: list) -> None:
    for obj in objs:
        obj._state.adding, obj._state.db = False, "default"


__all__ = ["Backfill", "backfill_cases", "decide_history", "write_decided"]
