"""Judge a planned row against the rules, step by step, each as of its own date.

The facts grow as the steps are taken in order, exactly as they would in the database, and each
step is judged by cases.rules.evaluate — the code the forms and the write path use. A step that
breaks a rule is still counted as done for the steps after it, so one pass reports everything.
"""

from cases.idcard import InvalidIdNumber, parse
from cases.importer.context import ImportContext
from cases.importer.plan import MemberRef, PlannedStep, RowPlan
from cases.importer.report import RowReport
from cases.importer.template import CODE_COLUMNS, VOTE_COLUMNS
from cases.rules import Attempt, CaseFacts, MeetingFacts, MemberFacts, PublicityFacts, VoteFacts, evaluate
from cases.rules.checks import identity_findings
from cases.rules.deadlines import probation_end
from cases.services.step_decision import member_facts


def check_plan(plan: RowPlan, ctx: ImportContext) -> RowReport:
    report = RowReport(row=plan.row, name=plan.name, branch=plan.branch.name if plan.branch else "")
    if plan.already_imported:
        report.skipped = True
        report.messages.append(plan.already_imported)
        return report
    report.messages += plan.problems
    report.has_problems = bool(plan.problems)
    if not any(p.code == "application" for p in plan.steps):
        _identity_only(plan, report)
    facts = _initial_facts(plan)
    if facts is None:
        report.messages += plan.notices
        return report
    for planned in plan.steps:
        for finding in evaluate(_attempt(planned, facts, plan, ctx)):
            columns = "".join(f"「{c}」" for c in _columns(planned, finding.code))
            (report.errors if finding.blocks else report.warnings).add(finding.code)
            report.messages.append(f"第{plan.row}行{columns}：{finding.code} {finding.message}")
        _take(planned, facts, plan, ctx)
    report.messages += plan.notices
    return report


def _initial_facts(plan: RowPlan) -> CaseFacts | None:
    person = plan.person
    birth = person.get("birth_date")
    if birth is None:  # 出生日期 blank or unreadable: fall back on the 公民身份号码 to judge ages
        try:
            birth = parse(plan.id_number).birth_date
        except InvalidIdNumber:
            return None
    return CaseFacts(
        birth_date=birth,
        gender=person.get("gender", ""),
        id_number=plan.id_number,
        is_league_member=bool(person.get("is_league_member")),
        league_recommended_on=plan.league_recommended_on,
    )


def _identity_only(plan: RowPlan, report: RowReport) -> None:
    """Without 申请入党日期 the identity rule has no step to run on; run its check directly."""
    person = plan.person
    problems = identity_findings(plan.id_number, person.get("birth_date"), person.get("gender", ""))
    if problems and plan.id_number:
        report.errors.add("E02")
        report.messages.append(f"第{plan.row}行「公民身份号码」：E02 " + "；".join(problems))


def _attempt(planned: PlannedStep, facts: CaseFacts, plan: RowPlan, ctx: ImportContext) -> Attempt:
    branch_id = plan.branch.pk if plan.branch else None
    return Attempt(
        step=planned.step,
        on=planned.on,
        case=facts,
        today=ctx.rules.today,
        rule_set=ctx.rules.rule_set_on(planned.on),
        rules_2026_confirmed=ctx.rules.settings_row.rules_2026_confirmed,
        acting_org_can_approve=None,  # E13: authority was exercised back then, not judged now
        acting_org_is_department=None,
        contacts=_member_facts(planned.contacts, planned, branch_id),
        introducers=_member_facts(planned.introducers, planned, branch_id),
        meeting=MeetingFacts(*planned.meeting, planned.on) if planned.meeting else None,
        vote=VoteFacts(yes=planned.yes) if planned.meeting else None,
        data=planned.data,
        is_2026_date=ctx.rules.is_2026,
        workdays_between=ctx.rules.calendar.count,
        historical=True,
    )


def _member_facts(refs: list[MemberRef] | None, planned: PlannedStep, branch_id) -> list[MemberFacts] | None:
    if refs is None:
        return None
    return [
        member_facts(ref.member, planned.on, branch_id)
        if ref.member is not None
        else MemberFacts(ref.name, is_full=False, under_party_probation=False, on_roster=False)
        for ref in refs
    ]


def _take(planned: PlannedStep, facts: CaseFacts, plan: RowPlan, ctx: ImportContext) -> None:
    """Record the step in the facts, as the write path would, for the steps after it."""
    facts.done[planned.code] = planned.on
    facts.data[planned.code] = planned.data
    facts.rule_sets[planned.code] = ctx.rules.rule_set_on(planned.on)
    if planned.code == "admission_meeting":
        facts.probation_end = probation_end(planned.on)  # as _apply_consequences does
    if planned.code == "target_filing" and plan.publicity:
        facts.publicities.append(PublicityFacts(*plan.publicity))


def _columns(planned: PlannedStep, code: str) -> tuple[str, ...]:
    if code == "E09" and planned.code in VOTE_COLUMNS:
        return VOTE_COLUMNS[planned.code]
    if code in CODE_COLUMNS:
        return (CODE_COLUMNS[code],)
    return (planned.column,)
