"""Opening a case, its side outcomes, and transfers between branches."""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from branches.models import Organization, OrgKind, Role
from branches.permissions import grants_covering
from cases import idcard
from cases.models import (
    CASE_EDIT_FIELDS,
    PERSON_FIELDS,
    Case,
    EventKind,
    Outcome,
    Person,
    StepRecord,
    SubmissionStatus,
)
from cases.permissions import Act, act_answer, opening_answer
from cases.rules.checks import identity_findings
from cases.services.actors import Actor, as_actor, granted, writes
from cases.services.errors import InvalidInput, StepNotAllowed, refuse_out_of_range
from cases.services.events import record_event
from cases.services.recorded_people import save_people
from cases.services.step_decision import Authority, StepInput
from cases.services.step_service import lock_case, perform_step
from cases.services.summary import refresh_summary
from cases.services.text_fields import require_single_line


def withdraw_pending_submissions(case: Case) -> None:
    """A closed case has nothing left to decide: its reports leave every inbox."""
    case.submissions.filter(status=SubmissionStatus.PENDING).update(
        status=SubmissionStatus.WITHDRAWN, closed_at=timezone.now()
    )


def name_initials(name: str) -> str:
    return "".join(part[0] for part in lazy_pinyin(name, style=Style.FIRST_LETTER) if part).lower()


def opening_grant(branch: Organization, actor: Actor, authority: Authority = Authority.LIVE):
    """Who may open a case at `branch`: its secretary, or an importer backfilling its history."""
    if branch.kind != OrgKind.BRANCH:
        raise InvalidInput("案例只能建在党支部")
    return granted(opening_answer(actor.user, branch, backfill=authority is Authority.BACKFILL))


def person_fields(person: dict, *, initials: bool = True) -> dict:
    """The person's fields as given, the 公民身份号码 normalized (not yet checked against birth
    date and gender: a history leaves that to E02 on its application step). `initials=False`
    (a dry run, which saves nothing) leaves out the 拼音 initials the case list searches by."""
    values = {k: person[k] for k in PERSON_FIELDS if k in person}
    require_single_line(values)
    values["id_number"] = idcard.normalize(person.get("id_number") or "")
    if initials:
        values["name_initials"] = name_initials(values.get("name", ""))
    return values


def person_values(person: dict) -> dict:
    """person_fields, the 公民身份号码 checked against birth date and gender (E02)."""
    values = person_fields(person)
    problems = identity_findings(values["id_number"], person.get("birth_date"), person.get("gender", ""))
    if problems:
        raise InvalidInput("E02 " + "；".join(problems))
    return values


@writes
def open_case(
    *,
    branch: Organization,
    person: dict,
    applied_on: dt.date,
    actor,
    league_recommended_on=None,
    leaving_unit_on=None,
    note: str = "",
) -> Case:
    """Register a written application: the person, the case and step 1 in one transaction."""
    actor = as_actor(actor)
    refuse_out_of_range(applied_on, league_recommended_on, leaving_unit_on)
    grant = opening_grant(branch, actor)
    values = person_values(person)
    existing = Person.objects.filter(id_number=values["id_number"]).first()
    if existing:
        _refuse_unless_reusable(existing, actor, grant.role)
        for key, value in values.items():
            setattr(existing, key, value)
        subject = existing
    else:
        subject = Person(**values)
    subject._history_user = actor.user
    subject.save()
    try:
        with transaction.atomic():
            case = Case(
                person=subject,
                branch=branch,
                league_recommended_on=league_recommended_on,
                leaving_unit_on=leaving_unit_on,
            )
            case._history_user = actor.user
            case.save()
    except IntegrityError as exc:
        raise InvalidInput("该人员已有进行中的案例，不能重复建档") from exc
    record_event(
        case=case, actor=actor, kind=EventKind.OPEN, summary=f"建档：{subject.name}", occurred_on=applied_on
    )
    perform_step(case=case, step_code="application", given=StepInput(on=applied_on, note=note), actor=actor)
    return case


# Says that the number exists, and nothing of whom it belongs to or where.
NUMBER_REGISTERED_ELSEWHERE = (
    "该公民身份号码已在系统中登记，不在您的管理范围内，不能在此新建案例。"
    "如本人组织关系已转入本支部，请联系上级党委办理案例转接。"
)


def _refuse_unless_reusable(existing: Person, actor: Actor, role: Role) -> None:
    """A person already registered is taken up again only when every case of theirs lies where the
    actor holds the same role (a re-application at the same branch); otherwise the data belongs to
    another organization's file, and it is neither changed nor revealed."""
    cases = list(existing.cases.select_related("branch"))
    if not all(grants_covering(actor.user, c.branch, roles={role}) for c in cases):
        raise InvalidInput(NUMBER_REGISTERED_ELSEWHERE)
    if any(c.is_open for c in cases):
        raise InvalidInput(f"该人员（{existing.name}）已有进行中的案例，不能重复建档")


def _required_reason(reason: str, what: str) -> str:
    """The reason an irreversible or fact-changing act carries into its event: required, one trimmed text."""
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(f"须填写{what}")
    return reason


@writes
def update_person(*, case: Case, changes: dict, reason: str, actor, case_changes: dict | None = None) -> Case:
    """Correct the person's recorded data; `reason` goes into the event and the field history."""
    actor = as_actor(actor)
    reason = _required_reason(reason, "修改原因")
    refuse_out_of_range(*(v for v in (case_changes or {}).values() if isinstance(v, dt.date)))
    lock_case(case)
    # A closed file keeps the person as they were (after a transfer the data is another branch's):
    # the policy refuses EDIT on it.
    grant = granted(act_answer(actor.user, case, Act.EDIT))
    person = case.person
    require_single_line(changes)
    if "id_number" in changes:
        changes = {**changes, "id_number": idcard.normalize(changes["id_number"])}
    before = {k: getattr(person, k) for k in changes}
    for key, value in changes.items():
        if key not in PERSON_FIELDS:
            raise InvalidInput(f"不能修改字段 {key}")
        setattr(person, key, value)
    problems = identity_findings(person.id_number, person.birth_date, person.gender)
    if problems:
        raise InvalidInput("E02 " + "；".join(problems))
    if Person.objects.filter(id_number=person.id_number).exclude(pk=person.pk).exists():
        raise InvalidInput("该公民身份号码已属于另一人员")
    person.name_initials = name_initials(person.name)
    person._history_user = actor.user
    person._change_reason = reason
    person.save()
    for key, value in (case_changes or {}).items():
        if key not in CASE_EDIT_FIELDS:
            raise InvalidInput(f"不能修改字段 {key}")
        setattr(case, key, value)
    refresh_summary(case, actor.user, reason=f"修改人员信息：{reason}")
    changed = [Person._meta.get_field(k).verbose_name for k in changes if before[k] != changes[k]]
    changed += [Case._meta.get_field(k).verbose_name for k in (case_changes or {})]
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.EDIT,
        summary="修改：" + ("、".join(changed) or "无变化"),
        role=grant.recorded_role,
        org=grant.org,
        note=reason,
    )
    return case


# Which side outcomes the branch may record, and from which standings.
CLOSABLE = {
    Outcome.WITHDRAWN: ("applicant", "activist", "target"),
    Outcome.DEACTIVATED: ("activist", "target"),
    Outcome.ADMISSION_REJECTED: ("target",),
}


def outcome_act(outcome: str) -> Act:
    """The act of the policy (cases.permissions) that records a side outcome."""
    return Act.REJECT if outcome == Outcome.ADMISSION_REJECTED else Act.CLOSE


@writes
def close_case(*, case: Case, outcome: str, on: dt.date, reason: str, actor) -> Case:
    """Side outcomes: 本人撤回, 不再列为积极分子/发展对象, 未被接收 (branch vote failed or the
    committee did not approve)."""
    actor = as_actor(actor)
    refuse_out_of_range(on)
    outcome = Outcome(outcome)
    reason = _required_reason(reason, "说明")
    lock_case(case)
    grant = granted(act_answer(actor.user, case, outcome_act(outcome)))
    if outcome not in CLOSABLE or case.stage not in CLOSABLE[outcome]:
        raise StepNotAllowed(f"{case.get_stage_display()}阶段不能登记为「{outcome.label}」")
    case.outcome, case.outcome_on, case.outcome_reason = outcome, on, reason
    withdraw_pending_submissions(case)
    refresh_summary(case, actor.user, reason=outcome.label)
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.OUTCOME,
        summary=f"{outcome.label}（{on}）：{reason}",
        occurred_on=on,
        role=grant.recorded_role,
        org=grant.org,
        note=reason,
    )
    return case


@writes
def transfer_case(*, case: Case, to_branch: Organization, on: dt.date, reason: str, actor) -> Case:
    """组织关系转出: close here, open at the receiving branch with the steps done so far, so the
    cultivation time carries over (细则第十二条 "培养教育时间可以连续计算"). `reason` goes into
    both cases' events."""
    actor = as_actor(actor)
    reason = _required_reason(reason, "转出原因")
    refuse_out_of_range(on)
    lock_case(case)
    grant = granted(act_answer(actor.user, case, Act.TRANSFER))
    if to_branch.kind != OrgKind.BRANCH or to_branch.pk == case.branch_id:
        raise InvalidInput("请选择另一个党支部作为转入支部")
    case.outcome, case.outcome_on, case.outcome_reason = Outcome.TRANSFERRED_OUT, on, reason
    case.person_at_transfer = {field: getattr(case.person, field) for field in PERSON_FIELDS}
    withdraw_pending_submissions(case)
    refresh_summary(case, actor.user, reason="组织关系转出")
    record_event(
        case=case,
        actor=actor,
        kind=EventKind.OUTCOME,
        summary=f"组织关系转出至{to_branch.name}（{on}）",
        occurred_on=on,
        role=grant.recorded_role,
        org=grant.org,
        note=reason,
    )
    new = Case(
        person=case.person,
        branch=to_branch,
        transferred_from=case,
        league_recommended_on=case.league_recommended_on,
        leaving_unit_on=case.leaving_unit_on,
        special_development=case.special_development,
        probation_start=case.probation_start,
        probation_end=case.probation_end,
        extension_months=case.extension_months,
    )
    new._history_user = actor.user
    new.save()
    for old in case.records.filter(is_current=True).prefetch_related("recorded_people"):
        copy = StepRecord(
            case=new,
            step=old.step,
            on=old.on,
            recorded_by=old.recorded_by,
            org=old.org,
            meeting=old.meeting,
            data=old.data,
            note=old.note,
            rule_set=old.rule_set,
        )
        copy._history_user = actor.user
        copy.save()
        save_people(copy, [person.copy_to(copy) for person in old.recorded_people.all()])
    for pub in case.publicities.all():
        pub.pk = None
        pub.case = new
        pub._history_user = actor.user
        pub.save()
    refresh_summary(new, actor.user, reason="组织关系转入")
    transfer_actor = Actor(user=actor.user, ip=actor.ip, source="transfer")
    record_event(
        case=new,
        actor=transfer_actor,
        kind=EventKind.OPEN,
        summary=f"自{case.branch.name}转入（{on}），已完成 {new.steps_done} 个步骤，培养时间连续计算",
        occurred_on=on,
        role=grant.recorded_role,
        org=grant.org,
        note=reason,
    )
    return new
