"""The organization tree, branch rosters and the roles users hold on organizations."""

import simple_history
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from guardian.models import UserObjectPermission

from audit.history import HistoricalRecords
from audit.models import SealedHistoryRow, sealed_since
from cases.text import validate_single_line

COMMITTEE_THRESHOLD = 7  # 支部工作条例: ≥7 正式党员 → 支部委员会


class OrgKind(models.TextChoices):
    DEPARTMENT = "department", "组织部"
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    VILLAGE_COMMITTEE = "village_committee", "村(社区)党委"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"


class Locality(models.TextChoices):
    """Whether an organization is a 乡（镇） or a 建制村 one — the 党内统计 table 发展党员情况（二） counts
    in its row 「乡（镇）、建制村」 the members developed by such organizations (partystats.tables).
    Each organization carries its own mark (nothing is inherited from above: a school's or a
    company's branch under a 镇党委 is neither); unmarked is 「待补充」, never counted as neither."""

    UNKNOWN = "", "待补充"
    TOWNSHIP = "township", "乡（镇）"
    VILLAGE = "village", "建制村"
    NEITHER = "neither", "不属于乡（镇）、建制村"


RURAL_LOCALITIES = (Locality.TOWNSHIP, Locality.VILLAGE)


class Role(models.TextChoices):
    """Roles are held on an organization and reach everything below it (product.md §1)."""

    BRANCH_SECRETARY = "branch_secretary", "党支部书记/组织委员"
    REVIEWER = "reviewer", "党总支/村党委委员"
    COMMITTEE_OFFICER = "committee_officer", "党委组织委员/组织员"
    DEPARTMENT_AUDITOR = "department_auditor", "县委组织部"

    @property
    def permission(self) -> str:
        return f"role_{self.value}"


# A CaseEvent's role text: the role's value, and under a delegation (代理) also whom the actor acted
# for — "branch_secretary|张三" reads 「党支部书记/组织委员（代张三办理）」.
ACTING_FOR_SEPARATOR = "|"


ROLE_TEXT_LENGTH = 30  # CaseEvent.role


def recorded_role(role: str, acting_for: str = "") -> str:
    """The role text an event records: the role, and for whom when acting under a delegation (a
    name too long for the column is cut, marked with …)."""
    if not acting_for:
        return role
    room = ROLE_TEXT_LENGTH - len(role) - len(ACTING_FOR_SEPARATOR)
    name = acting_for if len(acting_for) <= room else acting_for[: room - 1] + "…"
    return f"{role}{ACTING_FOR_SEPARATOR}{name}"


def role_text(recorded: str) -> str:
    """The role text of an event as people read it: 「角色（代某某办理）」."""
    role, _, acting_for = recorded.partition(ACTING_FOR_SEPARATOR)
    label = dict(Role.choices).get(role, role)
    return f"{label}（代{acting_for}办理）" if acting_for else label


def acting_for_of(recorded: str) -> str:
    """For whom an event's actor acted (代理), or ""."""
    return recorded.partition(ACTING_FOR_SEPARATOR)[2]


class Organization(models.Model):
    name = models.CharField("名称", max_length=100, validators=[validate_single_line])
    short_name = models.CharField("简称", max_length=30, blank=True, validators=[validate_single_line])
    code = models.CharField("组织代码", max_length=40, unique=True)
    kind = models.CharField("类型", max_length=20, choices=OrgKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    can_approve = models.BooleanField("具有审批权限", default=False)
    locality = models.CharField(
        "乡（镇）、建制村属性",
        max_length=10,
        choices=Locality.choices,
        blank=True,
        default=Locality.UNKNOWN,
        help_text="乡镇党委、乡镇机关等选「乡（镇）」，行政村的党组织选「建制村」，其他（社区、学校、企业等）选"
        "「不属于」。每个党组织各自标注，不随上级：党内统计「发展党员情况（二）」按发展该党员的党支部的此项"
        "计入「乡（镇）、建制村」一行，未标注的列为「待补充」。",
    )
    # Materialized path "/1/5/12/": scope = path prefix, ancestors = ids in the path.
    path = models.CharField("树路径", max_length=255, editable=False, db_index=True)
    letter_prefix = models.CharField(
        "发文字号前缀", max_length=20, blank=True, help_text="例如：X组", validators=[validate_single_line]
    )
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        permissions = [(role.permission, f"角色：{role.label}") for role in Role]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
            models.CheckConstraint(condition=Q(locality__in=Locality.values), name="org_locality_valid"),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The path is derived data (like a slug); it needs the pk, hence two writes on insert.
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
        if new_path != old_path:
            Organization.objects.filter(pk=self.pk).update(path=new_path)
            self.path = new_path
            if old_path:
                for child in Organization.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                    child.path = new_path + child.path[len(old_path) :]
                    Organization.objects.filter(pk=child.pk).update(path=child.path)

    @property
    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]

    def ancestors(self):
        """Self and every organization above it, nearest first."""
        by_id = Organization.objects.in_bulk(self.ancestor_ids)
        return [by_id[pk] for pk in reversed(self.ancestor_ids) if pk in by_id]


# The locality mark was added after rows of the organizations' history were sealed (audit.models).
sealed_since("branches_historicalorganization", {"locality": Locality.UNKNOWN})


class MemberStatus(models.TextChoices):
    FULL = "full", "正式党员"
    PROBATIONARY = "probationary", "预备党员"


class Sanction(models.TextChoices):
    NONE = "", "无"
    WARNING = "warning", "警告"
    SERIOUS_WARNING = "serious_warning", "严重警告"
    REMOVAL_FROM_POST = "removal_from_post", "撤销党内职务"
    PROBATION_IN_PARTY = "probation_in_party", "留党察看"


# Sanctions that do not bar an introducer but make one 不宜 while their impact period lasts (2026 art. 14).
MILD_SANCTIONS = (Sanction.WARNING, Sanction.SERIOUS_WARNING, Sanction.REMOVAL_FROM_POST)


class PartyMember(models.Model):
    """A member on a branch's roster: the pool of contacts and introducers."""

    branch = models.ForeignKey(
        Organization, verbose_name="所在党支部", on_delete=models.PROTECT, related_name="members"
    )
    name = models.CharField("姓名", max_length=50, validators=[validate_single_line])
    status = models.CharField(
        "党员类别", max_length=20, choices=MemberStatus.choices, default=MemberStatus.FULL
    )
    sanction = models.CharField("党纪处分", max_length=30, choices=Sanction.choices, blank=True, default="")
    sanction_until = models.DateField("处分影响期至", null=True, blank=True)
    active = models.BooleanField("在册", default=True)
    history = HistoricalRecords(bases=[SealedHistoryRow])

    class Meta:
        verbose_name = "党员"
        verbose_name_plural = "党员名册"
        ordering = ["branch", "name"]
        indexes = [models.Index(fields=["branch", "name"])]

    def __str__(self):
        return f"{self.name}（{self.get_status_display()}）"

    def in_sanction_impact_period(self, on) -> bool:
        """警告, 严重警告 or 撤销党内职务 whose impact period has not ended on `on` (an unknown end
        counts as not ended): 不宜 as an introducer under the 2026 rules (W09)."""
        if self.sanction not in MILD_SANCTIONS:
            return False
        return self.sanction_until is None or self.sanction_until >= on

    def is_under_party_probation(self, on) -> bool:
        """留党察看 bars a member from being an introducer until rights are restored."""
        if self.sanction != Sanction.PROBATION_IN_PARTY:
            return False
        return self.sanction_until is None or self.sanction_until >= on


class AccountSecurity(models.Model):
    """Per-account security state: a password an admin set must be replaced by its owner at the next
    login (branches/gate.py). No row means nothing is required (demo users, accounts made in code)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="用户", on_delete=models.CASCADE, related_name="security"
    )
    must_change_password = models.BooleanField("下次登录须修改密码", default=False)
    password_set_by_admin_at = models.DateTimeField("管理员设置密码时间", null=True, blank=True)

    class Meta:
        verbose_name = "账号安全状态"
        verbose_name_plural = "账号安全状态"

    def __str__(self):
        return str(self.user)


class DelegationQuerySet(models.QuerySet):
    def live_on(self, day):
        """In force on `day`: begun, not past its last day, not ended early."""
        return self.filter(starts_on__lte=day, ends_on__gte=day, ended_at__isnull=True)


class Delegation(models.Model):
    """代理: an officer's role on an organization (and all below it), held for them by another user
    from a date to a date (both included). While in force the delegate acts in that role there
    exactly as the officer would (branches.permissions.role_grants), and every event they write
    says 「代某某办理」. It ends by itself after `ends_on`, or early (ended_at). A delegate never
    delegates further. Every change is sealed configuration history."""

    delegator = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="委托人", on_delete=models.PROTECT, related_name="+"
    )
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="代理人", on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    org = models.ForeignKey(Organization, verbose_name="党组织", on_delete=models.PROTECT, related_name="+")
    starts_on = models.DateField("代理开始日期")
    ends_on = models.DateField("代理结束日期")
    reason = models.CharField("代理事由", max_length=200, validators=[validate_single_line])
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now, editable=False)
    ended_at = models.DateTimeField("提前结束时间", null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="提前结束人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    end_reason = models.CharField(
        "提前结束理由", max_length=200, blank=True, validators=[validate_single_line]
    )
    history = HistoricalRecords(bases=[SealedHistoryRow])

    objects = DelegationQuerySet.as_manager()

    class Meta:
        verbose_name = "代理"
        verbose_name_plural = "代理"
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["delegate", "ends_on"], name="delegation_live")]
        constraints = [
            models.CheckConstraint(condition=Q(role__in=Role.values), name="delegation_role_valid"),
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_dates_ordered"
            ),
            models.CheckConstraint(
                condition=~Q(delegate=models.F("delegator")), name="delegation_not_to_self"
            ),
        ]

    def __str__(self):
        return f"{self.delegate} 代 {self.delegator} · {self.get_role_display()} · {self.org}"

    def live_on(self, day) -> bool:
        return self.ended_at is None and self.starts_on <= day <= self.ends_on

    @property
    def state(self) -> str:
        today = timezone.localdate()
        if self.ended_at is not None:
            return "已提前结束"
        if today < self.starts_on:
            return "未开始"
        return "代理中" if today <= self.ends_on else "已到期"


# Role grants are guardian's object permissions (written by branches.services.grant_role, revoked by
# revoke_role): each grant and revocation is history too — who, when, why — sealed like the rest.
simple_history.register(
    UserObjectPermission,
    app="branches",
    bases=[SealedHistoryRow],
    records_class=HistoricalRecords,
    # guardian names its model in English; the live model is renamed in branches.admin
    verbose_name="历史记录：用户对象权限",
    verbose_name_plural="历史记录：用户对象权限",
)
