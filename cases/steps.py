"""The 25 steps of the 《发展党员工作细则》 as data (product.md §3).

Codes are the shared vocabulary of code, URLs, imports, exports and tests: never rename them.
Each step names its stage, the steps it depends on, who performs it and what its record keeps;
each key of a record's data is declared once here (DataField), and the step form, the import
and export columns, the case page's labels and the field history read the declaration.
"""

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from django.db import models

from branches.models import Role


class Field(StrEnum):
    """Parts of a step record beyond its date and note; forms and imports are built from these."""

    MEETING = "meeting"  # a meeting of the branch (支委会/支部大会) or committee (党委会)
    VOTE = "vote"  # a vote tally on that meeting (E09)
    CONTACTS = "contacts"  # 1–2 cultivation contacts from the roster (E06)
    INTRODUCERS = "introducers"  # 2 introducers from the roster (E05)
    CONCLUSION = "conclusion"  # 政审结论 合格/不合格
    TRAINING = "training"  # days, hours, exemption reason (E08/W07)
    SERIAL = "serial"  # 入党志愿书 编号
    TALKER = "talker"  # who held the talk
    ASSESSMENTS = "assessments"  # number of half-yearly assessments / thought reports
    GROUP = "group"  # 党小组
    RESOLUTION = "resolution"  # 转正 / 延长预备期 / 取消资格, with extension months (E11)


class Conclusion(models.TextChoices):
    """政审结论 (political_review); stored as the Chinese word, as the import template writes it."""

    QUALIFIED = "合格", "合格"
    UNQUALIFIED = "不合格", "不合格"


class Resolution(models.TextChoices):
    """What the 支部大会 resolves on a probationary member (conversion_meeting, E10/E11)."""

    CONVERT = "convert", "按期转为正式党员"
    EXTEND = "extend", "延长预备期"
    CANCEL = "cancel", "取消预备党员资格"


class Kind(StrEnum):
    """What a data field holds, and so how a form asks for it."""

    TEXT = "text"  # one line of text
    CODE = "code"  # letters, digits and "-" (入党志愿书编号)
    COUNT = "count"  # a whole number from 0 to the field's limit
    CHOICE = "choice"  # one of the field's choices


@dataclass(frozen=True)
class DataField:
    """One key of StepRecord.data: its label on screen and in exports, what it holds, whether
    the step form requires it, and where the import template carries it."""

    key: str  # stored in the database: never rename
    label: str
    kind: Kind
    required: bool = True
    choices: type[models.TextChoices] | None = None
    limit: int = 50  # the longest text, or the largest count
    prompt: str = ""  # the form's label, when it says more than the label
    column: str = ""  # the import template's column that carries it (imports.importer.template)
    default: str | int | None = None  # what a record without the key means

    @property
    def form_label(self) -> str:
        return self.prompt or self.label

    def display(self, value) -> str:
        """The value as users read it: a choice's label, never its code."""
        if self.choices is not None and value in self.choices.values:
            return str(self.choices(value).label)
        return str(value)


# The data each part of a record keeps (meeting, vote and people are rows of their own).
PART_DATA: dict[Field, tuple[DataField, ...]] = {
    Field.TALKER: (DataField("talker", "谈话人", Kind.TEXT),),
    Field.ASSESSMENTS: (
        DataField("assessments", "考察次数", Kind.COUNT, limit=50),
        DataField("thought_reports", "思想汇报篇数", Kind.COUNT, limit=200),
    ),
    Field.CONCLUSION: (
        DataField("conclusion", "政审结论", Kind.CHOICE, choices=Conclusion, column="政审结论"),
    ),
    Field.TRAINING: (
        DataField("days", "培训天数", Kind.COUNT, limit=365, default=0),  # the template has no column: 0
        DataField("hours", "培训学时", Kind.COUNT, limit=2000, column="集中培训学时"),
        DataField(
            "exemption_reason",
            "豁免理由",
            Kind.TEXT,
            required=False,
            limit=500,
            prompt="特殊情况豁免理由（如未达三天/二十四学时）",
        ),
    ),
    Field.SERIAL: (DataField("serial", "志愿书编号", Kind.CODE, limit=30, prompt="入党志愿书编号"),),
    Field.GROUP: (DataField("group", "党小组", Kind.TEXT, prompt="编入党小组"),),
    Field.RESOLUTION: (
        DataField("resolution", "决议", Kind.CHOICE, choices=Resolution, default=Resolution.CONVERT.value),
        DataField(
            "extension_months",
            "延长月数",
            Kind.COUNT,
            required=False,
            limit=60,
            prompt="延长月数（延长预备期时填写）",
        ),
    ),
}
DATA_FIELDS: dict[str, DataField] = {f.key: f for part in PART_DATA.values() for f in part}


class Body(StrEnum):
    BRANCH_COMMITTEE = "branch_committee"
    BRANCH_ASSEMBLY = "branch_assembly"
    PARTY_COMMITTEE = "party_committee"


@dataclass(frozen=True)
class MaterialSpec:
    """One material a step forms (《细则》's 一人一档 list): the checklist item a scan is filed under,
    required for the file to be archived (E15) or optional. `key` is stored on uploads and waivers:
    never rename it."""

    key: str
    title: str
    required: bool = True


M = MaterialSpec

STAGE_NAMES = {1: "申请入党", 2: "入党积极分子", 3: "发展对象", 4: "预备党员接收", 5: "预备党员转正"}


@dataclass(frozen=True)
class Step:
    number: int
    code: str
    name: str
    stage: int
    requires: tuple[str, ...]
    roles: tuple[Role, ...]
    fields: tuple[Field, ...] = ()
    body: Body | None = None  # which meeting decides, when the step is decided at one
    submitted: bool = False  # the branch submits it upward (through reviewers) before the committee acts
    article: str = ""  # 细则 article (2014 / 2026)
    record: str = ""  # the document the step produces
    materials: tuple[MaterialSpec, ...] = ()  # what its file keeps (the checklist; E15 for required)

    @cached_property  # read for every step of every imported row
    def data_fields(self) -> tuple[DataField, ...]:
        """The keys its record's data may hold, in the order the form asks for them."""
        return tuple(f for part in self.fields for f in PART_DATA.get(part, ()))

    @property
    def stage_name(self) -> str:
        return STAGE_NAMES[self.stage]

    @property
    def responsible_label(self) -> str:
        if Role.BRANCH_SECRETARY in self.roles:
            return "党支部"
        return "上级党委组织部门" if Role.DEPARTMENT_AUDITOR in self.roles else "上级党委"

    @property
    def is_committee_step(self) -> bool:
        return Role.COMMITTEE_OFFICER in self.roles and Role.BRANCH_SECRETARY not in self.roles


B, C, D = Role.BRANCH_SECRETARY, Role.COMMITTEE_OFFICER, Role.DEPARTMENT_AUDITOR
F = Field

STEPS: tuple[Step, ...] = (
    Step(
        1,
        "application",
        "递交入党申请书",
        1,
        (),
        (B,),
        article="第五、六条",
        record="入党申请书",
        materials=(M("application_letter", "入党申请书"),),
    ),
    Step(
        2,
        "initial_talk",
        "党组织派人谈话",
        1,
        ("application",),
        (B,),
        (F.TALKER,),
        article="第七条",
        record="入党申请人谈话记录",
        materials=(M("talk_record", "谈话记录"),),
    ),
    Step(
        3,
        "activist_selection",
        "推荐和确定入党积极分子",
        2,
        ("initial_talk",),
        (B,),
        (F.MEETING,),
        body=Body.BRANCH_COMMITTEE,
        article="第八条",
        record="支委会会议记录、推荐票/推优表",
        materials=(
            M("meeting_minutes", "推荐和确定入党积极分子的会议记录"),
            M("recommendation_ballots", "推荐票/推优表", required=False),
        ),
    ),
    Step(
        4,
        "activist_filing",
        "上级党委备案",
        2,
        ("activist_selection",),
        (C,),
        submitted=True,
        article="第八条",
        record="入党积极分子备案回执",
        materials=(M("filing_receipt", "入党积极分子备案材料"),),
    ),
    Step(
        5,
        "contacts_assigned",
        "指定培养联系人",
        2,
        ("activist_selection",),
        (B,),
        (F.CONTACTS,),
        article="第九条",
        record="培养联系人登记",
        materials=(M("contacts_record", "培养联系人登记", required=False),),
    ),
    Step(
        6,
        "activist_cultivation",
        "培养教育考察",
        2,
        ("contacts_assigned",),
        (B,),
        (F.ASSESSMENTS,),
        article="第十至十二条",
        record="入党积极分子培养考察登记表、思想汇报",
        materials=(M("cultivation_form", "入党积极分子培养考察登记表"), M("thought_reports", "思想汇报")),
    ),
    Step(
        7,
        "target_selection",
        "确定发展对象",
        3,
        ("activist_cultivation", "activist_filing"),
        (B,),
        (F.MEETING,),
        body=Body.BRANCH_COMMITTEE,
        article="第十三条",
        record="支委会会议记录、征求意见记录",
        materials=(
            M("meeting_minutes", "确定发展对象的会议记录"),
            M("opinions", "征求意见记录", required=False),
        ),
    ),
    Step(
        8,
        "target_filing",
        "报上级党委备案",
        3,
        ("target_selection",),
        (C,),
        submitted=True,
        article="第十三条",
        record="发展对象备案回执（2026：同意意见、公示材料）",
        materials=(M("filing_receipt", "发展对象备案材料"), M("publicity", "公示材料", required=False)),
    ),
    Step(
        9,
        "introducers_assigned",
        "确定入党介绍人",
        3,
        ("target_filing",),
        (B,),
        (F.INTRODUCERS,),
        article="第十四、十五条",
        record="入党介绍人登记",
        materials=(M("introducers_record", "入党介绍人登记", required=False),),
    ),
    Step(
        10,
        "political_review",
        "进行政治审查",
        3,
        ("target_filing",),
        (B,),
        (F.CONCLUSION,),
        article="第十六条",
        record="政治审查结论性材料",
        materials=(M("review_conclusion", "政审材料"),),
    ),
    Step(
        11,
        "intensive_training",
        "开展集中培训",
        3,
        ("target_filing",),
        (B, C),
        (F.TRAINING,),
        article="第十七条",
        record="培训结业证书",
        materials=(M("training_certificate", "培训结业证明"),),
    ),
    Step(
        12,
        "branch_committee_review",
        "支部委员会审查",
        4,
        ("introducers_assigned", "political_review", "intensive_training"),
        (B,),
        (F.MEETING,),
        body=Body.BRANCH_COMMITTEE,
        article="2014第十九条/2026第十八条",
        record="支委会审查意见",
        materials=(M("review_opinion", "支部委员会审查意见"),),
    ),
    Step(
        13,
        "pre_review",
        "上级党委预审",
        4,
        ("branch_committee_review",),
        (C,),
        submitted=True,
        article="2014第十九条/2026第十八条",
        record="预审意见",
        materials=(M("pre_review_opinion", "预审意见"),),
    ),
    Step(
        14,
        "application_form",
        "填写入党志愿书",
        4,
        ("pre_review",),
        (B,),
        (F.SERIAL,),
        article="第十五条",
        record="入党志愿书",
        materials=(M("application_form", "入党志愿书"),),
    ),
    Step(
        15,
        "admission_meeting",
        "支部大会讨论",
        4,
        ("application_form",),
        (B,),
        (F.MEETING, F.VOTE),
        body=Body.BRANCH_ASSEMBLY,
        article="2014第二十、二十一条/2026第十九、二十条",
        record="支部大会决议、会议记录、表决票",
        materials=(
            M("meeting_minutes", "支部大会记录"),
            M("resolution", "支部大会决议"),
            M("ballots", "表决票", required=False),
        ),
    ),
    Step(
        16,
        "committee_talk",
        "上级党委派人谈话",
        4,
        ("admission_meeting",),
        (C,),
        (F.TALKER,),
        submitted=True,
        article="2014第二十四条/2026第二十三条",
        record="谈话意见",
        materials=(M("talk_record", "谈话记录"),),
    ),
    Step(
        17,
        "admission_approval",
        "上级党委审批",
        4,
        ("committee_talk",),
        (C,),
        (F.MEETING, F.VOTE),
        body=Body.PARTY_COMMITTEE,
        submitted=True,
        article="2014第二十五、二十六条/2026第二十四、二十五条",
        record="党委会记录、批复",
        materials=(M("approval", "批复"), M("committee_minutes", "党委会记录", required=False)),
    ),
    Step(
        18,
        "admission_filing",
        "再上一级党委组织部门备案",
        4,
        ("admission_approval",),
        (D,),
        article="2014第二十六条/2026第二十五条",
        record="预备党员备案表",
        materials=(M("filing_form", "预备党员备案表"),),
    ),
    Step(
        19,
        "group_placement",
        "编入党支部和党小组",
        5,
        ("admission_approval",),
        (B,),
        (F.GROUP,),
        article="2014第二十九条/2026第二十八条",
        record="编入党小组记录",
        materials=(M("placement_record", "编入党小组记录", required=False),),
    ),
    Step(
        20,
        "oath",
        "入党宣誓",
        5,
        ("admission_approval",),
        (B,),
        article="2014第三十条/2026第二十九条",
        record="宣誓记录",
        materials=(M("oath_record", "宣誓记录"),),
    ),
    Step(
        21,
        "probation_education",
        "继续教育考察",
        5,
        ("group_placement",),
        (B,),
        (F.ASSESSMENTS,),
        article="2014第三十一条/2026第三十条",
        record="预备党员教育考察登记表",
        materials=(M("education_form", "预备党员教育考察登记表"), M("thought_reports", "思想汇报")),
    ),
    Step(
        22,
        "conversion_application",
        "提出转正申请",
        5,
        ("probation_education",),
        (B,),
        article="2014第三十三条/2026第三十二条",
        record="转正申请书",
        materials=(M("conversion_letter", "转正申请书"),),
    ),
    Step(
        23,
        "conversion_meeting",
        "支部大会讨论",
        5,
        ("conversion_application",),
        (B,),
        (F.MEETING, F.VOTE, F.RESOLUTION),
        body=Body.BRANCH_ASSEMBLY,
        article="2014第三十二、三十三条/2026第三十一、三十二条",
        record="支部大会决议",
        materials=(M("meeting_minutes", "支部大会记录"), M("resolution", "支部大会决议")),
    ),
    Step(
        24,
        "conversion_approval",
        "上级党委审批",
        5,
        ("conversion_meeting",),
        (C,),
        (F.MEETING, F.VOTE),
        body=Body.PARTY_COMMITTEE,
        submitted=True,
        article="2014第三十四条/2026第三十三条",
        record="党委会记录、批复",
        materials=(M("approval", "批复"), M("committee_minutes", "党委会记录", required=False)),
    ),
    Step(
        25,
        "archiving",
        "材料归档",
        5,
        ("conversion_approval", "admission_filing", "oath"),
        (B,),
        article="2014第三十七条/2026第三十六条",
        record="归档清单",
    ),
)

BY_CODE: dict[str, Step] = {step.code: step for step in STEPS}
CODES: tuple[str, ...] = tuple(step.code for step in STEPS)
CHOICES = [(step.code, f"{step.number}. {step.name}") for step in STEPS]

# The committee step a branch submission leads to; committee_talk travels with admission_approval.
SUBMISSION_TARGET = {
    "activist_filing": "activist_filing",
    "target_filing": "target_filing",
    "pre_review": "pre_review",
    "committee_talk": "admission_approval",
    "admission_approval": "admission_approval",
    "conversion_approval": "conversion_approval",
}
SUBMISSION_KINDS = (
    "activist_filing",
    "target_filing",
    "pre_review",
    "admission_approval",
    "conversion_approval",
)

# Steps that, once done, make the person the next status (product.md: 申请人 → … → 正式党员).
STATUS_STEPS = {
    "application": "applicant",
    "activist_selection": "activist",
    "target_selection": "target",
    "admission_approval": "probationary",
    "conversion_approval": "full_member",
}

# Steps repeated after a probation extension is approved.
REOPENED_BY_EXTENSION = ("conversion_application", "conversion_meeting", "conversion_approval")


def material_spec(step_code: str, key: str) -> MaterialSpec | None:
    """The checklist item `key` of a step, or None when the step declares no such material."""
    step = BY_CODE.get(step_code)
    return next((m for m in step.materials if m.key == key), None) if step else None


# Every checklist item as "step:key" → (step, item), in the 细则's order (upload and waiver forms).
MATERIAL_ITEMS: dict[str, tuple[Step, MaterialSpec]] = {
    f"{step.code}:{m.key}": (step, m) for step in STEPS for m in step.materials
}


def required_materials(done) -> list[tuple[Step, MaterialSpec]]:
    """The required materials of the steps in `done` (codes), in the 细则's order."""
    return [(step, m) for step in STEPS if step.code in done for m in step.materials if m.required]


def resolution_of(data: dict) -> Resolution:
    """What a conversion meeting's record resolved (a record without a resolution resolved 转正)."""
    return Resolution(data.get("resolution") or DATA_FIELDS["resolution"].default)


def data_display(data: dict) -> list[tuple[str, str]]:
    """A record's data as the case page shows it: (label, value), choices by their labels."""
    shown = []
    for key, value in data.items():
        declared = DATA_FIELDS.get(key)
        shown.append((declared.label, declared.display(value)) if declared else (key, str(value)))
    return shown


def get(code: str) -> Step:
    return BY_CODE[code]
