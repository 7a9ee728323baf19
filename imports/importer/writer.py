"""The real import: each importable row becomes a case through the write path for histories
(services.backfill_cases: the same decisions as every form, saved in bulk), every step an event
marked 导入 with its historical date, by the importing user — in one transaction for the batch.

all_or_nothing: the first row the write path refuses rolls the whole batch back.
valid_only: a refused row is left out and reported; the other rows are written.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from branches.models import PartyMember
from cases import services, tallies
from cases.context import RuleContext
from cases.models import EventSource
from cases.rules import VoteFacts
from cases.services.backfill import Backfill, backfill_cases, write_decided
from imports.importer.plan import MemberRef, PlannedStep, RowPlan
from imports.importer.report import RowReport, RowStatus
from imports.models import ImportMode

logger = logging.getLogger(__name__)


class RowRefused(Exception):
    def __init__(self, row: int, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


@dataclass
class WriteResult:
    imported: int = 0
    failed: int = 0
    aborted: RowRefused | None = None


def write_rows(
    rows: list[tuple[RowPlan, RowReport]],
    *,
    user,
    mode: str,
    warning_reason: str = "",
    label: str = "",
    ip=None,
) -> WriteResult:
    actor = services.Actor(user=user, ip=ip, source=EventSource.IMPORT)
    todo = [(plan, report) for plan, report in rows if report.importable]
    reports = {plan.row: report for plan, report in todo}
    result = WriteResult()

    def refused(item: Backfill, exc: Exception) -> None:
        if mode != ImportMode.VALID_ONLY:
            logger.info("import row %s refused, batch rolled back: %s", item.ref, exc)
            raise RowRefused(item.ref, describe(exc)) from exc
        logger.info("import row %s refused: %s", item.ref, exc)
        report = reports[item.ref]
        report.outcome = RowStatus.FAILED
        report.messages.append(f"第{item.ref}行：写入时被拒绝，本行未导入：{describe(exc)}")
        result.failed += 1

    # A row its check decided with this label and reason is written as decided; others are decided here.
    decided, again = [], []
    for plan, report in todo:
        if _decided_as(report, label, warning_reason):
            decided.append(report.decided)
        else:
            again.append(backfill(plan, warning_reason, label))
        report.decided = None  # held by `decided` alone, so each chunk is freed once written
    try:
        with services.acting_as(actor), transaction.atomic():  # what else it writes is the import's too
            rules = RuleContext.current()
            written = write_decided(decided, actor=actor, rules=rules, refused=refused, keep_tallies=False)
            written += backfill_cases(again, actor=actor, refused=refused, keep_tallies=False)
            tallies.keep({case.branch_id for case in written}, rules)  # once, whatever was decided again
    except RowRefused as aborted:
        for report in reports.values():
            report.outcome = ""
        failing = reports[aborted.row]
        failing.outcome = RowStatus.FAILED
        failing.messages.append(
            f"第{aborted.row}行：写入时被拒绝，整批已回滚，未导入任何一行：{aborted.message}"
        )
        return WriteResult(aborted=aborted)
    for report in reports.values():
        if report.outcome != RowStatus.FAILED:
            report.outcome = RowStatus.IMPORTED
            result.imported += 1
    return result


def _decided_as(report: RowReport, label: str, warning_reason: str) -> bool:
    """Whether the row's check decided it writable, as this write would (same label and reason)."""
    decided = report.decided
    return (
        decided is not None
        and decided.error is None
        and decided.item.note == _note(decided.item.ref, label)
        and all(given.warning_reason == warning_reason for _, given in decided.item.steps)
    )


def _note(row: int, label: str) -> str:
    return f"导入：{label} 第{row}行" if label else f"导入：第{row}行"


def backfill(plan: RowPlan, warning_reason: str, label: str) -> Backfill:
    """What the write path is asked to record for a row: exactly the steps the checker judged."""
    note = _note(plan.row, label)
    application, later = plan.steps[0], plan.steps[1:]
    return Backfill(
        ref=plan.row,
        branch=plan.branch,
        person=plan.person,
        application=step_input(application, note, warning_reason),
        later=[(planned.code, step_input(planned, note, warning_reason)) for planned in later],
        league_recommended_on=plan.league_recommended_on,
        special_development=plan.special_development,
        publicity=plan.publicity,
        note=note,
    )


def step_input(planned: PlannedStep, note: str, warning_reason: str) -> services.StepInput:
    if planned.source.implied:
        note = f"{note}；{planned.source.note}"
    given = services.StepInput(
        on=planned.on, note=note, data=dict(planned.data), warning_reason=warning_reason
    )
    if planned.contacts is not None:
        given.contacts = [as_member(ref) for ref in planned.contacts]
    if planned.introducers is not None:
        given.introducers = [as_member(ref) for ref in planned.introducers]
    if planned.meeting is not None:
        given.new_meeting = services.NewMeeting(entitled=planned.meeting[0], present=planned.meeting[1])
        given.vote = VoteFacts(yes=planned.yes)
    return given


def as_member(ref: MemberRef) -> PartyMember:
    """The roster member a name refers to; for a name not (uniquely) on the roster, an unsaved
    stand-in no longer on any roster, so that E05 / E06 judge it (such a row is never written)."""
    return ref.member if ref.member is not None else PartyMember(name=ref.name, active=False)


def describe(exc: Exception) -> str:
    if isinstance(exc, (services.StepBlocked, services.WarningsNeedReason)):
        prefix = "须填写预警说明：" if isinstance(exc, services.WarningsNeedReason) else ""
        return prefix + "；".join(f"{f.code} {f.message}" for f in exc.findings)
    if isinstance(exc, PermissionDenied):
        return f"无权限：{exc}" if str(exc) else "无权限"
    if isinstance(exc, (services.StepNotAllowed, services.InvalidInput)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


__all__ = ["write_rows", "backfill", "describe", "WriteResult", "RowRefused"]
