"""Deadline reminders: who was told what about which deadline, and each user's choices.

Depends on cases (cases.CaseDeadline: what falls due, where it waits, who answers for it) and
branches; neither ever imports this app.

Interface for the pages, the e-mail digest and the calendar feed (they only read these rows; the
only writers are reminders.services.sweep for Notice and the services named below):

- Notice: one row per (deadline, due_on, threshold, recipient), unique in the DATABASE, so a
  sweep run twice, ten times or twice at once adds nothing. `swept_on` is the day of the sweep
  that made it (a digest of day D lists the notices swept on D); `read_at` is null while unread.
  The bell: Notice.objects.filter(recipient=user, read_at__isnull=True).count() (partial index
  notice_unread). A notice whose deadline is met (deadline.met_on set) shows as done.
  Lists: select_related("deadline__case__person", "deadline__org"); deadline.step links to the
  step on the case page; deadline.case.get_absolute_url() to the case.
- Threshold: the notice's level. SOON (7 天内到期), TODAY (今日到期), OVERDUE (已逾期) go to the
  people responsible for the deadline; ESCALATED_COMMITTEE (逾期N天上报党委) to the approving
  committee's officers and ESCALATED_DEPARTMENT (逾期N天上报组织部) to the department, for an
  overdue branch step; AVAILABLE (已可办理) is the notice of an earliest date (the case may now
  move: never a due date). `Threshold.severity` orders them.
- ReminderPreference: per user, created on demand (ReminderPreference.for_user(user)): e-mail
  opt-out (never of the in-app notices) and the calendar feed's secret token (null: feed off;
  a new token revokes the old URL).
- ReminderSettings: the admin-editable single row of escalation days (30 / 90);
  ReminderSettings.current() reads it (defaults when the row is missing).
- Digest: one row per (user, day), unique: claimed before a digest is sent, `sent_at` set once it
  went out, so a digest is sent at most once. reminders.services.digest.send_digests(day) sends
  them (the sweep's task calls it after the sweep commits, when that module exists).
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q

from cases.models import CaseDeadline


class Threshold(models.TextChoices):
    AVAILABLE = "available", "已可办理"
    SOON = "soon", "7天内到期"
    TODAY = "today", "今日到期"
    OVERDUE = "overdue", "已逾期"
    ESCALATED_COMMITTEE = "escalated_committee", "逾期上报党委"
    ESCALATED_DEPARTMENT = "escalated_department", "逾期上报组织部"

    @property
    def severity(self) -> int:
        return list(Threshold).index(self)


class Notice(models.Model):
    """One recipient told once about one deadline at one threshold (for the date it was due)."""

    # No FOREIGN KEY constraints in the database (db_constraint=False): the sweep inserts millions of
    # rows at a time, and PostgreSQL checks each row's two keys at commit (locking the deadline and
    # the user, one by one) — half of the first sweep's time over 1,000,000 cases
    # (bench/README.md). Only the sweep inserts, from a join with those very rows in the same
    # transaction; deadlines are never deleted and users are deactivated, never deleted; and
    # on_delete=CASCADE is Django's (it always was), so deleting a case still deletes its notices.
    # No index of their own either (db_index=False): notice_once_per_threshold begins with the
    # deadline and notice_by_recipient with the recipient, and serve the same look-ups; two fewer
    # indexes to write per notice.
    deadline = models.ForeignKey(
        CaseDeadline,
        on_delete=models.CASCADE,
        related_name="notices",
        db_constraint=False,
        db_index=False,
        verbose_name="期限",
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notices",
        db_constraint=False,
        db_index=False,
    )
    threshold = models.CharField("提醒类型", max_length=30, choices=Threshold.choices)
    due_on = models.DateField("到期日")  # the deadline's date this notice was computed for
    swept_on = models.DateField("提醒日期")  # the day of the sweep that made it
    created_at = models.DateTimeField("创建时间")
    read_at = models.DateTimeField("已读时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒"
        verbose_name_plural = "提醒"
        ordering = ["-swept_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "due_on", "threshold", "recipient"], name="notice_once_per_threshold"
            ),
            models.CheckConstraint(
                condition=Q(threshold__in=Threshold.values), name="notice_threshold_valid"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notice_unread"),
            models.Index(fields=["recipient", "-swept_on", "-id"], name="notice_by_recipient"),
            models.Index(fields=["swept_on", "recipient"], name="notice_by_day"),
        ]

    def __str__(self):
        return f"{self.get_threshold_display()}：{self.deadline}"


class ReminderPreference(models.Model):
    """A user's choices about reminders (no row: the defaults — mail on, no calendar feed)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    email_opt_out = models.BooleanField("不接收提醒邮件", default=False)
    ical_token = models.CharField("日历订阅密钥", max_length=64, null=True, blank=True, unique=True)
    ical_token_created_at = models.DateTimeField("日历订阅生成时间", null=True, blank=True)

    class Meta:
        verbose_name = "提醒设置（个人）"
        verbose_name_plural = "提醒设置（个人）"

    def __str__(self):
        return str(self.user)

    @classmethod
    def for_user(cls, user) -> "ReminderPreference":
        return cls.objects.get_or_create(user=user)[0]

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class ReminderSettings(models.Model):
    """Admin-editable reminder configuration (a single row, like cases.RuleSettings)."""

    escalate_committee_days = models.PositiveSmallIntegerField(
        "逾期多少天上报审批党委",
        default=30,
        help_text="党支部办理的步骤逾期达到该天数，提醒审批党委的组织委员/组织员。",
    )
    escalate_department_days = models.PositiveSmallIntegerField(
        "逾期多少天上报组织部", default=90, help_text="党支部办理的步骤逾期达到该天数，提醒县委组织部。"
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "提醒设置"
        verbose_name_plural = "提醒设置"
        constraints = [
            models.CheckConstraint(
                condition=Q(escalate_committee_days__gte=1)
                & Q(escalate_department_days__gt=models.F("escalate_committee_days")),
                name="escalation_days_ordered",
            ),
        ]

    def __str__(self):
        return "提醒设置"

    @classmethod
    def current(cls) -> "ReminderSettings":
        return cls.objects.first() or cls()


class Digest(models.Model):
    """One user's e-mail digest of one day: claimed (the row) before sending, sent at most once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="用户",
        on_delete=models.CASCADE,
        related_name="reminder_digests",
    )
    day = models.DateField("日期")
    created_at = models.DateTimeField("生成时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_error = models.TextField("最近错误", blank=True)

    class Meta:
        verbose_name = "提醒邮件"
        verbose_name_plural = "提醒邮件"
        ordering = ["-day", "user"]
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="one_digest_per_user_day")]

    def __str__(self):
        return f"{self.user} {self.day}"
