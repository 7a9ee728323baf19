"""The audit of the Excel import and export: each import batch (a dry run or a real import) and
each export, who did it and what it carried. The tables keep their names from when these lived in
cases (cases_importbatch, cases_exportlog), so no data moved."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from audit.models import SealedRow
from branches.models import Organization


class ImportMode(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", "全部导入或全部不导入"
    VALID_ONLY = "valid_only", "仅导入无错误的行"


class ImportStatus(models.TextChoices):
    PENDING = "pending", "排队等待检查"
    CHECKING = "checking", "检查中"
    REJECTED = "rejected", "文件无法导入"
    CHECKED = "checked", "已检查（未写入）"
    QUEUED = "queued", "排队等待导入"
    RUNNING = "running", "导入中"
    IMPORTED = "imported", "已导入"
    FAILED = "failed", "未导入（整批未写入）"


IMPORT_IN_PROGRESS = (ImportStatus.PENDING, ImportStatus.CHECKING, ImportStatus.QUEUED, ImportStatus.RUNNING)


class ImportBatch(models.Model):
    """One run of the Excel importer (a dry run or a real import): the audit of who brought what in."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField("来源", max_length=20, default="web")
    file_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("大小（字节）")
    sha256 = models.CharField("SHA-256", max_length=64, db_index=True)
    stored_path = models.CharField("存储路径", max_length=255, blank=True)
    dry_run = models.BooleanField("仅检查", default=True)
    mode = models.CharField("导入方式", max_length=20, choices=ImportMode.choices, blank=True)
    status = models.CharField("状态", max_length=20, choices=ImportStatus.choices)
    default_branch = models.ForeignKey(
        Organization,
        verbose_name="默认党支部",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    preview_of = models.ForeignKey(
        "self",
        verbose_name="所依据的检查",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="imports",
    )
    rows_total = models.PositiveIntegerField("数据行数", default=0)
    rows_valid = models.PositiveIntegerField("无错误行数", default=0)
    rows_invalid = models.PositiveIntegerField("有错误行数", default=0)
    rows_skipped = models.PositiveIntegerField("已导入过（跳过）行数", default=0)
    rows_warned = models.PositiveIntegerField("有预警行数", default=0)
    rows_imported = models.PositiveIntegerField("实际导入行数", default=0)
    rows_checked = models.PositiveIntegerField("已检查行数", default=0)
    alive_until = models.DateTimeField(
        "最迟进展时间", null=True, blank=True, help_text="排队或处理中的批次过了此时仍无进展，即视为处理中断"
    )
    warning_reason = models.TextField("预警说明", blank=True)
    error = models.TextField("错误", blank=True)
    report = models.JSONField("逐行报告", default=list, blank=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        db_table = "cases_importbatch"  # its name from when it lived in cases
        verbose_name = "导入批次"
        verbose_name_plural = "导入批次"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"导入批次 #{self.pk} {self.file_name}"

    @property
    def in_progress(self) -> bool:
        return self.status in IMPORT_IN_PROGRESS

    @property
    def stalled(self) -> bool:
        """Still 排队/检查中/导入中, but its worker has missed the moment it promised progress by."""
        return self.in_progress and self.alive_until is not None and self.alive_until < timezone.now()


class ExportKind(models.TextChoices):
    CASE_LIST = "case_list", "案例列表"
    STAGE_ROSTER = "stage_roster", "花名册"
    TEMPLATE = "template", "导入模板格式"
    MEMBER_ROSTER = "member_roster", "党员名册"
    AUDIT = "audit", "审计记录"


class ExportLog(SealedRow):
    """Every Excel export of case data: who, what, with which filters, how many rows (sealed, append-only)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField("来源", max_length=20, default="web")
    kind = models.CharField("导出内容", max_length=20, choices=ExportKind.choices)
    filters = models.JSONField("筛选条件", default=dict, blank=True)
    row_count = models.PositiveIntegerField("行数", default=0)
    full_id_numbers = models.BooleanField("含完整公民身份号码", default=False)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    created_at = models.DateTimeField(
        "时间", default=timezone.now, editable=False
    )  # sealed: set before the insert

    class Meta:
        db_table = "cases_exportlog"  # its name from when it lived in cases
        verbose_name = "导出记录"
        verbose_name_plural = "导出记录"
        ordering = ["-created_at", "-pk"]
