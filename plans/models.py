"""The yearly 发展党员计划 of an organization: quota with its float, structure targets, the
activist : new member ratio and the minimum per branch. Data and invariants only; the one write is
plans.services.save_plan, the figures against it are plans.progress's."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from audit.history import HistoricalRecords
from audit.models import SealedHistoryRow
from branches.models import Organization
from cases.counting import MEASURES

YEAR_MIN, YEAR_MAX = 2000, 2100


class TargetMode(models.TextChoices):
    UNSET = "", "不设"
    AT_LEAST = "at_least", "不低于"
    ABOUT = "about", "左右"


def _mode(label):
    return models.CharField(f"{label}目标", max_length=10, choices=TargetMode.choices, blank=True, default="")


def _percent(label):
    return models.PositiveSmallIntegerField(
        f"{label}占比（%）", null=True, blank=True, validators=[MaxValueValidator(100)]
    )


class Plan(models.Model):
    """One organization's plan for one year, set by the committee (or department) above it."""

    org = models.ForeignKey(
        Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="plans"
    )
    year = models.PositiveSmallIntegerField(
        "年度", validators=[MinValueValidator(YEAR_MIN), MaxValueValidator(YEAR_MAX)]
    )
    quota = models.PositiveIntegerField("计划发展党员数", validators=[MaxValueValidator(100000)])
    float_percent = models.PositiveSmallIntegerField(
        "允许浮动（±%）",
        default=10,
        validators=[MaxValueValidator(50)],
        help_text="发展数在计划数上下浮动此比例以内即为完成（恰在下限也算完成）。",
    )
    # Structure targets: shares of the year's admissions (cases.counting.MEASURES, same keys).
    youth_mode = _mode("35岁以下")
    youth_percent = _percent("35岁以下")
    women_mode = _mode("女性")
    women_percent = _percent("女性")
    college_mode = _mode("大专及以上学历")
    college_percent = _percent("大专及以上学历")
    frontline_mode = _mode("生产工作一线")
    frontline_percent = _percent("生产工作一线")
    minority_mode = _mode("少数民族")
    minority_percent = _percent("少数民族")
    activists_per_admission = models.PositiveSmallIntegerField(
        "每发展1名党员应有入党积极分子数",
        default=3,
        validators=[MaxValueValidator(50)],
        help_text="发展党员数与入党积极分子数之比，如 1∶3 即填 3；按计划发展数计算应有的积极分子人数。",
    )
    min_admissions_per_branch = models.PositiveSmallIntegerField(
        "每个党支部至少发展党员数", default=1, validators=[MaxValueValidator(100)]
    )
    min_activists_per_branch = models.PositiveSmallIntegerField(
        "每个党支部每年至少培养入党积极分子数", default=3, validators=[MaxValueValidator(100)]
    )
    max_activists_per_branch = models.PositiveSmallIntegerField(
        "每个党支部每年培养入党积极分子数上限", default=5, validators=[MaxValueValidator(100)]
    )
    note = models.TextField("说明", blank=True, max_length=2000)
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "发展党员计划"
        verbose_name_plural = "发展党员计划"
        ordering = ["-year", "org__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "year"],
                name="one_plan_per_org_year",
                violation_error_message="该组织本年度已有计划。",
            ),
            models.CheckConstraint(
                condition=Q(min_activists_per_branch__lte=models.F("max_activists_per_branch")),
                name="plan_activist_range",
                violation_error_message="每个党支部培养入党积极分子的上限不能少于至少培养数。",
            ),
        ]

    def __str__(self):
        return f"{self.org.name} {self.year}年发展党员计划"

    def target(self, key: str) -> tuple[str, int | None]:
        """(mode, percent) of the structure target `key` (a cases.counting.MEASURES key)."""
        mode = getattr(self, f"{key}_mode")
        return mode, getattr(self, f"{key}_percent") if mode else None


# The form's and the history's order of the target fields.
TARGET_FIELDS = tuple(f"{m.key}_{part}" for m in MEASURES for part in ("mode", "percent"))
