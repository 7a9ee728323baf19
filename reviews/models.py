"""Letters the committee issues (批复, 备案回执, 预审意见): data and invariants only.

A letter is created in the transaction that records the decisions it answers, with its number
taken from a per-committee, per-year counter; the PDF is rendered after commit by a task. The
number, the wording and the people covered are a snapshot: rendering again never changes them.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q

from branches.models import Organization
from cases.models import Case, Meeting, StepRecord


class LetterKind(models.TextChoices):
    ADMISSION = "admission", "接收预备党员批复"
    CONVERSION = "conversion", "预备党员转正批复"
    FILING = "filing", "备案回执"
    PRE_REVIEW = "pre_review", "预审意见"
    PUBLICITY = "publicity", "公示"


# The step whose decision each kind of letter answers.
KIND_BY_STEP = {
    "activist_filing": LetterKind.FILING,
    "target_filing": LetterKind.FILING,
    "pre_review": LetterKind.PRE_REVIEW,
    "admission_approval": LetterKind.ADMISSION,
    "conversion_approval": LetterKind.CONVERSION,
    "admission_filing": LetterKind.FILING,  # the organization department's 回执 (step 18)
    # The 公示 notices a branch posts name the people of these steps (issue_publicity_notice).
    "target_selection": LetterKind.PUBLICITY,
    "conversion_application": LetterKind.PUBLICITY,
}


class LetterStatus(models.TextChoices):
    PENDING = "pending", "待生成"
    RENDERED = "rendered", "已生成"
    FAILED = "failed", "生成失败"


class LetterSerial(models.Model):
    """The last serial used by a committee in a year; locked with select_for_update to take the next."""

    org = models.ForeignKey(Organization, verbose_name="发文机关", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    last = models.PositiveIntegerField("已用至", default=0)

    class Meta:
        verbose_name = "发文编号"
        verbose_name_plural = "发文编号"
        constraints = [
            models.UniqueConstraint(fields=["org", "year"], name="one_serial_counter_per_org_year")
        ]

    def __str__(self):
        return f"{self.org.name} {self.year}年 已用至{self.last}号"


def letter_path(instance, filename):
    return f"letters/{instance.year}/{instance.issuer_id}-{instance.serial:04d}-{instance.code}.pdf"


def letter_file_name(letter: "Letter", claim_token: str) -> str:
    """Where the render holding `claim_token` writes its PDF: a name of its own, so a file left by
    a renderer that died before saving is known by the claim it held (reviews.services.render_claims)."""
    return letter_path(letter, "").removesuffix(".pdf") + f"-{claim_token}.pdf"


class Letter(models.Model):
    kind = models.CharField("文种", max_length=20, choices=LetterKind.choices)
    step = models.CharField("所答复事项", max_length=40)
    issuer = models.ForeignKey(
        Organization, verbose_name="发文机关", on_delete=models.PROTECT, related_name="letters_issued"
    )
    addressee = models.ForeignKey(
        Organization, verbose_name="主送党支部", on_delete=models.PROTECT, related_name="letters_received"
    )
    meeting = models.ForeignKey(
        Meeting, verbose_name="党委会", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    cases = models.ManyToManyField(
        Case, through="LetterEntry", related_name="letters", verbose_name="涉及人员"
    )
    decided_on = models.DateField("决定日期")
    issued_on = models.DateField("成文日期")
    year = models.PositiveSmallIntegerField("年度")
    serial = models.PositiveIntegerField("顺序号")
    number = models.CharField("发文字号", max_length=40)
    # Snapshot of the wording at issue time: rendering reads these, never the live case.
    issuer_name = models.CharField("发文机关全称", max_length=100)
    issuer_mark = models.CharField("发文机关标志", max_length=100)
    addressee_name = models.CharField("主送机关", max_length=100)
    copy_to = models.CharField("抄送机关", max_length=300, blank=True)
    title = models.CharField("标题", max_length=300)
    body = models.TextField("正文（名单前）")
    closing = models.TextField("正文（名单后）", blank=True)
    lists_names = models.BooleanField("正文附名单表", default=False)
    code = models.CharField("验证码", max_length=16, unique=True)
    verify_url = models.CharField("核验网址", max_length=300)
    status = models.CharField(
        "状态", max_length=20, choices=LetterStatus.choices, default=LetterStatus.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField("生成次数", default=0)
    error = models.TextField("错误信息", blank=True)
    pdf = models.FileField("PDF", upload_to=letter_path, blank=True)
    sha256 = models.CharField("PDF SHA-256", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="生成人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    queued_at = models.DateTimeField("最近排队时间", null=True, blank=True)
    # The render claim (compare-and-set, see reviews.services.render_claims): who is rendering it now.
    claim_token = models.CharField("生成认领标记", max_length=32, blank=True, default="")
    claimed_at = models.DateTimeField("认领时间", null=True, blank=True)
    rendered_at = models.DateTimeField("生成时间", null=True, blank=True)

    class Meta:
        verbose_name = "发文"
        verbose_name_plural = "发文（批复、回执、预审意见）"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["issuer", "year", "serial"], name="letter_serial_never_reused"),
            models.CheckConstraint(condition=Q(kind__in=LetterKind.values), name="letter_kind_valid"),
            models.CheckConstraint(condition=Q(status__in=LetterStatus.values), name="letter_status_valid"),
        ]
        indexes = [models.Index(fields=["status", "queued_at"], name="letter_status_queued")]

    def __str__(self):
        return f"{self.number} {self.title}"

    @property
    def display_code(self) -> str:
        return f"{self.code[:5]}-{self.code[5:]}"

    @property
    def filename(self) -> str:
        return f"{self.number} {self.title}.pdf"


class LetterEntry(models.Model):
    """One person a letter covers: what it said about them, and the record it answered, frozen."""

    letter = models.ForeignKey(Letter, verbose_name="发文", on_delete=models.CASCADE, related_name="entries")
    case = models.ForeignKey(
        Case, verbose_name="案例", on_delete=models.PROTECT, related_name="letter_entries"
    )
    record = models.ForeignKey(
        StepRecord, verbose_name="步骤记录", on_delete=models.PROTECT, related_name="+"
    )
    position = models.PositiveSmallIntegerField("序号")
    name = models.CharField("姓名", max_length=50)
    gender = models.CharField("性别", max_length=4, blank=True)
    decision = models.CharField("决定", max_length=100)
    detail = models.CharField("说明", max_length=200, blank=True)
    snapshot = models.JSONField("发文时的记录", default=dict)
    fingerprint = models.CharField("内容指纹", max_length=64)

    class Meta:
        verbose_name = "发文涉及人员"
        verbose_name_plural = "发文涉及人员"
        ordering = ["letter", "position"]
        constraints = [
            models.UniqueConstraint(fields=["letter", "case"], name="one_entry_per_case_per_letter"),
            models.UniqueConstraint(fields=["record"], name="one_letter_per_decision"),
        ]

    def __str__(self):
        return f"{self.name}：{self.decision}"
