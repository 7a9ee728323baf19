"""decide_history: one person's whole history — the case opened by the application, then every
step in order, each under the rules of its own date — decided in memory by decide_step as a
historical backfill (Authority.BACKFILL), with the 公示, the summary columns and the events.

The same function serves the import's dry run and its write, over the same Backfill (built from
a row by imports.importer.writer.backfill), so what the user confirms is exactly what is written —
probation, extension, reopening and cancellation included. A dry run keeps going after a refused
step (a step that breaks a rule still counts as done for the steps after it) and so reports every
finding of every step; a write stops at the first step that may not be written. A dry run builds
no events, no summary columns, no 拼音 initials and no StepRecord models (nothing of it is saved;
they are derived from what is decided, and the records stay step_decision.RecordDraft);
`complete_history` builds them for a history a dry run found writable, so a real import writes
the histories its own check decided instead of deciding them again.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from django.core.exceptions import PermissionDenied

from cases import steps
from cases.bulk_rows import new_instance
from cases.context import RuleContext
from cases.models import Case, CaseDeadline, CaseEvent, Person, Publicity
from cases.rules import Finding
from cases.services.actors import Actor
from cases.services.case_deadlines import build_deadlines
from cases.services.errors import InvalidInput
from cases.services.events import build_event
from cases.services.lifecycle import name_initials, opening_grant, person_fields
from cases.services.materials import PAPER_ARCHIVE
from cases.services.records import build_publicity, publicity_event
from cases.services.step_decision import Authority, CaseState, Decision, StepInput, StepWrite, decide_step
from cases.standing import open_deadlines, summarize


@dataclass
class Backfill:
    """One person's history: the case opens with the application, then the steps in order."""

    ref: object  # the caller's name for it (the importer: the row number)
    branch: object
    person: dict
    application: StepInput
    later: list[tuple[str, StepInput]] = field(default_factory=list)
    league_recommended_on: dt.date | None = None
    special_development: bool = False
    publicity: tuple[dt.date, dt.date] | None = None  # 公示, recorded after 报上级党委备案
    note: str = ""

    @property
    def steps(self) -> list[tuple[str, StepInput]]:
        return [("application", self.application), *self.later]


class PaperMaterial(NamedTuple):
    """A required material of a backfilled step, kept on paper: its MaterialWaiver row (reason
    PAPER_ARCHIVE, by the importing user) is written with the history, never built as a model —
    an import writes one for nearly every step."""

    step: str
    item: str


@dataclass
class DecidedHistory:
    """A history decided: each step's decision in order, and everything it would write."""

    item: Backfill
    person: Person | None = None
    case: Case | None = None
    decisions: list[Decision] = field(default_factory=list)
    publicity: Publicity | None = None
    events: list[CaseEvent] = field(default_factory=list)
    refusal: Exception | None = None  # not about one step: the branch, the grant, the person, the 公示
    grant: object = None  # the role it is recorded in
    rules: RuleContext | None = None  # what it was decided under (settings, calendar, committees)
    facts: object = None  # the case's facts after its last step
    complete: bool = False  # events, summary columns, deadlines and 拼音 initials built (complete_history)
    deadlines: list[CaseDeadline] = field(default_factory=list)  # the case's open deadlines (unsaved)
    waivers: list[PaperMaterial] = field(default_factory=list)  # its steps' materials, on paper (unsaved)

    @property
    def writes(self) -> list[StepWrite]:
        return [d.write for d in self.decisions if d.write is not None]

    @property
    def findings(self) -> list[tuple[steps.Step, Finding]]:
        return [(d.step, finding) for d in self.decisions for finding in d.findings]

    @property
    def error(self) -> Exception | None:
        """The first reason the history may not be written (None: it may)."""
        if self.refusal is not None:
            return self.refusal
        return next((d.error for d in self.decisions if d.error is not None), None)

    def raise_if_refused(self) -> None:
        if (error := self.error) is not None:
            raise error


def decide_history(
    item: Backfill, *, actor: Actor, rules: RuleContext, dry_run: bool = False, grant=None
) -> DecidedHistory:
    """`grant`: the role the history is recorded in (default: the actor's import grant covering
    the branch; a dry run may pass a stand-in when there is no branch or user to resolve it).
    A history a dry run found writable is written as it is, once `complete_history` has built
    what a dry run leaves out."""
    decided = DecidedHistory(item, rules=rules)
    try:
        decided.grant = grant or opening_grant(item.branch, actor, Authority.BACKFILL)
        person = new_instance(Person, **person_fields(item.person, initials=False))
    except (InvalidInput, PermissionDenied) as refusal:
        decided.refusal = refusal
        return decided
    person._history_user = actor.user
    case = new_instance(
        Case,
        person=person,
        branch=item.branch,
        league_recommended_on=item.league_recommended_on,
        special_development=item.special_development,
    )
    case._history_user = actor.user
    case._change_reason = item.note or "导入"
    decided.person, decided.case = person, case
    state = CaseState(case, {}, [])
    for code, given in item.steps:
        decision = decide_step(
            state,
            steps.get(code),
            given,
            actor=actor,
            grant=decided.grant,
            rules=rules,
            authority=Authority.BACKFILL,
        )
        decided.decisions.append(decision)
        if not dry_run and decision.error is not None:
            return decided
        if decision.write is None:
            continue  # refused, not by a rule: nothing to count as done
        state.take(decision.write)
        if code == "target_filing" and item.publicity:
            _add_publicity(decided, state, actor)
            if decided.refusal is not None and not dry_run:
                return decided
    decided.facts = state.facts
    if not dry_run and decided.error is None:
        complete_history(decided, actor=actor, rules=rules)
    return decided


def complete_history(decided: DecidedHistory, *, actor: Actor, rules: RuleContext) -> None:
    """What only a write needs of a history decided writable: its events in order (the opening,
    each step, the 公示 after 报上级党委备案), the case's summary columns and deadlines (a new case
    has no report waiting anywhere), the 拼音 initials."""
    if decided.complete:
        return
    case, person = decided.case, decided.person
    person.name_initials = name_initials(person.name)
    events = [
        build_event(
            case=case,
            actor=actor,
            kind="open",
            summary=f"建档：{person.name}",
            occurred_on=decided.item.application.on,
        )
    ]
    for write in decided.writes:
        events.append(build_event(case=case, actor=actor, **write.event))
        if write.draft.step == "target_filing" and decided.publicity is not None:
            fields = publicity_event(decided.publicity, decided.grant)
            events.append(build_event(case=case, actor=actor, **fields))
    decided.waivers = _paper_archive(decided, actor)
    if decided.waivers:
        titles = "、".join(steps.get(w.step).name for w in decided.waivers[:3])
        more = "等" if len(decided.waivers) > 3 else ""
        events.append(
            build_event(
                case=case,
                actor=actor,
                kind="waiver",
                summary=f"导入：{len(decided.waivers)} 项必备材料登记为免交（{titles}{more}）",
                note=PAPER_ARCHIVE,
            )
        )
    decided.events = events
    summarize(case, decided.facts, rules)
    decided.deadlines = build_deadlines(case, open_deadlines(case, decided.facts, rules))
    decided.complete = True


def _paper_archive(decided: DecidedHistory, actor: Actor) -> list[PaperMaterial]:
    """An import brings history, not scans: each required material of its steps is recorded as
    waived 「历史材料纸质存档」 (so the checklist shows where it is, and E15 — which does not judge a
    backfill — holds for the file as written)."""
    facts = decided.facts
    waivers = [PaperMaterial(step.code, spec.key) for step, spec in facts.missing_materials()]
    facts.materials |= {f"{w.step}:{w.item}" for w in waivers}
    return waivers


def _add_publicity(decided: DecidedHistory, state: CaseState, actor: Actor) -> None:
    item, case = decided.item, decided.case
    start_on, end_on = item.publicity
    try:
        publicity = build_publicity(
            case=case, start_on=start_on, end_on=end_on, user=actor.user, note=item.note
        )
    except InvalidInput as refusal:
        decided.refusal = decided.refusal or refusal
        return
    decided.publicity = publicity
    state.add_publicity(publicity)


__all__ = ["Backfill", "DecidedHistory", "complete_history", "decide_history"]
