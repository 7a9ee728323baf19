"""The case file's public actions for letters another app issues about its cases (the desk's
批复 and 回执): each case is locked and gets one event in its chain. The case file never knows the
letter's model: it reads a letter's number, title, step and addressee (the branch it answers)."""

import datetime as dt
from typing import Protocol

from branches.models import Organization
from cases.models import Case
from cases.permissions import letter_answer
from cases.services.actors import as_actor, granted, writes
from cases.services.events import record_event
from cases.services.step_service import lock_case


class IssuedLetter(Protocol):
    number: str
    title: str
    step: str
    addressee: Organization


def require_letter_grant(actor, branch: Organization, step: str = ""):
    """The grant letters to `branch` about `step` are issued under (the policy's letter_answer);
    PermissionDenied when the actor has none."""
    return granted(letter_answer(as_actor(actor).user, branch, step))


@writes
def record_letter_issued(*, cases: list[Case], letter: IssuedLetter, actor, issued_on: dt.date) -> None:
    """A letter was issued answering these cases: each gets a 发文 event on `issued_on`."""
    _record(cases, letter, actor, f"发文 {letter.number}《{letter.title}》", occurred_on=issued_on)


@writes
def record_letter_regenerated(*, cases: list[Case], letter: IssuedLetter, actor) -> None:
    """The letter's PDF is rendered again from the same snapshot: each case records it."""
    _record(cases, letter, actor, f"重新生成发文 {letter.number}（文号和内容不变）")


def _record(cases: list[Case], letter: IssuedLetter, actor, summary: str, **fields) -> None:
    actor = as_actor(actor)
    grant = require_letter_grant(actor, letter.addressee, letter.step)
    for case in sorted(cases, key=lambda c: c.pk):  # one lock order: two letters never deadlock
        lock_case(case)
        record_event(
            case=case,
            actor=actor,
            kind="letter",
            step=letter.step,
            summary=summary,
            role=grant.recorded_role,
            org=grant.org,
            **fields,
        )
