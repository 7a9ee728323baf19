"""Data and invariants of the case file. Rules live in cases/rules, writes in cases/services."""

import datetime as dt
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models import Q
from django.utils import timezone

from audit import keys
from audit.history import HistoricalRecords
from audit.models import EventSource, SealedHistoryRow, SealedRow, sealed_since
from branches.models import MemberStatus, Organization, PartyMember, Role, Sanction, acting_for_of, role_text
from cases import steps


class Gender(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class Education(models.TextChoices):
    """学历. 党内统计 counts 中专 apart from 高中/中技: `senior` is what the first version recorded as
    one choice 「高中/中专」 — kept as stored (the sealed history holds it), shown as to be split and
    counted in the tables as 「待补充」 until the branch chooses 中专 or 高中/中技 (SPLIT_EDUCATION)."""

    PRIMARY = "primary", "小学及以下"
    JUNIOR = "junior", "初中"
    SENIOR = "senior", "高中/中专（待区分）"
    HIGH_SCHOOL = "high_school", "高中/中技"
    TECHNICAL = "technical", "中专"
    COLLEGE = "college", "大专"
    BACHELOR = "bachelor", "本科"
    POSTGRADUATE = "postgraduate", "研究生"


# What a form offers (the legacy 「高中/中专」 is never chosen again).
EDUCATION_CHOICES = [(v, label) for v, label in Education.choices if v != Education.SENIOR]


class PersonCategory(models.TextChoices):
    """人员类别: the rows of the 党内统计 development tables (blank = 待补充)."""

    PUBLIC_GOVERNMENT = "pub_gov", "公有制单位—党政机关工作人员"
    PUBLIC_INSTITUTION_MANAGER = "pub_inst_mgr", "公有制单位—事业单位管理人员"
    PUBLIC_INSTITUTION_PROFESSIONAL = "pub_inst_pro", "公有制单位—事业单位专业技术人员"
    PUBLIC_ENTERPRISE_MANAGER = "pub_ent_mgr", "公有制单位—企业管理人员"
    PUBLIC_ENTERPRISE_PROFESSIONAL = "pub_ent_pro", "公有制单位—企业专业技术人员"
    PUBLIC_WORKER = "pub_worker", "公有制单位—工勤技能人员"
    PRIVATE_ENTERPRISE_MANAGER = "prv_ent_mgr", "非公有制单位—企业管理人员"
    PRIVATE_ENTERPRISE_PROFESSIONAL = "prv_ent_pro", "非公有制单位—企业专业技术人员"
    PRIVATE_NONPROFIT_MANAGER = "prv_npo_mgr", "非公有制单位—民办非企业单位管理人员"
    PRIVATE_NONPROFIT_PROFESSIONAL = "prv_npo_pro", "非公有制单位—民办非企业单位专业技术人员"
    PRIVATE_WORKER = "prv_worker", "非公有制单位—工勤技能人员"
    FARMER = "farmer", "农牧渔民"
    MILITARY = "military", "军人、武警"
    STUDENT = "student", "学生"
    RETIRED = "retired", "离退休人员"
    OTHER = "other", "其他"


class FrontlineKind(models.TextChoices):
    """生产、工作第一线的类型 (blank with 生产工作一线 ticked = 待补充)."""

    ENTERPRISE = "enterprise", "企业生产一线"
    RURAL = "rural", "农村生产一线"
    RESEARCH = "research", "教学科研一线"
    ORGAN = "organ", "机关一线"


class TitleLevel(models.TextChoices):
    """专业技术职务 (blank = 待补充)."""

    NONE = "none", "无"
    SENIOR = "senior", "高级"
    MIDDLE = "middle", "中级"
    JUNIOR = "junior", "初级"


class HonourLevel(models.TextChoices):
    """先进模范人物及其级别 (blank = 待补充)."""

    NONE = "none", "否"
    PROVINCIAL = "provincial", "是（省部级以上）"
    PREFECTURAL = "prefectural", "是（地市级）"
    COUNTY = "county", "是（县级及以下）"


class Stage(models.TextChoices):
    """The person's standing, in workflow order; derived from the steps done."""

    APPLICANT = "applicant", "入党申请人"
    ACTIVIST = "activist", "入党积极分子"
    TARGET = "target", "发展对象"
    PROBATIONARY = "probationary", "预备党员"
    FULL_MEMBER = "full_member", "正式党员"


class Outcome(models.TextChoices):
    OPEN = "", "进行中"
    ARCHIVED = "archived", "已归档"
    WITHDRAWN = "withdrawn", "本人撤回"
    DEACTIVATED = "deactivated", "不再列为培养对象"
    ADMISSION_REJECTED = "admission_rejected", "未被接收"
    PROBATION_CANCELLED = "probation_cancelled", "取消预备党员资格"
    TRANSFERRED_OUT = "transferred_out", "组织关系转出"


SIDE_OUTCOMES = (
    Outcome.WITHDRAWN,
    Outcome.DEACTIVATED,
    Outcome.ADMISSION_REJECTED,
    Outcome.PROBATION_CANCELLED,
    Outcome.TRANSFERRED_OUT,
)


# The person's data as the case file keeps it (entered by the branch, frozen on a transfer).
PERSON_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "birth_date",
    "id_number",
    "education",
    "is_league_member",
    "is_frontline",
    "phone",
    "workplace",
    "category",
    "is_migrant_worker",
    "frontline_kind",
    "title_level",
    "honour_level",
    "is_dispatched",
    "is_taiwanese",
)


# The case's own fields the 修改人员信息 form edits with the person.
CASE_EDIT_FIELDS = ("league_recommended_on", "leaving_unit_on", "special_development")


class Person(models.Model):
    name = models.CharField("姓名", max_length=50)
    name_initials = models.CharField("姓名拼音首字母", max_length=20, db_index=True, editable=False)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices)
    ethnicity = models.CharField("民族", max_length=20, default="汉族")
    birth_date = models.DateField("出生日期")
    id_number = models.CharField("公民身份号码", max_length=18, unique=True)
    education = models.CharField("学历", max_length=20, choices=Education.choices)
    is_league_member = models.BooleanField("共青团员", default=False)
    is_frontline = models.BooleanField("生产工作一线", default=False)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    workplace = models.CharField("工作单位及职务", max_length=100, blank=True)
    # The facts the 党内统计 tables count (partystats); blank / None = not yet recorded (待补充).
    category = models.CharField(
        "人员类别", max_length=20, choices=PersonCategory.choices, blank=True, default=""
    )
    is_migrant_worker = models.BooleanField("农民工/外出务工经商人员", null=True, blank=True, default=None)
    frontline_kind = models.CharField(
        "一线类型", max_length=20, choices=FrontlineKind.choices, blank=True, default=""
    )
    title_level = models.CharField(
        "专业技术职务", max_length=10, choices=TitleLevel.choices, blank=True, default=""
    )
    honour_level = models.CharField(
        "先进模范人物", max_length=20, choices=HonourLevel.choices, blank=True, default=""
    )
    is_dispatched = models.BooleanField("劳务派遣工", null=True, blank=True, default=None)
    is_taiwanese = models.BooleanField("台湾省籍", null=True, blank=True, default=None)
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"

    def __str__(self):
        return self.name


class Case(models.Model):
    """One person's path into the Party at one branch."""

    person = models.ForeignKey(Person, verbose_name="人员", on_delete=models.PROTECT, related_name="cases")
    branch = models.ForeignKey(
        Organization, verbose_name="所在党支部", on_delete=models.PROTECT, related_name="cases"
    )
    stage = models.CharField("当前阶段", max_length=20, choices=Stage.choices, default=Stage.APPLICANT)
    outcome = models.CharField("结果", max_length=30, choices=Outcome.choices, blank=True, default="")
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    outcome_reason = models.TextField("结果说明", blank=True)
    # Summary of the steps, refreshed by the write path, so lists need one query.
    next_step = models.CharField("下一步", max_length=40, blank=True, choices=steps.CHOICES)
    next_due = models.DateField("下一步到期日", null=True, blank=True)
    next_earliest = models.DateField("下一步最早日期", null=True, blank=True)
    steps_done = models.PositiveSmallIntegerField("已完成步骤数", default=0)
    # Required materials of the steps done with neither a scan nor a waiver (the checklist; E15).
    materials_missing = models.PositiveSmallIntegerField("缺少材料数", default=0)
    applied_on = models.DateField("申请入党日期", null=True, blank=True)
    activist_on = models.DateField("确定积极分子日期", null=True, blank=True)
    target_on = models.DateField("确定发展对象日期", null=True, blank=True)
    probation_start = models.DateField("预备期起", null=True, blank=True)
    probation_end = models.DateField("预备期满", null=True, blank=True)
    extension_months = models.PositiveSmallIntegerField("延长预备期（月）", default=0)
    full_member_on = models.DateField("转为正式党员日期（党龄起算）", null=True, blank=True)
    league_recommended_on = models.DateField("团组织推优日期", null=True, blank=True)
    leaving_unit_on = models.DateField("预计离开工作学习单位日期", null=True, blank=True)
    special_development = models.BooleanField("特殊情况下发展", default=False)
    transferred_from = models.ForeignKey(
        "self", verbose_name="转入自", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Set when the case is transferred out: from then on the receiving branch keeps the person's
    # data, and this file shows the person as they stood at the transfer.
    person_at_transfer = models.JSONField(
        "转出时的人员信息", null=True, blank=True, editable=False, encoder=DjangoJSONEncoder
    )
    created_at = models.DateTimeField("建档时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # materials_missing is left out of the field history: a count the checklist derives, and the
    # sealed history rows written before it existed keep their seal (audit.models.seal_payload).
    history = HistoricalRecords(excluded_fields=["updated_at", "materials_missing"], bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "发展党员案例"
        verbose_name_plural = "发展党员案例"
        ordering = ["-updated_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="case_stage_valid"),
            models.CheckConstraint(condition=Q(outcome__in=Outcome.values), name="case_outcome_valid"),
            models.UniqueConstraint(
                fields=["person"], condition=Q(outcome=""), name="one_open_case_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["branch", "outcome", "stage"]),
            models.Index(
                fields=["next_step", "next_due"], condition=Q(outcome=""), name="open_case_next_due"
            ),
            # The case list: newest first within an outcome (and stage), 50 rows at a time.
            models.Index(fields=["outcome", "stage", "-updated_at", "-id"], name="case_list_by_stage"),
            models.Index(fields=["outcome", "-updated_at", "-id"], name="case_list_recent"),
            # 工作台 and reminders: open cases by due date.
            models.Index(fields=["next_due"], condition=Q(outcome=""), name="open_case_due"),
            # Statistics: the open cases of some branches with the date each entered its stage (time
            # in stage, the cases stalled longest), read from the index alone.
            models.Index(
                fields=["branch", "stage"],
                include=["id", "applied_on", "activist_on", "target_on", "probation_start"],
                condition=Q(outcome=""),
                name="open_case_entered",
            ),
        ]

    def __str__(self):
        return f"{self.person.name}（{self.branch.name}）"

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("cases:detail", args=[self.pk])

    @property
    def person_on_file(self) -> Person:
        """The person as this case file shows them: live data, or as they stood at a transfer out."""
        if not self.person_at_transfer:
            return self.person
        values = dict(self.person_at_transfer)
        values["birth_date"] = dt.date.fromisoformat(values["birth_date"])
        return Person(pk=self.person_id, **values)

    @property
    def is_open(self) -> bool:
        return self.outcome == Outcome.OPEN

    @property
    def stage_number(self) -> int:
        """1–5 for the five-stage bar: the stage of the next step, or 5 when all is done."""
        if self.next_step:
            return steps.get(self.next_step).stage
        return 5


# The 党内统计 facts were added after rows of the field history were sealed (audit.models).
sealed_since(
    "cases_historicalperson",
    {
        "category": "",
        "is_migrant_worker": None,
        "frontline_kind": "",
        "title_level": "",
        "honour_level": "",
        "is_dispatched": None,
        "is_taiwanese": None,
    },
)
sealed_since("cases_historicalcase", {"special_development": False})


class StepRecordPerson(models.Model):
    """A contact or introducer named on a step record, as they were on the day it was recorded.

    Declared before StepRecord: simple-history builds the m2m history model from this model when
    StepRecord is prepared, so it must exist by then.

    The roster row is kept (PROTECT: a member any record names is deactivated, never deleted);
    the name, 党员类别 and 处分 are copied when the step is recorded, so renaming or re-grading a
    member later changes no past record, page, letter or export. Rules (E05/E06/W09) judge the
    live roster at recording time; everything that shows a past record reads this copy."""

    record = models.ForeignKey(
        "StepRecord", verbose_name="步骤记录", on_delete=models.CASCADE, related_name="recorded_people"
    )
    member = models.ForeignKey(
        PartyMember, verbose_name="党员", on_delete=models.PROTECT, related_name="recorded_as"
    )
    name = models.CharField("姓名（记录时）", max_length=50)
    status = models.CharField("党员类别（记录时）", max_length=20, choices=MemberStatus.choices)
    sanction = models.CharField(
        "党纪处分（记录时）", max_length=30, choices=Sanction.choices, blank=True, default=""
    )
    sanction_until = models.DateField("处分影响期至（记录时）", null=True, blank=True)

    class Meta:
        verbose_name = "步骤记录中的党员"
        verbose_name_plural = "步骤记录中的党员"
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["record", "member"], name="member_once_per_record"),
            models.CheckConstraint(condition=~Q(name=""), name="recorded_person_has_name"),
            models.CheckConstraint(condition=Q(status__in=MemberStatus.values), name="recorded_status_valid"),
        ]

    def __str__(self):
        return f"{self.name}（{self.get_status_display()}）"

    # What is copied from the roster row (same names on PartyMember).
    SNAPSHOT_FIELDS = ("name", "status", "sanction", "sanction_until")

    @classmethod
    def as_now(cls, record: "StepRecord", member: PartyMember) -> "StepRecordPerson":
        """The member as the roster has them now (unsaved): what a step recorded today keeps."""
        return cls(record=record, member=member, **{f: getattr(member, f) for f in cls.SNAPSHOT_FIELDS})

    def copy_to(self, record: "StepRecord") -> "StepRecordPerson":
        """The same person as recorded, on another record (a transfer copies the file as it stood)."""
        return StepRecordPerson(
            record=record, member_id=self.member_id, **{f: getattr(self, f) for f in self.SNAPSHOT_FIELDS}
        )


class StepRecord(models.Model):
    """A step done: its date, who recorded it, and what it keeps (people, meeting, data)."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="records")
    step = models.CharField("步骤", max_length=40, choices=steps.CHOICES)
    on = models.DateField("日期")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    org = models.ForeignKey(Organization, verbose_name="办理组织", on_delete=models.PROTECT, related_name="+")
    # Who the record names; what it shows of them is StepRecordPerson's copy (recorded_people).
    people = models.ManyToManyField(
        PartyMember,
        through=StepRecordPerson,
        blank=True,
        related_name="case_roles",
        verbose_name="涉及党员",
    )
    meeting = models.ForeignKey(
        "Meeting",
        verbose_name="会议",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="records",
    )
    data = models.JSONField("记录内容", default=dict, blank=True)
    note = models.TextField("说明", blank=True)
    rule_set = models.CharField("适用细则", max_length=4)
    is_current = models.BooleanField("现行记录", default=True)
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[people], bases=[SealedHistoryRow], m2m_bases=[SealedRow])

    class Meta:
        verbose_name = "步骤记录"
        verbose_name_plural = "步骤记录"
        ordering = ["case", "on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step"], condition=Q(is_current=True), name="one_current_record_per_step"
            ),
        ]
        indexes = [
            # The statistics' counted records (cases.counting.counted): one step's current records in
            # a period — the monthly flow, a year's admissions, the last admission of each branch.
            models.Index(
                fields=["step", "on"],
                include=["case"],
                condition=Q(is_current=True),
                name="steprecord_counted",
            ),
        ]

    def __str__(self):
        return f"{steps.get(self.step).name} {self.on}"

    @property
    def definition(self) -> steps.Step:
        return steps.get(self.step)

    @property
    def data_display(self) -> list[tuple[str, str]]:
        return steps.data_display(self.data)


class Meeting(models.Model):
    body = models.CharField(
        "会议",
        max_length=20,
        choices=[
            (steps.Body.BRANCH_COMMITTEE, "支部委员会"),
            (steps.Body.BRANCH_ASSEMBLY, "支部党员大会"),
            (steps.Body.PARTY_COMMITTEE, "党委会"),
        ],
    )
    org = models.ForeignKey(
        Organization, verbose_name="召开组织", on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField("会议日期")
    entitled = models.PositiveSmallIntegerField("应到会有表决权人数")
    present = models.PositiveSmallIntegerField("实到会有表决权人数")
    minutes = models.FileField("会议记录", upload_to="minutes/%Y/", blank=True)
    note = models.TextField("备注", blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(present__lte=models.F("entitled")), name="meeting_present_le_entitled"
            ),
            # entered once: the steps and the page pick the day's meeting (services.record_meeting)
            models.UniqueConstraint(fields=["org", "body", "held_on"], name="one_meeting_per_body_per_day"),
        ]

    def __str__(self):
        return f"{self.org.name} {self.get_body_display()} {self.held_on}"


class Vote(models.Model):
    """One person decided at one meeting (细则: 逐个讨论和表决)."""

    meeting = models.ForeignKey(Meeting, verbose_name="会议", on_delete=models.PROTECT, related_name="votes")
    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="votes")
    step = models.CharField("步骤", max_length=40, choices=steps.CHOICES)
    yes = models.PositiveSmallIntegerField("赞成")
    no = models.PositiveSmallIntegerField("反对", default=0)
    abstain = models.PositiveSmallIntegerField("弃权", default=0)
    written_yes = models.PositiveSmallIntegerField("书面赞成意见", default=0)
    written_no = models.PositiveSmallIntegerField("书面反对意见", default=0)
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "表决"
        verbose_name_plural = "表决"
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "case", "step"], name="one_vote_per_person_per_meeting"
            ),
        ]


class Publicity(models.Model):
    """公示 (2026 rules: ≥5 working days after the committee agrees, before the next step)."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="publicities")
    start_on = models.DateField("公示开始日期")
    end_on = models.DateField("公示结束日期")
    venue = models.CharField("公示范围", max_length=200, blank=True)
    objections = models.PositiveSmallIntegerField("收到异议数", default=0)
    objections_resolved = models.BooleanField("异议均已核实处理", default=True)
    note = models.TextField("公示结果", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "公示"
        verbose_name_plural = "公示"
        ordering = ["-start_on"]


class SubmissionStatus(models.TextChoices):
    PENDING = "pending", "待办理"
    RETURNED = "returned", "已退回"
    DONE = "done", "已办结"
    WITHDRAWN = "withdrawn", "已撤销（案例已结束）"


class Submission(models.Model):
    """A branch's report upward for a committee step; reviewers forward it, the committee decides."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="submissions")
    step = models.CharField("报送事项", max_length=40, choices=steps.CHOICES)
    at_org = models.ForeignKey(
        Organization, verbose_name="当前办理组织", on_delete=models.PROTECT, related_name="inbox"
    )
    status = models.CharField(
        "状态", max_length=20, choices=SubmissionStatus.choices, default=SubmissionStatus.PENDING
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="报送人", on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField("报送时间", auto_now_add=True)
    submitted_on = models.DateField("报送日期")
    reviewed = models.JSONField("审议记录", default=list, blank=True)
    return_reason = models.TextField("退回理由", blank=True)
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)

    class Meta:
        verbose_name = "报送"
        verbose_name_plural = "报送"
        ordering = ["submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "step"], condition=Q(status="pending"), name="one_pending_submission_per_step"
            ),
        ]
        indexes = [models.Index(fields=["at_org", "status", "step"])]


class EventKind(models.TextChoices):
    """What an event of the case's trail records."""

    OPEN = "open", "建档"
    EDIT = "edit", "修改人员信息"
    STEP = "step", "办理步骤"
    PUBLICITY = "publicity", "公示"
    MATERIAL = "material", "上传材料"
    SUBMIT = "submit", "报送"
    REVIEW = "review", "审议"
    RETURN = "return", "退回"
    OUTCOME = "outcome", "结果"
    LETTER = "letter", "批复/回执"
    WAIVER = "waiver", "材料免交"
    ARCHIVE = "archive", "生成档案"


class CaseEvent(models.Model):
    """Append-only, sealed timeline of everything done on a case (tamper-evident).

    Each event is number `seq` (1, 2, 3, … with no gap) of its case and carries `hash`, the keyed
    seal (HMAC, audit.keys; `key_id` names the key) of its content, its number and the seal of the
    event before it (`prev_hash`). Without the key nobody can edit, insert, remove or reorder an
    event unnoticed; audit.verify checks the chains, and its checkpoints catch a case's last events
    or whole history removed."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField("序号")
    kind = models.CharField("事件", max_length=30, choices=EventKind.choices)
    step = models.CharField("步骤", max_length=40, blank=True)
    summary = models.CharField("摘要", max_length=300)
    occurred_on = models.DateField("业务日期", null=True, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=30, blank=True)
    org = models.ForeignKey(
        Organization, verbose_name="组织", null=True, on_delete=models.PROTECT, related_name="+"
    )
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    source = models.CharField("来源", max_length=20, choices=EventSource.choices, default=EventSource.WEB)
    warnings = models.JSONField("预警及说明", default=list, blank=True)
    note = models.TextField("说明", blank=True)
    created_at = models.DateTimeField(
        "记录时间", default=timezone.now, editable=False
    )  # sealed: set before save
    prev_hash = models.CharField("前一事件摘要", max_length=64, blank=True)
    key_id = models.CharField("封印密钥", max_length=20, editable=False)
    hash = models.CharField("事件摘要", max_length=64, editable=False)

    class Meta:
        verbose_name = "案例事件"
        verbose_name_plural = "案例事件（只读）"
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["case", "created_at"]),
            # The audit browser: every event newest first, a keyset page at a time.
            models.Index(fields=["created_at", "id"], name="event_audit_order"),
        ]
        constraints = [models.UniqueConstraint(fields=["case", "seq"], name="one_event_per_case_seq")]

    def __str__(self):
        return self.summary

    @property
    def role_text(self) -> str:
        """The role as people read it, with 「代某某办理」 when done under a delegation."""
        return role_text(self.role) if self.role else ""

    @property
    def acting_for(self) -> str:
        return acting_for_of(self.role)

    def payload(self) -> str:
        fields = {
            "case": self.case_id,
            "seq": self.seq,
            "kind": self.kind,
            "step": self.step,
            "summary": self.summary,
            "occurred_on": self.occurred_on.isoformat() if self.occurred_on else None,
            "actor": self.actor_id,
            "role": self.role,
            "org": self.org_id,
            "ip": self.ip,
            "source": self.source,
            "warnings": self.warnings,
            "note": self.note,
            "prev": self.prev_hash,
            "at": self.created_at.isoformat() if self.created_at else None,
        }
        return json.dumps(fields, ensure_ascii=False, sort_keys=True)

    def apply_seal(self) -> None:
        """Seal under the signing key (after seq and prev_hash are set)."""
        self.key_id, self.hash = keys.sign(self.payload())

    def compute_hash(self) -> str:
        """The seal this event's content calls for under its own key (UnknownKey if not held)."""
        return keys.mac(self.key_id, self.payload())

    def save(self, *args, **kwargs):
        if self.pk:  # invariant: history is never rewritten, by anyone
            raise PermissionError("案例事件只能追加，不能修改。")
        self.apply_seal()
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("案例事件只能追加，不能删除。")


def material_path(instance, filename):
    return f"materials/{instance.case_id}/{dt.date.today():%Y%m}/{instance.sha256[:16]}{_suffix(filename)}"


def _suffix(filename: str) -> str:
    return "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""


class Material(models.Model):
    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="materials")
    step = models.CharField("所属步骤", max_length=40, choices=steps.CHOICES, blank=True)
    # The checklist item of its step it is filed as (steps.MaterialSpec.key); blank: an extra scan.
    item = models.CharField("清单项", max_length=40, blank=True, default="")
    title = models.CharField("材料名称", max_length=100)
    file = models.FileField("文件", upload_to=material_path)
    original_name = models.CharField("原文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256 摘要", max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "材料"
        verbose_name_plural = "材料"
        ordering = ["step", "uploaded_at"]


class MaterialWaiver(models.Model):
    """A required material of a step that the file will not hold, and why (e.g. 历史材料纸质存档):
    the checklist shows it waived and E15 lets archiving through. Written only by
    cases.services.materials (with a CaseEvent) and by the import's backfill."""

    case = models.ForeignKey(
        Case, verbose_name="案例", on_delete=models.CASCADE, related_name="material_waivers"
    )
    step = models.CharField("所属步骤", max_length=40, choices=steps.CHOICES)
    item = models.CharField("清单项", max_length=40)
    reason = models.CharField("免交理由", max_length=300)
    waived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    waived_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "材料免交"
        verbose_name_plural = "材料免交"
        ordering = ["case", "step", "item"]
        constraints = [
            models.UniqueConstraint(fields=["case", "step", "item"], name="one_waiver_per_material"),
            models.CheckConstraint(condition=~Q(reason=""), name="waiver_has_reason"),
        ]

    def __str__(self):
        return f"{self.step}:{self.item} 免交（{self.reason}）"


class Holiday(models.Model):
    """Overrides of the working-day calendar: 节假日 (is_workday=False) and 调休 workdays (True)."""

    date = models.DateField("日期", unique=True)
    is_workday = models.BooleanField("是否工作日", default=False)
    name = models.CharField("名称", max_length=50, blank=True)
    history = HistoricalRecords(bases=[SealedHistoryRow])  # configuration is history too (who, when)

    class Meta:
        verbose_name = "节假日/调休"
        verbose_name_plural = "工作日历"
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {self.name}"


class RuleSettings(models.Model):
    """Admin-editable rule configuration (a single row)."""

    rules_2026_effective = models.DateField("2026年细则施行日期", default=dt.date(2026, 5, 11))
    rules_2026_confirmed = models.BooleanField(
        "2026年细则文本已核实", default=False, help_text="未核实前，界面上2026年细则的条款标注“待核实”。"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "规则设置"
        verbose_name_plural = "规则设置"

    def __str__(self):
        return "规则设置"


class AccessPurpose(models.TextChoices):
    REVEAL = "reveal", "查看完整号码"
    EXPORT = "export", "导出完整号码"


class SensitiveAccess(SealedRow):
    """Every unmasked rendering of a 公民身份号码: a reveal on the case page, or a row of an export
    (user empty for an export from the command line without --as). Sealed and append-only."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="查看人",
    )
    purpose = models.CharField(
        "用途", max_length=10, choices=AccessPurpose.choices, default=AccessPurpose.REVEAL
    )
    # The imports.ExportLog that carried the row: an id, not a foreign key, so the case file does not
    # depend on the import/export app (nothing deletes an export log: no service, no admin page).
    export_id = models.BigIntegerField("导出记录编号", null=True, blank=True, db_index=True)
    ip = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    at = models.DateTimeField(
        "查看时间", default=timezone.now, editable=False
    )  # sealed: set before the insert

    class Meta:
        verbose_name = "敏感信息查看记录"
        verbose_name_plural = "敏感信息查看记录"


class DeadlineKind(models.TextChoices):
    """What a CaseDeadline's date means (the values of cases.rules.deadlines.Kind)."""

    EARLIEST = "earliest", "最早可办"  # a notice that the case may now move, never a due date
    DUE = "due", "应办"
    LIMIT = "limit", "最迟"


class CaseDeadline(models.Model):
    """One dated deadline of a case, open or met: what the reminders sweep (the reminders app) and
    the dashboards read. Written only by cases.services.case_deadlines.sync_deadlines, in the same
    transaction as the case's summary, from the one table of dates (cases/rules/deadlines.py, via
    cases.standing.open_deadlines): never a second computation of any date.

    `key` is the deadline's identity within the case, stable while it is open ("initial_talk:W01",
    "activist_cultivation:assessment#2", "probation_education:thought_report#3",
    "admission_approval:E12", "target_filing:publicity_end"). A deadline that is no longer open —
    its step recorded, its entry recorded — is kept with `met_on` set, so that its notices show as
    done; one whose date moved keeps its row with the new `due_on` (notices are per due date).
    A case that is closed, transferred out or archived has no open deadline: its open rows are
    marked met on the day the case ended (met_on = the outcome's date).

    Where it waits (`org`) and who answers for it (`role`): the branch and its secretary for a
    branch step; the reviewer organization (党总支/村党委) where a report waits there; the
    approving committee and its officers for filings, pre-reviews and approvals."""

    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="deadlines")
    key = models.CharField("标识", max_length=80)
    step = models.CharField("步骤", max_length=40, choices=steps.CHOICES)
    rule = models.CharField("规则", max_length=4, blank=True)  # "W01"…, "" where none judges it
    kind = models.CharField("类型", max_length=10, choices=DeadlineKind.choices)
    title = models.CharField("事项", max_length=100)  # e.g. "第2次考察（每半年）"
    due_on = models.DateField("日期")
    org = models.ForeignKey(
        Organization, verbose_name="办理组织", on_delete=models.PROTECT, related_name="deadlines"
    )
    role = models.CharField("负责角色", max_length=30, choices=Role.choices)
    met_on = models.DateField("完成日期", null=True, blank=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "期限"
        verbose_name_plural = "期限"
        ordering = ["due_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["case", "key"], name="one_deadline_per_key"),
            models.CheckConstraint(condition=Q(kind__in=DeadlineKind.values), name="deadline_kind_valid"),
        ]
        indexes = [
            # The reminders' sweep: open deadlines by date, carrying every column the sweep reads, so
            # that PostgreSQL answers it from the index alone (an index-only scan) and never reads
            # the wide table (bench/reminders_bench.py: a tenth of the time at 1,000,000 cases).
            # The 四色 board's overdue counts read case and rule from it too.
            models.Index(
                fields=["due_on"],
                include=["id", "org", "role", "kind", "case", "rule"],
                condition=Q(met_on__isnull=True),
                name="deadline_open_due",
            ),
            # Dashboards: an organization's open deadlines by date.
            models.Index(
                fields=["org", "due_on"], condition=Q(met_on__isnull=True), name="deadline_open_org_due"
            ),
        ]

    def __str__(self):
        return f"{self.title} {self.due_on}"

    @property
    def is_open(self) -> bool:
        return self.met_on is None


class EntryKind(models.TextChoices):
    """What a dated periodic entry records (under steps 6 and 21)."""

    ASSESSMENT = "assessment", "考察"
    THOUGHT_REPORT = "thought_report", "思想汇报"


class PeriodicEntry(models.Model):
    """One dated half-yearly assessment or quarterly 思想汇报 of an activist (step 6,
    activist_cultivation) or a probationary member (step 21, probation_education), recorded while
    the step is open. The nth entry meets the nth periodic deadline of the table of dates, so each
    stays overdue until it is recorded. Written only by cases.services.periodic."""

    case = models.ForeignKey(
        Case, verbose_name="案例", on_delete=models.CASCADE, related_name="periodic_entries"
    )
    step = models.CharField("步骤", max_length=40, choices=steps.CHOICES)
    entry = models.CharField("事项", max_length=20, choices=EntryKind.choices)
    on = models.DateField("日期")
    note = models.TextField("说明", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="记录人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "定期考察/思想汇报"
        verbose_name_plural = "定期考察/思想汇报"
        ordering = ["case", "step", "entry", "on", "pk"]
        indexes = [models.Index(fields=["case", "step", "entry"])]

    def __str__(self):
        return f"{self.get_entry_display()} {self.on}"


# ---- Kept aggregates of the statistics (cases/tallies.py) -------------------------------------------


class StageTally(models.Model):
    """How many open cases of a branch stand at one stage (cases.counting.open_by_stage), kept by
    the write path in the transaction that changes them (cases.tallies.keep); `manage.py
    rebuild_tallies` rebuilds them from the case file."""

    branch = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    n = models.PositiveIntegerField()

    class Meta:
        verbose_name = "阶段人数（统计汇总）"
        verbose_name_plural = "阶段人数（统计汇总）"
        constraints = [models.UniqueConstraint(fields=["branch", "stage"], name="stagetally_once")]


class FlowTally(models.Model):
    """How many counted records of one kind a branch has in one month (cases.counting.counted: a
    step's current records, a transfer's copy left out), or how many of its cases ended with one
    side outcome that month; for admissions also how many meet each structure measure
    (counting.MEASURES). Kept like StageTally."""

    branch = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    month = models.DateField()  # the month's first day
    kind = models.CharField(max_length=40)  # a step code (counting.FLOW_KINDS) or a side outcome
    n = models.PositiveIntegerField()
    last_on = models.DateField()  # the latest date in the month
    youth = models.PositiveIntegerField(default=0)
    women = models.PositiveIntegerField(default=0)
    college = models.PositiveIntegerField(default=0)
    frontline = models.PositiveIntegerField(default=0)
    minority = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = "月度流量（统计汇总）"
        verbose_name_plural = "月度流量（统计汇总）"
        constraints = [models.UniqueConstraint(fields=["branch", "kind", "month"], name="flowtally_once")]
        indexes = [
            # Every read is one kind's months: answered from the index alone (index-only scan).
            models.Index(
                fields=["kind", "month"],
                include=["branch", "n", "last_on", "youth", "women", "college", "frontline", "minority"],
                name="flowtally_kind_month",
            )
        ]


class TargetTally(models.Model):
    """An open 发展对象 (stage TARGET) with the bounds the table of dates sets on its 上级党委审批:
    the earliest day it could be dated (null: none beyond its prerequisites) and the hard limit
    (E12, once the 支部大会 has met). What the plan's projection reads (cases.counting
    .projected_admissions); kept like StageTally. The bounds do not depend on the day they are
    computed (the table's entries on 上级党委审批 apply under both rule sets), only on the records,
    the rule settings and the holidays: after changing those, `manage.py rebuild_tallies`."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, primary_key=True, related_name="+")
    branch = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=50)  # the person's name, as the projection lists it
    earliest = models.DateField(null=True)
    limit = models.DateField(null=True)

    class Meta:
        verbose_name = "发展对象审批期限（统计汇总）"
        verbose_name_plural = "发展对象审批期限（统计汇总）"
