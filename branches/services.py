"""Writes to the organization tree, role grants and accounts' security state."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm

from branches.models import AccountSecurity, Organization, OrgKind, PartyMember, Role
from branches.permissions import forget_cached_grants

# Which kinds of organization each role is held on.
ROLE_ORG_KINDS = {
    Role.BRANCH_SECRETARY: {OrgKind.BRANCH},
    Role.REVIEWER: {OrgKind.GENERAL_BRANCH, OrgKind.VILLAGE_COMMITTEE},
    Role.COMMITTEE_OFFICER: {OrgKind.COMMITTEE, OrgKind.VILLAGE_COMMITTEE, OrgKind.GENERAL_BRANCH},
    Role.DEPARTMENT_AUDITOR: {OrgKind.DEPARTMENT},
}


@transaction.atomic
def create_organization(*, name, code, kind, parent=None, can_approve=False, short_name="", letter_prefix=""):
    return Organization.objects.create(
        name=name,
        code=code,
        kind=kind,
        parent=parent,
        can_approve=can_approve,
        short_name=short_name,
        letter_prefix=letter_prefix,
    )


def grant_role(*, user, role: Role, org: Organization) -> None:
    """Grant a role on an organization. A committee officer on an organization without approval
    authority is allowed on purpose: the rules (E13) then refuse that officer's approvals."""
    role = Role(role)
    if org.kind not in ROLE_ORG_KINDS[role]:
        raise ValidationError(f"{role.label}不能设在{org.get_kind_display()}上。")
    assign_perm(f"branches.{role.permission}", user, org)
    forget_cached_grants(user)


def require_password_change(*, user) -> None:
    """An admin set this password: its owner must replace it at the next login."""
    AccountSecurity.objects.update_or_create(
        user=user, defaults={"must_change_password": True, "password_set_by_admin_at": timezone.now()}
    )


def record_own_password_change(*, user) -> None:
    """The owner chose a new password: nothing more is required of them."""
    AccountSecurity.objects.filter(user=user, must_change_password=True).update(must_change_password=False)


@transaction.atomic
def deactivate_members(members, *, actor) -> int:
    """停用: the members leave the roster — no longer offered for new steps, not counted for the
    支部委员会 — while every record that names them keeps showing them as recorded. Returns how
    many were still active. Each save leaves a history row by the actor (no queryset update)."""
    changed = 0
    for member in PartyMember.objects.select_for_update().filter(pk__in=members.values("pk"), active=True):
        member.active = False
        member._history_user = actor
        member._change_reason = "停用"
        member.save(update_fields=["active"])
        changed += 1
    return changed
