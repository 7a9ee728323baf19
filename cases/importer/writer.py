"""The real import: each importable row becomes a case through the one write path
(services.open_case, perform_step, record_publicity), every step an event marked 导入 with its
historical date, by the importing user — in one transaction for the whole batch.

all_or_nothing: the first row the write path refuses rolls the whole batch back.
valid_only: each row in its own savepoint; a refused row is rolled back alone and reported.
"""

import logging
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction

from cases import services
from cases.importer.plan import PlannedStep, RowPlan
from cases.importer.report import RowReport, RowStatus
from cases.models import Case, EventSource, ImportMode
from cases.rules import VoteFacts

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
    result = WriteResult()
    try:
        with transaction.atomic():
            for plan, report in todo:
                if mode == ImportMode.VALID_ONLY:
                    _write_alone(plan, report, actor, warning_reason, label, result)
                else:
                    _write_or_abort(plan, actor, warning_reason, label)
                    report.outcome = RowStatus.IMPORTED
                    result.imported += 1
    except RowRefused as refused:
        for _, report in todo:
            report.outcome = ""
        failing = next(report for plan, report in todo if plan.row == refused.row)
        failing.outcome = RowStatus.FAILED
        failing.messages.append(
            f"第{refused.row}行：写入时被拒绝，整批已回滚，未导入任何一行：{refused.message}"
        )
        return WriteResult(aborted=refused)
    return result


def _write_alone(plan, report, actor, reason, label, result: WriteResult) -> None:
    try:
        with transaction.atomic():
            write_row(plan, actor, reason, label)
    except Exception as exc:  # the savepoint is rolled back; the other rows go on
        logger.info("import row %s refused: %s", plan.row, exc)
        report.outcome = RowStatus.FAILED
        report.messages.append(f"第{plan.row}行：写入时被拒绝，本行未导入：{describe(exc)}")
        result.failed += 1
    else:
        report.outcome = RowStatus.IMPORTED
        result.imported += 1


def _write_or_abort(plan, actor, reason, label) -> None:
    try:
        write_row(plan, actor, reason, label)
    except Exception as exc:
        logger.info("import row %s refused, batch rolled back: %s", plan.row, exc)
        raise RowRefused(plan.row, describe(exc)) from exc


def write_row(plan: RowPlan, actor: services.Actor, warning_reason: str, label: str):
    note = f"导入：{label} 第{plan.row}行" if label else f"导入：第{plan.row}行"
    application, later = plan.steps[0], plan.steps[1:]
    if Case.objects.filter(person__id_number=plan.id_number).exists():  # written since the check
        raise services.StepNotAllowed(
            f"公民身份号码 {plan.id_number} 已有案例（可能刚由另一批导入写入），未重复导入"
        )
    case = services.open_case(
        branch=plan.branch,
        person=plan.person,
        applied_on=application.on,
        actor=actor,
        league_recommended_on=plan.league_recommended_on,
        note=note,
    )
    for planned in later:
        services.perform_step(
            case=case, step_code=planned.code, given=step_input(planned, note, warning_reason), actor=actor
        )
        if planned.code == "target_filing" and plan.publicity:
            start, end = plan.publicity
            services.record_publicity(case=case, start_on=start, end_on=end, actor=actor, note=note)
    return case


def step_input(planned: PlannedStep, note: str, warning_reason: str) -> services.StepInput:
    if planned.source.implied:
        note = f"{note}；{planned.source.note}"
    given = services.StepInput(
        on=planned.on, note=note, data=dict(planned.data), warning_reason=warning_reason
    )
    if planned.contacts is not None:
        given.contacts = [ref.member for ref in planned.contacts]
    if planned.introducers is not None:
        given.introducers = [ref.member for ref in planned.introducers]
    if planned.meeting is not None:
        given.new_meeting = services.NewMeeting(entitled=planned.meeting[0], present=planned.meeting[1])
        given.vote = VoteFacts(yes=planned.yes)
    return given


def describe(exc: Exception) -> str:
    if isinstance(exc, (services.StepBlocked, services.WarningsNeedReason)):
        prefix = "须填写预警说明：" if isinstance(exc, services.WarningsNeedReason) else ""
        return prefix + "；".join(f"{f.code} {f.message}" for f in exc.findings)
    if isinstance(exc, PermissionDenied):
        return f"无权限：{exc}" if str(exc) else "无权限"
    if isinstance(exc, (services.StepNotAllowed, services.InvalidInput)):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


__all__ = ["write_rows", "write_row", "WriteResult", "RowRefused"]
