"""The exported sheets: cases in the import template, 花名册 per stage, the filtered case list,
the Party-member roster, and the blank template with its 填写说明."""

from branches.models import Organization, OrgKind, PartyMember
from cases import steps
from cases.idcard import mask
from cases.models import Stage
from imports.exports.case_rows import id_visibility, iter_case_data, template_cases, template_row
from imports.exports.workbook import Sheet
from imports.importer import limits
from imports.importer.template import COLUMNS, HEADERS, STEP_SOURCES, general_notes


class Tally:
    """Counts the rows a lazy sheet yields and notes the cases whose full 公民身份号码 it carried."""

    def __init__(self):
        self.rows = 0
        self.unmasked_cases: list[int] = []

    def count(self, case, full: bool) -> None:
        self.rows += 1
        if full:
            self.unmasked_cases.append(case.pk)

    @property
    def full_ids(self) -> bool:
        return bool(self.unmasked_cases)


def template_sheet(queryset, user, tally: Tally) -> Sheet:
    visible = id_visibility(user)

    def rows():
        for case, values in iter_case_data(template_cases(queryset)):
            full = visible(case)
            tally.count(case, full)
            yield template_row(values, full)

    return Sheet("导入模板", list(HEADERS), rows())


ROSTER_BASE = ["姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "所在党支部"]
ROSTER_STEPS = {
    Stage.APPLICANT: ["申请入党日期", "谈话日期"],
    Stage.ACTIVIST: ["申请入党日期", "谈话日期", "确定积极分子日期", "积极分子备案日期", "培养联系人"],
    Stage.TARGET: [
        "申请入党日期",
        "确定积极分子日期",
        "确定发展对象日期",
        "发展对象备案日期",
        "培养联系人",
        "入党介绍人",
        "政审日期",
        "集中培训结业日期",
        "支委会审查日期",
        "预审日期",
    ],
    Stage.PROBATIONARY: [
        "申请入党日期",
        "确定积极分子日期",
        "确定发展对象日期",
        "入党介绍人",
        "接收大会日期",
        "党委审批日期",
        "入党宣誓日期",
        "转正申请日期",
    ],
}
ROSTER_STAGES = tuple(ROSTER_STEPS)


def roster_title(stage: str) -> str:
    return f"{Stage(stage).label}花名册"


def stage_roster_sheet(queryset, stage: str, user, tally: Tally) -> Sheet:
    stage = Stage(stage)
    visible = id_visibility(user)
    headers = ["序号", *ROSTER_BASE, *ROSTER_STEPS[stage]]
    if stage == Stage.PROBATIONARY:
        headers.append("预备期满日期")
    headers += ["下一步", "到期日期"]

    def rows():
        open_cases = queryset.filter(outcome="", stage=stage)
        for number, (case, values) in enumerate(iter_case_data(open_cases), start=1):
            full = visible(case)
            values = {**values, "序号": number, "预备期满日期": case.probation_end, "到期日期": case.next_due}
            values["下一步"] = steps.get(case.next_step).name if case.next_step else ""
            if not full:
                values["公民身份号码"] = mask(values["公民身份号码"])
            tally.count(case, full)
            yield [values.get(h) for h in headers]

    return Sheet(roster_title(stage), headers, rows())


CASE_LIST_HEADERS = [
    "姓名",
    "性别",
    "公民身份号码",
    "党支部",
    "当前阶段",
    "状态",
    "下一步",
    "到期日期",
    "最早可办日期",
    "申请入党日期",
    "确定积极分子日期",
    "确定发展对象日期",
    "预备期起",
    "预备期满",
    "转正日期（党龄起算）",
    "已完成步骤数",
    "缺少必备材料数",
]


def case_list_sheet(queryset, user, tally: Tally) -> Sheet:
    visible = id_visibility(user)

    def rows():
        for case in queryset.select_related("person", "branch").iterator(chunk_size=1000):
            full = visible(case)
            person = case.person_on_file
            tally.count(case, full)
            yield [
                person.name,
                person.get_gender_display(),
                person.id_number if full else mask(person.id_number),
                case.branch.name,
                case.get_stage_display(),
                case.get_outcome_display(),
                steps.get(case.next_step).name if case.next_step else "",
                case.next_due,
                case.next_earliest,
                case.applied_on,
                case.activist_on,
                case.target_on,
                case.probation_start,
                case.probation_end,
                case.full_member_on,
                case.steps_done,
                case.materials_missing,
            ]

    return Sheet("案例列表", CASE_LIST_HEADERS, rows())


def member_roster_sheet(branches, tally: Tally) -> Sheet:
    headers = ["党支部", "组织代码", "姓名", "党员类别"]
    branches = branches.filter(kind=OrgKind.BRANCH)

    def rows():
        members = (
            PartyMember.objects.filter(branch__in=branches, active=True)
            .select_related("branch")
            .order_by("branch__path", "status", "name")
        )
        for member in members.iterator(chunk_size=2000):
            tally.rows += 1
            yield [member.branch.name, member.branch.code, member.name, member.get_status_display()]

    return Sheet("党员名册", headers, rows())


def blank_template_sheets() -> list[Sheet]:
    """The empty template and a second sheet 「填写说明」 explaining every column and the mapping."""
    notes = [["", "总体说明", "", ""]] + [
        [i, note, "", ""] for i, note in enumerate(general_notes(limits.current()), start=1)
    ]
    notes.append(["", "", "", ""])
    notes.append(["", "各列说明", "", ""])
    notes += [[c.header, c.help, "必填" if c.required else "", c.example] for c in COLUMNS]
    notes.append(["", "", "", ""])
    notes.append(["", "没有单独日期列的步骤如何确定（导入规则）", "", ""])
    for source in STEP_SOURCES:
        if source.implied:
            step = steps.get(source.code)
            notes.append([f"第{step.number}步 {step.name}", source.note, "", ""])
    return [
        Sheet("导入模板", list(HEADERS), []),
        Sheet("填写说明", ["列名", "说明", "是否必填", "示例"], notes),
    ]


def branch_queryset(user):
    if user is None:
        return Organization.objects.filter(kind=OrgKind.BRANCH)
    from branches.selectors import branches_visible_to

    return branches_visible_to(user)
