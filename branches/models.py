"""The organization tree, branch rosters and the roles users hold on organizations."""

import simple_history
from django.conf import settings
from django.db import models
from django.db.models import Q
from guardian.models import UserObjectPermission
from simple_history.models import HistoricalRecords

from audit.models import SealedRow
from cases.text import validate_single_line

COMMITTEE_THRESHOLD = 7  # 支部工作条例: ≥7 正式党员 → 支部委员会


class OrgKind(models.TextChoices):
    DEPARTMENT = "department", "组织部"
    COMMITTEE = "committee", "党委"
    GENERAL_BRANCH = "general_branch", "党总支"
    VILLAGE_COMMITTEE = "village_committee", "村(社区)党委"
    BRANCH = "branch", "党支部"
    GROUP = "group", "党小组"


class Role(models.TextChoices):
    """Roles are held on an organization and reach everything below it (product.md §1)."""

    BRANCH_SECRETARY = "branch_secretary", "党支部书记/组织委员"
    REVIEWER = "reviewer", "党总支/村党委委员"
    COMMITTEE_OFFICER = "committee_officer", "党委组织委员/组织员"
    DEPARTMENT_AUDITOR = "department_auditor", "县委组织部"

    @property
    def permission(self) -> str:
        return f"role_{self.value}"


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
    # Materialized path "/1/5/12/": scope = path prefix, ancestors = ids in the path.
    path = models.CharField(max_length=255, editable=False, db_index=True)
    letter_prefix = models.CharField(
        "发文字号前缀", max_length=20, blank=True, help_text="例如：X组", validators=[validate_single_line]
    )
    history = HistoricalRecords(bases=[SealedRow])

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]
        permissions = [(role.permission, f"角色：{role.label}") for role in Role]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OrgKind.values), name="org_kind_valid"),
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
    history = HistoricalRecords(bases=[SealedRow])

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


# Role grants are guardian's object permissions (written by branches.services.grant_role, revoked in
# the admin): each grant and revocation is history too — who, when — sealed like the rest.
simple_history.register(UserObjectPermission, app="branches", bases=[SealedRow])
