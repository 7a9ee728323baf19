"""From a typed row to what it records: the person, the branch and the steps in workflow order,
each with its date and data. The checker and the writer turn the same plan into the same history
(writer.backfill) and decide it with the same decider — so what is checked is exactly what is written."""

import datetime as dt
from dataclasses import dataclass, field

from branches.models import Organization, PartyMember
from cases import steps
from cases.rules import MeetingFacts, PublicityFacts, VoteFacts
from imports.importer.context import ImportContext
from imports.importer.reader import SheetRow
from imports.importer.template import (
    DATA_COLUMNS,
    PERSON_STATISTICS_COLUMNS,
    PUBLICITY_COLUMNS,
    REQUIRED_WITH_STEP,
    STEP_DATA_COLUMNS,
    STEP_DATA_DEFAULTS,
    STEP_SOURCES,
    VOTE_COLUMNS,
    StepSource,
)

REQUIRED = ("姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "申请入党日期")


@dataclass(frozen=True)
class MemberRef:
    name: str
    member: PartyMember | None  # None: not (uniquely) on the branch roster


@dataclass
class PlannedStep:
    code: str
    on: dt.date
    column: str  # the column its messages name
    source: StepSource
    data: dict = field(default_factory=dict)
    contacts: list[MemberRef] | None = None
    introducers: list[MemberRef] | None = None
    meeting: tuple[int, int] | None = None  # (entitled, present)
    yes: int | None = None

    @property
    def step(self) -> steps.Step:
        return steps.get(self.code)


@dataclass
class RowPlan:
    row: int
    name: str = ""
    id_number: str = ""
    person: dict = field(default_factory=dict)
    branch: Organization | None = None
    league_recommended_on: dt.date | None = None
    special_development: bool = False
    steps: list[PlannedStep] = field(default_factory=list)
    publicity: tuple[dt.date, dt.date] | None = None
    problems: list[str] = field(default_factory=list)  # not rules: the row cannot be imported
    notices: list[str] = field(default_factory=list)
    already_imported: str = ""  # message when the person already has a case: the row is skipped


def plan_row(row: SheetRow, ctx: ImportContext, seen_ids: dict[str, int]) -> RowPlan:
    """`seen_ids` maps the 公民身份号码 of earlier rows of the file to their row numbers."""
    plan = RowPlan(row=row.number, problems=list(row.problems), notices=list(row.notices))
    plan.name = row.get("姓名", "")
    plan.id_number = row.get("公民身份号码", "")
    if _skip_if_imported(plan, ctx):
        return plan
    if plan.id_number:
        if plan.id_number in seen_ids:
            plan.problems.append(
                f"第{row.number}行「公民身份号码」：与第{seen_ids[plan.id_number]}行重复，同一人只能填写一行"
            )
        else:
            seen_ids[plan.id_number] = row.number
    _require(plan, row)
    plan.person = {
        "name": plan.name,
        "gender": row.get("性别", ""),
        "ethnicity": row.get("民族", ""),
        "birth_date": row.get("出生日期"),
        "id_number": plan.id_number,
        "education": row.get("学历", ""),
        "is_league_member": row.get("是否团员", False),
        "is_frontline": row.get("是否生产工作一线", False),
        # 党内统计 (optional columns): blank is 待补充 ("" or None), never 否 or 其他
        **{key: row.get(header, empty) for header, (key, empty) in PERSON_STATISTICS_COLUMNS.items()},
    }
    plan.league_recommended_on = row.get("团组织推优日期")
    plan.special_development = row.get("特殊情况下发展", False)
    plan.branch = _branch(plan, row, ctx)
    plan.publicity = _publicity(plan, row)
    for source in STEP_SOURCES:
        planned = _planned_step(source, plan, row, ctx)
        if planned is not None:
            plan.steps.append(planned)
    _data_without_step(plan, row)
    return plan


def _skip_if_imported(plan: RowPlan, ctx: ImportContext) -> bool:
    existing = ctx.existing.get(plan.id_number)
    if existing is None:
        return False
    if existing.visible:
        where = f"已有案例（{existing.name}，{existing.branch_name}）"
    else:
        where = "在系统中已有案例（不在您的管理范围内）"
    plan.already_imported = f"第{plan.row}行「公民身份号码」：{where}，视为已导入，本行跳过，不重复导入"
    return True


def _require(plan: RowPlan, row: SheetRow) -> None:
    for header in REQUIRED:
        if not row.filled(header) and header not in row.unreadable:
            plan.problems.append(f"第{row.number}行「{header}」：必填，不能为空")


def _branch(plan: RowPlan, row: SheetRow, ctx: ImportContext) -> Organization | None:
    key = row.get("所在党支部", "")
    if not key:
        if ctx.default_branch is not None:
            return ctx.default_branch if _in_scope(plan, ctx.default_branch, ctx) else None
        plan.problems.append(f"第{row.number}行「所在党支部」：必填，请填写党支部名称或组织代码")
        return None
    found = ctx.find_branch(key)
    if not found:
        plan.problems.append(
            f"第{row.number}行「所在党支部」：未找到党支部「{key}」，请填写系统中党支部的全称、简称或组织代码"
        )
        return None
    if len(found) > 1:
        codes = "、".join(b.code for b in found)
        plan.problems.append(
            f"第{row.number}行「所在党支部」：「{key}」对应多个党支部（组织代码 {codes}），请改填组织代码"
        )
        return None
    return found[0] if _in_scope(plan, found[0], ctx) else None


def _in_scope(plan: RowPlan, branch: Organization, ctx: ImportContext) -> bool:
    if ctx.may_import_into(branch):
        return True
    plan.problems.append(
        f"第{plan.row}行「所在党支部」：「{branch.name}」不在您的管理范围内，"
        "只能导入您担任党支部书记（组织委员）或党委组织委员的组织所辖党支部"
    )
    return False


def _publicity(plan: RowPlan, row: SheetRow) -> tuple[dt.date, dt.date] | None:
    start, end = (row.get(h) for h in PUBLICITY_COLUMNS)
    if start is None and end is None:
        return None
    if start is None or end is None:
        missing = PUBLICITY_COLUMNS[0] if start is None else PUBLICITY_COLUMNS[1]
        if missing not in row.unreadable:
            plan.problems.append(f"第{row.number}行「{missing}」：公示开始和结束日期须同时填写")
        return None
    if impossible := PublicityFacts(start, end).problems():
        plan.problems += [f"第{row.number}行「{PUBLICITY_COLUMNS[1]}」：{p}" for p in impossible]
        return None
    if not row.filled("发展对象备案日期"):
        plan.problems.append(
            f"第{row.number}行「{PUBLICITY_COLUMNS[0]}」：填写了公示日期，但「发展对象备案日期」为空"
        )
        return None
    return start, end


def _planned_step(source: StepSource, plan: RowPlan, row: SheetRow, ctx: ImportContext) -> PlannedStep | None:
    if source.implied and not any(row.filled(h) for h in source.present_when):
        return None
    dating = next((h for h in source.dated_by if row.filled(h)), None)
    if dating is None:
        if source.implied and source.label:  # names given, but no date to record them on
            plan.problems.append(
                f"第{row.number}行「{source.label}」：已填写，但「{source.dated_by[0]}」为空，无法确定办理日期"
            )
        return None
    on = row.get(dating)
    if source.code == "introducers_assigned" and plan.publicity and dating == "发展对象备案日期":
        on = max(on, plan.publicity[1] + dt.timedelta(days=1))  # 2026: introducers follow the 公示
    planned = PlannedStep(source.code, on, source.label or dating, source)
    _fill_step_data(planned, plan, row, ctx)
    return planned


def _fill_step_data(planned: PlannedStep, plan: RowPlan, row: SheetRow, ctx: ImportContext) -> None:
    code = planned.code
    if code == "contacts_assigned":
        planned.contacts = _members(plan, row, "培养联系人", ctx)
    elif code == "introducers_assigned":
        planned.introducers = _members(plan, row, "入党介绍人", ctx)
    elif code in VOTE_COLUMNS:
        _fill_vote(planned, plan, row)
    planned.data = _step_data(planned, plan, row)


def _step_data(planned: PlannedStep, plan: RowPlan, row: SheetRow) -> dict:
    """The record's data from the step's data columns; a key the template has no column for takes
    its declared default — for a step without data columns always, otherwise only when the row
    gives the step's data at all (集中培训学时 given: 0 培训天数)."""
    columns = STEP_DATA_COLUMNS[planned.code]
    data = {f.key: row.get(header) for header, f in columns if row.filled(header)}
    for header, f in columns:
        if header in REQUIRED_WITH_STEP and not row.filled(header) and header not in row.unreadable:
            allowed = f"（{'或'.join(f.choices.labels)}）" if f.choices else ""
            plan.problems.append(
                f"第{row.number}行「{header}」：填写了「{planned.column}」，须同时填写{f.label}{allowed}"
            )
    if data or not columns:
        data = STEP_DATA_DEFAULTS[planned.code] | data
    return data


def _fill_vote(planned: PlannedStep, plan: RowPlan, row: SheetRow) -> None:
    headers = VOTE_COLUMNS[planned.code]
    values = [row.get(h) for h in headers]
    if all(v is None for v in values):
        return  # no tally: E09 judges it (cases.rules.tally: the 支部大会's tally is required)
    if any(v is None for v in values):
        missing = "、".join(f"「{h}」" for h, v in zip(headers, values, strict=True) if v is None)
        if not row.unreadable.intersection(headers):
            plan.problems.append(f"第{row.number}行{missing}：应到人数、实到人数、赞成票数须同时填写")
        return
    entitled, present, yes = values
    if impossible := MeetingFacts(entitled, present).problems(VoteFacts(yes=yes)):
        columns = dict(zip(("entitled", "present", "yes"), headers, strict=True))
        plan.problems += [f"第{row.number}行「{columns[p.part]}」：{p}" for p in impossible]
        return
    planned.meeting, planned.yes = (entitled, present), yes


def _members(plan: RowPlan, row: SheetRow, header: str, ctx: ImportContext) -> list[MemberRef]:
    names = row.get(header) or []
    if plan.branch is None:
        return [MemberRef(n, None) for n in names]
    roster = ctx.roster(plan.branch)
    refs = []
    for name in names:
        found = roster.get(name, [])
        if len(found) == 1:
            refs.append(MemberRef(name, found[0]))
            continue
        if not found:
            why = f"「{name}」不在{plan.branch.name}的党员名册中（须为本支部在册党员）"
        else:
            why = f"{plan.branch.name}的党员名册中有 {len(found)} 名「{name}」，无法确定是哪一位，请联系管理员在名册中区分"
        plan.problems.append(f"第{row.number}行「{header}」：{why}")
        refs.append(MemberRef(name, None))
    return refs


def _orphans() -> list[tuple[str, str]]:
    """(data column, the date column of its step), for every column that belongs to a dated step."""
    own_date = {s.code: s.dated_by[0] for s in STEP_SOURCES if not s.implied}
    orphans = [(header, own_date[code]) for header, (code, _) in DATA_COLUMNS.items()]
    orphans += [(h, "接收大会日期") for h in VOTE_COLUMNS["admission_meeting"]]
    orphans += [(h, "转正大会日期") for h in VOTE_COLUMNS["conversion_meeting"]]
    return orphans


ORPHANS = _orphans()


def _data_without_step(plan: RowPlan, row: SheetRow) -> None:
    """Data columns filled while the step they belong to is blank: say so rather than drop them."""
    reported = set()
    for data_header, date_header in ORPHANS:
        if row.filled(data_header) and not row.filled(date_header) and date_header not in reported:
            reported.add(date_header)
            plan.problems.append(f"第{row.number}行「{data_header}」：已填写，但「{date_header}」为空")
