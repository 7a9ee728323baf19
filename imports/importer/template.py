"""The import template of product.md §6 as data: its columns, what each holds, and which of the
25 steps each column records (including steps the template has no column for).

The headers are the contract with the counties' spreadsheets: never rename or reorder them.
"""

from dataclasses import dataclass

from cases import steps

NAME_SEPARATORS = "、，,；;"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str  # text, id_number, date, count, hours, names, yes_no, gender, education, conclusion, branch
    help: str
    required: bool = False
    example: str = ""
    optional: bool = False  # the header may be absent (added later: files made before keep importing)


COLUMNS: tuple[Column, ...] = (
    Column("姓名", "text", "本人姓名，只能包含汉字、字母和间隔号「·」。", True, "张三"),
    Column("性别", "gender", "填「男」或「女」。", True, "男"),
    Column("民族", "text", "民族全称，例如「汉族」「回族」。", True, "汉族"),
    Column("出生日期", "date", "须与公民身份号码中的出生日期一致（E02）。", True, "1995-03-15"),
    Column(
        "公民身份号码",
        "id_number",
        "18位，末位可为X；请将本列设为「文本」格式，否则 Excel 会把号码变成科学计数法并丢失末几位。"
        "同一号码在文件中只能出现一次；系统中已有案例的号码视为已导入，跳过不重复导入。",
        True,
        "330102199503150012",
    ),
    Column(
        "学历",
        "education",
        "小学及以下、初中、高中/中专、大专、本科、研究生（也接受「大学本科」「硕士研究生」等常见写法）。",
        True,
        "本科",
    ),
    Column(
        "是否团员",
        "yes_no",
        "填「是」或「否」，空白视为「否」。28周岁以下团员确定积极分子时一般须经团组织推优（W02）。",
        example="否",
    ),
    Column("是否生产工作一线", "yes_no", "填「是」或「否」，空白视为「否」。", example="是"),
    Column(
        "所在党支部",
        "branch",
        "党支部全称、简称或组织代码；须是您有权导入的党支部。命令行导入可用 --branch 为空白行指定默认党支部。",
        True,
        "城关镇第一党支部",
    ),
    Column(
        "申请入党日期",
        "date",
        "递交入党申请书的日期（第1步），必填：每个案例从入党申请开始。",
        True,
        "2022-01-10",
    ),
    Column(
        "谈话日期", "date", "党组织派人谈话（第2步）；应在收到申请书后一个月内（W01）。", example="2022-01-25"
    ),
    Column(
        "团组织推优日期",
        "date",
        "团组织推荐优秀团员作入党积极分子人选（推优）的日期；不是单独的步骤。",
        example="",
    ),
    Column("确定积极分子日期", "date", "推荐和确定入党积极分子（第3步）。", example="2022-03-01"),
    Column("积极分子备案日期", "date", "入党积极分子报上级党委备案（第4步）。", example="2022-03-10"),
    Column(
        "培养联系人",
        "names",
        "一至两名本支部在册正式党员的姓名，用「、」分隔（E06）。填写即视为已指定培养联系人（第5步），日期按「确定积极分子日期」记。",
        example="王伟、李芳",
    ),
    Column(
        "确定发展对象日期",
        "date",
        "确定发展对象（第7步），须满一年培养期（E04）。填写即视为培养教育考察（第6步）已于同日完成。",
        example="2023-03-06",
    ),
    Column(
        "发展对象备案日期",
        "date",
        "发展对象报上级党委备案（第8步；2026年细则为上级党委同意）。",
        example="2023-03-15",
    ),
    Column(
        "发展对象公示开始日期",
        "date",
        "2026年细则：上级党委同意后公示，不少于五个工作日（E14）。两个公示日期须同时填写。",
        example="",
    ),
    Column("发展对象公示结束日期", "date", "公示结束日期，须已结束且不早于开始日期。", example=""),
    Column(
        "入党介绍人",
        "names",
        "两名本支部在册正式党员的姓名，用「、」分隔（E05）；受留党察看处分的不能作介绍人。"
        "填写即视为已确定入党介绍人（第9步），日期按「发展对象备案日期」记（有公示时为公示结束次日）。",
        example="王伟、李芳",
    ),
    Column(
        "政审结论", "conclusion", "填「合格」或「不合格」；填写了「政审日期」时必填（E07）。", example="合格"
    ),
    Column("政审日期", "date", "进行政治审查（第10步）。", example="2023-04-01"),
    Column(
        "集中培训学时", "hours", "集中培训的学时数，不少于24学时（E08）；模板不记培训天数。", example="24"
    ),
    Column("集中培训结业日期", "date", "开展集中培训（第11步）。", example="2023-04-10"),
    Column("支委会审查日期", "date", "支部委员会审查（第12步）。", example="2023-04-20"),
    Column(
        "预审日期",
        "date",
        "上级党委预审（第13步）。填写入党志愿书（第14步）按本日期记（本列空白而有接收大会日期时按接收大会日期记）。",
        example="2023-05-06",
    ),
    Column(
        "接收大会日期",
        "date",
        "支部党员大会讨论接收预备党员（第15步）；预备期自本日起一年。",
        example="2023-05-20",
    ),
    Column(
        "接收大会应到人数", "count", "有表决权的应到会党员人数；三个表决数须同时填写（E09）。", example="8"
    ),
    Column(
        "接收大会实到人数", "count", "有表决权的实到会党员人数，须超过应到人数的半数（E09）。", example="8"
    ),
    Column("接收大会赞成票数", "count", "赞成票数，须超过应到人数的半数（E09）。", example="8"),
    Column("党委谈话日期", "date", "上级党委派人谈话（第16步）。", example="2023-06-01"),
    Column(
        "党委审批日期",
        "date",
        "上级党委审批（第17步），支部大会后三个月内（W03），最长六个月（E12）。"
        "其后各列有任一日期时，再上一级党委组织部门备案（第18步）视为已于同日办理。",
        example="2023-06-15",
    ),
    Column(
        "入党宣誓日期",
        "date",
        "入党宣誓（第20步）。填写即视为已编入党支部和党小组（第19步），日期同入党宣誓日期。",
        example="2023-07-01",
    ),
    Column(
        "转正申请日期",
        "date",
        "提出转正申请（第22步）。填写即视为继续教育考察（第21步）已于同日完成。",
        example="2024-05-10",
    ),
    Column(
        "转正大会日期",
        "date",
        "支部党员大会讨论按期转正（第23步），不早于预备期满（E10）。",
        example="2024-05-21",
    ),
    Column(
        "转正大会应到人数", "count", "有表决权的应到会党员人数；三个表决数须同时填写（E09）。", example="8"
    ),
    Column("转正大会实到人数", "count", "有表决权的实到会党员人数（E09）。", example="8"),
    Column("转正大会赞成票数", "count", "赞成票数（E09）。", example="8"),
    Column("转正审批日期", "date", "上级党委审批转正（第24步）。", example="2024-06-10"),
    Column(
        "归档日期",
        "date",
        "材料归档（第25步）；归档后案例结束（已归档）。历史材料视为纸质存档：不检查材料齐全（E15），"
        "导入的各步骤必备材料登记为免交，理由「历史材料纸质存档」。",
        example="2024-06-20",
    ),
    # 党内统计 (partystats), added after the first template: a file without them still imports.
    Column(
        "人员类别",
        "category",
        "党内统计的人员类别，例如「公有制单位—企业专业技术人员」「农牧渔民」「学生」「其他」（见模板第二页）；"
        "空白记为「待补充」，统计表中列为待补充，不计入「其他」。",
        example="农牧渔民",
        optional=True,
    ),
    Column(
        "农民工/外出务工经商人员",
        "yes_no",
        "填「是」或「否」；空白记为「待补充」。",
        example="否",
        optional=True,
    ),
    Column(
        "一线类型",
        "frontline_kind",
        "生产工作一线的类型：企业生产一线、农村生产一线、教学科研一线、机关一线；空白记为「待补充」。",
        example="农村生产一线",
        optional=True,
    ),
    Column(
        "专业技术职务",
        "title_level",
        "无、高级、中级、初级；空白记为「待补充」。",
        example="无",
        optional=True,
    ),
    Column(
        "先进模范人物",
        "honour_level",
        "否、是（省部级以上）、是（地市级）、是（县级及以下）；空白记为「待补充」。",
        example="否",
        optional=True,
    ),
    Column("劳务派遣工", "yes_no", "填「是」或「否」；空白记为「待补充」。", example="否", optional=True),
    Column("台湾省籍", "yes_no", "填「是」或「否」；空白记为「待补充」。", example="否", optional=True),
    Column("特殊情况下发展", "yes_no", "填「是」或「否」，空白视为「否」。", example="否", optional=True),
)

HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS)
REQUIRED_HEADERS: tuple[str, ...] = tuple(c.header for c in COLUMNS if not c.optional)
# The person's 党内统计 facts: header → (field, the value a blank cell records: 待补充).
PERSON_STATISTICS_COLUMNS: dict[str, tuple[str, object]] = {
    "人员类别": ("category", ""),
    "农民工/外出务工经商人员": ("is_migrant_worker", None),
    "一线类型": ("frontline_kind", ""),
    "专业技术职务": ("title_level", ""),
    "先进模范人物": ("honour_level", ""),
    "劳务派遣工": ("is_dispatched", None),
    "台湾省籍": ("is_taiwanese", None),
}
BY_HEADER: dict[str, Column] = {c.header: c for c in COLUMNS}

# Columns after 党委审批日期 whose presence shows the approval was filed with the department.
AFTER_APPROVAL = ("入党宣誓日期", "转正申请日期", "转正大会日期", "转正审批日期", "归档日期")
AFTER_OATH = ("转正申请日期", "转正大会日期", "转正审批日期", "归档日期")


@dataclass(frozen=True)
class StepSource:
    """Where a step comes from in a row.

    A step with its own date column is done when that column is filled. A step without one is
    done when one of `present_when` is filled, and is dated by the first filled of `dated_by`;
    `label` is the column its messages name.
    """

    code: str
    dated_by: tuple[str, ...]
    present_when: tuple[str, ...] = ()
    label: str = ""
    note: str = ""

    @property
    def implied(self) -> bool:
        return bool(self.present_when)

    @property
    def column(self) -> str:
        return self.label or self.dated_by[0]


def _own(code: str, header: str) -> StepSource:
    return StepSource(code, (header,))


STEP_SOURCES: tuple[StepSource, ...] = (
    _own("application", "申请入党日期"),
    _own("initial_talk", "谈话日期"),
    _own("activist_selection", "确定积极分子日期"),
    _own("activist_filing", "积极分子备案日期"),
    StepSource(
        "contacts_assigned",
        ("确定积极分子日期", "确定发展对象日期"),
        present_when=("培养联系人",),
        label="培养联系人",
        note="填写「培养联系人」即为已指定，日期按「确定积极分子日期」记",
    ),
    StepSource(
        "activist_cultivation",
        ("确定发展对象日期",),
        present_when=("确定发展对象日期",),
        note="填写「确定发展对象日期」即为培养教育考察已完成，日期同确定发展对象日期",
    ),
    _own("target_selection", "确定发展对象日期"),
    _own("target_filing", "发展对象备案日期"),
    StepSource(
        "introducers_assigned",
        ("发展对象备案日期", "支委会审查日期", "接收大会日期"),
        present_when=("入党介绍人",),
        label="入党介绍人",
        note="填写「入党介绍人」即为已确定，日期按「发展对象备案日期」记；有公示的，按公示结束次日记",
    ),
    _own("political_review", "政审日期"),
    _own("intensive_training", "集中培训结业日期"),
    _own("branch_committee_review", "支委会审查日期"),
    _own("pre_review", "预审日期"),
    StepSource(
        "application_form",
        ("预审日期", "接收大会日期"),
        present_when=("接收大会日期",),
        note="填写「接收大会日期」即为已填写入党志愿书，日期按「预审日期」记（预审日期空白时按接收大会日期）",
    ),
    _own("admission_meeting", "接收大会日期"),
    _own("committee_talk", "党委谈话日期"),
    _own("admission_approval", "党委审批日期"),
    StepSource(
        "admission_filing",
        ("党委审批日期",),
        present_when=AFTER_APPROVAL,
        note="党委审批日期之后任一列（入党宣誓日期至归档日期）有日期的，视为已备案，日期同党委审批日期；"
        "否则留待组织部门在系统中确认备案",
    ),
    StepSource(
        "group_placement",
        AFTER_APPROVAL,
        present_when=AFTER_APPROVAL,
        note="填写「入党宣誓日期」（或其后任一日期）即为已编入党小组，日期同入党宣誓日期",
    ),
    _own("oath", "入党宣誓日期"),
    StepSource(
        "probation_education",
        AFTER_OATH,
        present_when=AFTER_OATH,
        note="填写「转正申请日期」（或其后任一日期）即为继续教育考察已完成，日期同转正申请日期",
    ),
    _own("conversion_application", "转正申请日期"),
    _own("conversion_meeting", "转正大会日期"),
    _own("conversion_approval", "转正审批日期"),
    _own("archiving", "归档日期"),
)

# The meeting and vote columns of the two branch-assembly steps (E09).
VOTE_COLUMNS = {
    "admission_meeting": ("接收大会应到人数", "接收大会实到人数", "接收大会赞成票数"),
    "conversion_meeting": ("转正大会应到人数", "转正大会实到人数", "转正大会赞成票数"),
}
PUBLICITY_COLUMNS = ("发展对象公示开始日期", "发展对象公示结束日期")
# The columns that carry a key of a step record's data, as cases.steps declares them: header →
# (step code, field). A key without a column is not imported (see the notes below).
DATA_COLUMNS: dict[str, tuple[str, steps.DataField]] = {
    f.column: (step.code, f) for step in steps.STEPS for f in step.data_fields if f.column
}
# The same, by step: step code → ((header, field), …), and the defaults of the step's data keys
# that have no column (all the keys of a step without data columns).
STEP_DATA_COLUMNS: dict[str, tuple[tuple[str, steps.DataField], ...]] = {
    step.code: tuple((h, f) for h, (code, f) in DATA_COLUMNS.items() if code == step.code)
    for step in steps.STEPS
}
STEP_DATA_DEFAULTS: dict[str, dict] = {
    step.code: {f.key: f.default for f in step.data_fields if f.default is not None and not f.column}
    for step in steps.STEPS
}
# Data columns that must be filled whenever their step's date is (E07 judges the conclusion).
REQUIRED_WITH_STEP = ("政审结论",)

# Which column a rule code's message names, when it is about a column other than the step's date.
CODE_COLUMNS = {
    "E02": "公民身份号码",
    "E05": "入党介绍人",
    "E06": "培养联系人",
    "E07": "政审结论",
    "E08": "集中培训学时",
    "W02": "团组织推优日期",
}

_GENERAL_NOTES = (
    "第一行为表头，须与本模板完全一致（列的顺序可以不同，但不能改名、缺列或增加其他列；"
    "「人员类别」至「特殊情况下发展」八列为党内统计新增的可选列，旧模板没有这些列的文件照常导入）；每行一人。",
    "日期可填 Excel 日期，或文本 YYYY-MM-DD（如 2023-03-05，也接受 2023/3/5、2023年3月5日）；日期单元格里的纯数字"
    "按 Excel 日期序列号理解（20000–60000，即1954年至2064年），8位数字按年月日理解（如 20230305），"
    "并在报告中提示核对；其他文字或数字视为错误。",
    "空白表示该步骤尚未办理。某步骤已填写而它所依赖的前一步骤空白的，报 E03。",
    "每行按各步骤自身日期适用的细则（2014年细则或2026年修订稿）逐条检查，报告错误代码（E）、预警代码（W）和说明。",
    "有错误（E）或其他问题的行不能导入；预警（W）须为整批填写一条说明，记录在每个被预警的步骤上。"
    "报告的错误、预警代码只列规则代码（E01–E15、W01–W09）；其他问题（单元格无法识别、党支部不存在或不在管理范围内、"
    "名册中找不到的姓名、文件内重复的公民身份号码等）只在说明中列出，同样使该行不能导入。",
    "导入方式：「全部导入或全部不导入」——任一行有错误则整批不导入；「仅导入无错误的行」——跳过有错误的行。",
    "不要合并单元格，不要使用公式（请粘贴为数值）；每个文件最多 {rows} 行（空白行也计算在内）、{columns} 列，"
    "不超过 {megabytes}，只接受 .xlsx。",
    "导入的每个步骤都记为「导入」来源的事件，日期为表中的历史日期，办理人为导入操作人。",
    "扫描材料不能通过导入登记：导入的每个步骤的必备材料记为免交（理由「历史材料纸质存档」），"
    "材料齐全检查（E15）不适用于导入的历史；导入后在系统中办理的步骤，其材料须上传或登记免交理由。",
    "模板没有的内容（党委会表决票数、培训天数、豁免理由、延长预备期、预计离开单位日期等）不能通过导入登记，"
    "请导入后在系统中补充。党委审批、转正审批按历史事实登记，不要求党委会表决票数；上级党委的办理权限（E13）不检查。",
)


def general_notes(limits) -> tuple[str, ...]:
    """The notes of the template's 填写说明 sheet, with the limits in force (imports.importer.limits)."""
    values = {"rows": limits.rows, "columns": limits.columns, "megabytes": limits.megabytes}
    return tuple(note.format(**values) for note in _GENERAL_NOTES)
