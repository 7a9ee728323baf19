"""Statistics boards: the 四色研判 settings, each branch's daily colour and the follow-ups recorded
against a colour. Everything else on the boards is counted from the case file (cases.counting).

Depends on cases and branches; neither imports this app. Writers: stats.services only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from audit.history import HistoricalRecords
from audit.models import SealedHistoryRow
from branches.models import Organization


class Colour(models.TextChoices):
    """In rising severity; NONE: none of the four applies."""

    NONE = "", "无预警"
    BLUE = "blue", "蓝色"
    YELLOW = "yellow", "黄色"
    ORANGE = "orange", "橙色"
    RED = "red", "红色"

    @property
    def severity(self) -> int:
        return list(Colour).index(self)


class Action(models.TextChoices):
    """The follow-up the committee records (怀宁县 发展党员四色预警 practice), mildest first."""

    WARNING = "warning", "口头警示"
    ADMONITION = "admonition", "诫勉谈话"
    RECTIFY = "rectify", "限期整改"
    ACCOUNTABILITY = "accountability", "追究责任"


# The follow-up each colour calls for (shown as the suggestion on the tile).
ACTION_FOR = {
    Colour.BLUE: Action.WARNING,
    Colour.YELLOW: Action.ADMONITION,
    Colour.ORANGE: Action.RECTIFY,
    Colour.RED: Action.ACCOUNTABILITY,
}


class BoardSettings(models.Model):
    """Admin-editable thresholds of the 四色研判 (a single row; BoardSettings.current())."""

    orange_years = models.PositiveSmallIntegerField(
        "橙色：连续多少年未发展党员",
        default=2,
        help_text="含当年在内，连续该年数（按上级党委审批日期所在年份）没有发展党员，即为橙色。",
    )
    red_years = models.PositiveSmallIntegerField(
        "红色：连续多少年及以上未发展党员",
        default=3,
        help_text="含当年在内，连续该年数及以上没有发展党员，即为红色（“三年以上未发展党员”名单）。",
    )
    pipeline_ratio = models.PositiveSmallIntegerField(
        "积极分子与发展党员之比（1：N）",
        default=3,
        help_text="在培养的入党积极分子和发展对象少于 N×（当年应发展人数）时，磁贴提示“培养梯队不足”。",
    )
    min_per_branch = models.PositiveSmallIntegerField(
        "每个支部每年至少发展人数", default=1, help_text="用于计算培养梯队是否充足。"
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)
    history = HistoricalRecords(excluded_fields=["updated_at"], bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "四色研判设置"
        verbose_name_plural = "四色研判设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(orange_years__gte=1) & Q(red_years__gt=models.F("orange_years")),
                name="board_years_ordered",
            ),
        ]

    def __str__(self):
        return "四色研判设置"

    def save(self, *args, **kwargs):
        self.updated_at = timezone.now()
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> "BoardSettings":
        """The saved row, or the defaults when none was saved."""
        return cls.objects.order_by("pk").first() or cls()


class BranchColour(models.Model):
    """A branch's colour as judged on one day (stats.services.judge_colours): the daily run and
    the on-demand 重新研判 write today's row; the board reads each branch's latest."""

    branch = models.ForeignKey(
        Organization, verbose_name="党支部", on_delete=models.CASCADE, related_name="colours"
    )
    on = models.DateField("研判日期")
    colour = models.CharField("颜色", max_length=10, choices=Colour.choices, blank=True)
    reasons = models.JSONField("理由", default=list)
    last_admission = models.DateField("最近发展党员日期", null=True, blank=True)
    admitted_this_year = models.PositiveIntegerField("当年发展党员数", default=0)
    activists_this_year = models.PositiveIntegerField("当年确定积极分子数", default=0)
    judged_at = models.DateTimeField("研判时间", default=timezone.now)

    class Meta:
        verbose_name = "四色研判结果"
        verbose_name_plural = "四色研判结果"
        ordering = ["branch", "-on"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "on"], name="one_colour_per_branch_day"),
            models.CheckConstraint(condition=Q(colour__in=Colour.values), name="branch_colour_valid"),
        ]

    def __str__(self):
        return f"{self.branch} {self.on} {self.get_colour_display()}"


class FollowUp(models.Model):
    """What the committee did about a branch's colour: what, when, by whom, and whether done."""

    branch = models.ForeignKey(
        Organization, verbose_name="党支部", on_delete=models.PROTECT, related_name="follow_ups"
    )
    colour = models.CharField("针对颜色", max_length=10, choices=Colour.choices)
    action = models.CharField("措施", max_length=20, choices=Action.choices)
    what = models.TextField("具体内容")
    on = models.DateField("日期")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT)
    done = models.BooleanField("已落实", default=False)
    done_on = models.DateField("落实日期", null=True, blank=True)
    created_at = models.DateTimeField("记录时间", default=timezone.now)
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "四色研判跟进措施"
        verbose_name_plural = "四色研判跟进措施"
        ordering = ["-on", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(action__in=Action.values), name="follow_up_action_valid"),
            models.CheckConstraint(condition=~Q(colour=""), name="follow_up_has_colour"),
            models.CheckConstraint(
                condition=Q(done=False, done_on__isnull=True) | Q(done=True, done_on__isnull=False),
                name="follow_up_done_dated",
            ),
        ]

    def __str__(self):
        return f"{self.branch} {self.get_action_display()} {self.on}"
