"""One archive (一人一档) built of a case: its PDF and .zip on disk under MEDIA_ROOT/dossiers/, and
how far its build has come. Written only by dossier.services; the files are offered for download
only once the row says READY, which the builder sets after renaming them into place (a worker killed
mid-build leaves a row that is not READY and at most a temporary ".part" file nobody is offered)."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import Case


class ArchiveStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    BUILDING = "building", "生成中"
    READY = "ready", "已生成"
    FAILED = "failed", "生成失败"


class CaseArchive(models.Model):
    case = models.ForeignKey(Case, verbose_name="案例", on_delete=models.CASCADE, related_name="archives")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", auto_now_add=True)
    status = models.CharField(
        "状态", max_length=10, choices=ArchiveStatus.choices, default=ArchiveStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField("进度（%）", default=0)
    stage = models.CharField("当前环节", max_length=100, blank=True)
    error = models.TextField("错误信息", blank=True)
    pdf_name = models.CharField("PDF 文件", max_length=200, blank=True)  # relative to MEDIA_ROOT
    zip_name = models.CharField("ZIP 文件", max_length=200, blank=True)
    pdf_sha256 = models.CharField("PDF SHA-256 摘要", max_length=64, blank=True)
    zip_sha256 = models.CharField("ZIP SHA-256 摘要", max_length=64, blank=True)
    pages = models.PositiveIntegerField("页数", default=0)
    notes = models.JSONField("说明（无法放入的扫描件等）", default=list, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "一人一档"
        verbose_name_plural = "一人一档"
        ordering = ["-requested_at", "-pk"]
        indexes = [models.Index(fields=["case", "status", "-finished_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="archive_progress_le_100"),
            models.CheckConstraint(condition=Q(status__in=ArchiveStatus.values), name="archive_status_valid"),
        ]

    def __str__(self):
        return f"{self.case} 一人一档（{self.get_status_display()}）"

    @property
    def in_progress(self) -> bool:
        return self.status in (ArchiveStatus.QUEUED, ArchiveStatus.BUILDING)
