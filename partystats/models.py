"""A report handed in: the cells of one table of one organization and period as they stood when
frozen, with who and when, and the written explanations the checks asked for. Later edits to the
cases change today's table, never a frozen one; the page shows the difference."""

from django.conf import settings
from django.db import models

from branches.models import Organization


class FrozenReport(models.Model):
    table = models.CharField("报表", max_length=30)
    org = models.ForeignKey(Organization, verbose_name="填报单位", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField("年度")
    kind = models.CharField("报表期", max_length=4)
    cells = models.JSONField("数据")  # {"row|col": n}
    explanation = models.TextField("说明（核对未通过或变动较大时）", blank=True)
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="冻结人", on_delete=models.PROTECT, related_name="+"
    )
    frozen_at = models.DateTimeField("定稿时间", auto_now_add=True)

    class Meta:
        verbose_name = "已定稿的党内统计报表"
        verbose_name_plural = "已定稿的党内统计报表"
        ordering = ["-frozen_at", "-pk"]
        indexes = [models.Index(fields=["table", "org", "year", "kind", "-frozen_at"])]

    def __str__(self):
        return f"{self.org} {self.year} {self.table}"
