"""Writes to the organization tree, role grants, delegations (代理) and accounts' security state.

Granting and revoking a role, and opening and ending a delegation, are one service each: each
asks the policy (cases.permissions) whether the actor may, needs a reason, and leaves a sealed
history row (who, when, why — and in which role, the grant the policy allowed it under:
audit.history.acting_in_grant) that the audit browser's configuration tab shows."""

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from guardian.models import UserObjectPermission

from audit.history import acting_in_grant
from branches.models import AccountSecurity, Delegation, Locality, Organization, OrgKind, PartyMember, Role
from branches.permissions import forget_cached_grants

NEEDS_REASON = "请填写理由。"
ALREADY_HELD = "该用户已在该组织担任此角色。"
NOT_TO_SELF = "不能委托本人代理。"
INACTIVE = "该账号已停用，不能担任角色或代理。"
DATES_ORDERED = "代理结束日期不能早于开始日期。"
NOT_IN_PAST = "代理开始日期不能早于今天。"
ALREADY_ENDED = "该代理已经结束。"
NO_END = "只有委托人、代理人或管理角色的组织部门可以提前结束代理。"
ROLE_REVOKED = "委托人的该角色已撤销"

# Which kinds of organization each role is held on.
ROLE_ORG_KINDS = {
    Role.BRANCH_SECRETARY: {OrgKind.BRANCH},
    Role.REVIEWER: {OrgKind.GENERAL_BRANCH, OrgKind.VILLAGE_COMMITTEE},
    Role.COMMITTEE_OFFICER: {OrgKind.COMMITTEE, OrgKind.VILLAGE_COMMITTEE, OrgKind.GENERAL_BRANCH},
    Role.DEPARTMENT_AUDITOR: {OrgKind.DEPARTMENT},
}


@transaction.atomic
def create_organization(
    *,
    name,
    code,
    kind,
    parent=None,
    can_approve=False,
    short_name="",
    letter_prefix="",
    locality=Locality.UNKNOWN,
):
    return Organization.objects.create(
        name=name,
        code=code,
        kind=kind,
        parent=parent,
        can_approve=can_approve,
        short_name=short_name,
        letter_prefix=letter_prefix,
        locality=locality,
    )


@transaction.atomic
def mark_locality(organizations, *, locality: Locality, actor) -> int:
    """Mark each organization 乡（镇）, 建制村 or neither (partystats' row 「乡（镇）、建制村」); returns
    how many changed. Each change leaves a history row by the actor (no queryset update)."""
    changed = 0
    chosen = Locality(locality)
    for org in Organization.objects.select_for_update().filter(pk__in=organizations.values("pk")):
        if org.locality == chosen:
            continue
        org.locality = chosen
        org._history_user = actor
        org._change_reason = f"标注为「{chosen.label}」"
        org.save(update_fields=["locality"])
        changed += 1
    return changed


def _refuse_unless(answer) -> None:
    if not answer:
        raise PermissionDenied(answer.reason)


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(NEEDS_REASON)
    return reason


def _role_permission(role: Role) -> Permission:
    return Permission.objects.get(content_type=_org_ct(), codename=role.permission)


def _org_ct() -> ContentType:
    return ContentType.objects.get_for_model(Organization)


@transaction.atomic
def grant_role(*, user, role: Role, org: Organization, actor=None, reason: str = "") -> UserObjectPermission:
    """Grant a role on an organization. From the role screen (`actor` given) the actor must keep the
    roles there and give a reason; the demo and the tests' setup grant without one. A committee
    officer on an organization without approval authority is allowed on purpose: the rules (E13)
    then refuse that officer's approvals."""
    from cases.permissions import role_admin_answer  # noqa: PLC0415  (cases depends on branches)

    role = Role(role)
    allowed = None
    if actor is not None:
        allowed = role_admin_answer(actor, org)
        _refuse_unless(allowed)
        reason = _reason(reason)
    if org.kind not in ROLE_ORG_KINDS[role]:
        raise ValidationError(f"{role.label}不能设在{org.get_kind_display()}上。")
    if not user.is_active:
        raise ValidationError(INACTIVE)
    permission = _role_permission(role)
    held = UserObjectPermission.objects.filter(
        user=user, permission=permission, content_type=_org_ct(), object_pk=str(org.pk)
    ).first()
    if held is not None:
        if actor is not None:
            raise ValidationError(ALREADY_HELD)
        return held
    row = UserObjectPermission(
        user=user, permission=permission, content_type=_org_ct(), object_pk=str(org.pk)
    )
    row._history_user, row._change_reason = actor, reason
    with acting_in_grant(allowed.grant if allowed else None):
        row.save()
    forget_cached_grants(user)
    return row


def role_of(row: UserObjectPermission) -> Role:
    return Role(row.permission.codename.removeprefix("role_"))


@transaction.atomic
def revoke_role(*, grant: UserObjectPermission, actor, reason: str) -> None:
    """Revoke a role grant (a row of the role screen), with a reason. The delegations the holder
    gave of that role there end with it."""
    from cases.permissions import role_admin_answer  # noqa: PLC0415

    row = (
        UserObjectPermission.objects.select_for_update().select_related("permission", "user").get(pk=grant.pk)
    )
    org = Organization.objects.get(pk=int(row.object_pk))
    allowed = role_admin_answer(actor, org)
    _refuse_unless(allowed)
    reason = _reason(reason)
    role = role_of(row)
    given = Delegation.objects.filter(
        delegator=row.user, role=role, org__path__startswith=org.path, ends_on__gte=timezone.localdate()
    ).filter(ended_at__isnull=True)
    with acting_in_grant(allowed.grant):
        for delegation in given:
            _end(delegation, actor=actor, reason=f"{ROLE_REVOKED}：{reason}")
        row._history_user, row._change_reason = actor, reason
        row.delete()
    forget_cached_grants(row.user)


@transaction.atomic
def delegate_role(
    *, delegator, delegate, role: Role, org: Organization, starts_on, ends_on, reason: str, actor
) -> Delegation:
    """代理: `delegator` has `delegate` act in their role on `org` from `starts_on` to `ends_on`
    (both included). Done by the officer themselves, or by whoever keeps the roles there. Only a
    role held in one's own right is delegated: a delegate cannot delegate further."""
    from cases.permissions import delegation_answer, role_admin_answer  # noqa: PLC0415

    role = Role(role)
    answer = delegation_answer(delegator, role, org)
    acting_grant = answer.grant if answer else None  # the officer delegating their own role
    if actor.pk != delegator.pk:
        allowed = role_admin_answer(actor, org)
        _refuse_unless(allowed)
        acting_grant = allowed.grant
    if not answer:
        raise ValidationError(answer.reason)
    reason = _reason(reason)
    if delegate.pk == delegator.pk:
        raise ValidationError(NOT_TO_SELF)
    if not delegate.is_active:
        raise ValidationError(INACTIVE)
    if ends_on < starts_on:
        raise ValidationError(DATES_ORDERED)
    if starts_on < timezone.localdate():
        raise ValidationError(NOT_IN_PAST)
    delegation = Delegation(
        delegator=delegator,
        delegate=delegate,
        role=role,
        org=org,
        starts_on=starts_on,
        ends_on=ends_on,
        reason=reason,
        created_by=actor,
    )
    delegation._history_user, delegation._change_reason = actor, reason
    with acting_in_grant(acting_grant):
        delegation.save()
    forget_cached_grants(delegate)
    return delegation


@transaction.atomic
def end_delegation(*, delegation: Delegation, actor, reason: str) -> Delegation:
    """End a delegation before its last day (from now on the delegate no longer acts). The
    delegator, the delegate, or whoever keeps the roles there may."""
    from cases.permissions import role_admin_answer  # noqa: PLC0415

    delegation = Delegation.objects.select_for_update().select_related("org").get(pk=delegation.pk)
    if actor.pk not in (delegation.delegator_id, delegation.delegate_id) and not role_admin_answer(
        actor, delegation.org
    ):
        raise PermissionDenied(NO_END)
    if delegation.ended_at is not None or delegation.ends_on < timezone.localdate():
        raise ValidationError(ALREADY_ENDED)
    _end(delegation, actor=actor, reason=_reason(reason))
    return delegation


def _end(delegation: Delegation, *, actor, reason: str) -> None:
    delegation.ended_at, delegation.ended_by, delegation.end_reason = timezone.now(), actor, reason[:200]
    delegation._history_user, delegation._change_reason = actor, reason[:100]
    delegation.save(update_fields=["ended_at", "ended_by", "end_reason"])
    forget_cached_grants(delegation.delegate)


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
