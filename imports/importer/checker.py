"""Judge a planned row: the dry run of its import, by the decider of its write.

The row becomes the same Backfill the writer hands to the bulk writer (writer.backfill), and
cases.services.history.decide_history decides it as a dry run — each step under the rules of its
own date, as it would be written (probation, extension, reopening, the 公示 included), a step that
breaks a rule still counted as done for the steps after it, so one pass reports every finding.
A real import's check is given the batch's label and 预警说明, so the history it decides for a
writable row is exactly what the write would decide: the writer writes it (services.write_decided)
instead of deciding it a second time.
"""

import dataclasses

from branches.models import Organization, OrgKind, Role
from branches.permissions import RoleGrant
from cases.idcard import InvalidIdNumber, parse
from cases.rules.checks import identity_findings
from cases.services.actors import Actor
from cases.services.history import Backfill, DecidedHistory, decide_history
from imports.importer.context import ImportContext
from imports.importer.plan import PlannedStep, RowPlan
from imports.importer.report import RowReport
from imports.importer.template import CODE_COLUMNS, VOTE_COLUMNS
from imports.importer.writer import backfill, describe


def check_plan(
    plan: RowPlan, ctx: ImportContext, actor: Actor, *, label: str = "", warning_reason: str = ""
) -> RowReport:
    report = RowReport(row=plan.row, name=plan.name, branch=plan.branch.name if plan.branch else "")
    if plan.already_imported:
        report.skipped = True
        report.messages.append(plan.already_imported)
        return report
    report.messages += plan.problems
    report.has_problems = bool(plan.problems)
    if not any(p.code == "application" for p in plan.steps):
        _identity_only(plan, report)
    item = _history(plan, label, warning_reason)
    if item is not None:
        decided = _judge(item, plan, ctx, actor, report)
        if label:  # a real import's check: its writer writes what was decided here
            report.decided = decided
    report.messages += plan.notices
    return report


def _history(plan: RowPlan, label: str, warning_reason: str) -> Backfill | None:
    """The row's history as the writer would record it, or None when there is none to judge: no
    application, or no birth date to judge ages by (出生日期 unreadable and no valid 公民身份号码).
    A row whose branch is unknown or out of scope (already a problem) is judged at a stand-in
    branch with an empty roster."""
    if not plan.steps or plan.steps[0].code != "application":
        return None
    if plan.branch is None:
        plan = dataclasses.replace(plan, branch=Organization(kind=OrgKind.BRANCH, name=""))
    birth = plan.person.get("birth_date")
    if birth is None:  # 出生日期 blank or unreadable: fall back on the 公民身份号码 to judge ages
        try:
            birth = parse(plan.id_number).birth_date
        except InvalidIdNumber:
            return None
        plan = dataclasses.replace(plan, person={**plan.person, "birth_date": birth})
    return backfill(plan, warning_reason=warning_reason, label=label)


def _judge(
    item: Backfill, plan: RowPlan, ctx: ImportContext, actor: Actor, report: RowReport
) -> DecidedHistory:
    decided = decide_history(
        item, actor=actor, rules=ctx.rules, dry_run=True, grant=_stand_in_grant(item.branch, actor)
    )
    for planned, decision in zip(plan.steps, decided.decisions, strict=False):
        for finding in decision.findings:
            columns = "".join(f"「{c}」" for c in _columns(planned, finding.code))
            (report.errors if finding.blocks else report.warnings).add(finding.code)
            report.messages.append(f"第{plan.row}行{columns}：{finding.code} {finding.message}")
        if decision.refusal is not None:
            report.has_problems = True
            report.messages.append(f"第{plan.row}行「{planned.column}」：{describe(decision.refusal)}")
    if decided.refusal is not None:
        report.has_problems = True
        report.messages.append(f"第{plan.row}行：{describe(decided.refusal)}")
    return decided


def _stand_in_grant(branch: Organization, actor: Actor) -> RoleGrant | None:
    """Without a branch in the user's scope (already a problem of the row) or without a user, the
    steps are still judged, as if recorded by the branch; otherwise the import grant is resolved."""
    if branch.pk is None or actor.user is None:
        return RoleGrant(Role.BRANCH_SECRETARY, branch)
    return None


def _identity_only(plan: RowPlan, report: RowReport) -> None:
    """Without 申请入党日期 the identity rule has no step to run on; run its check directly."""
    person = plan.person
    problems = identity_findings(plan.id_number, person.get("birth_date"), person.get("gender", ""))
    if problems and plan.id_number:
        report.errors.add("E02")
        report.messages.append(f"第{plan.row}行「公民身份号码」：E02 " + "；".join(problems))


def _columns(planned: PlannedStep, code: str) -> tuple[str, ...]:
    if code == "E09" and planned.code in VOTE_COLUMNS:
        return VOTE_COLUMNS[planned.code]
    if code in CODE_COLUMNS:
        return (CODE_COLUMNS[code],)
    return (planned.column,)
