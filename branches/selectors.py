"""Reads of the organization tree, always scoped to a user."""

from django.db.models import Q

from branches.models import COMMITTEE_THRESHOLD, MemberStatus, Organization, OrgKind, PartyMember
from branches.permissions import role_grants


def scope_filter(user, path_field: str = "path") -> Q:
    """A Q that matches objects whose organization path lies under one of the user's grants."""
    if user.is_superuser:
        return Q()
    grants = role_grants(user)
    if not grants:
        return Q(pk__in=[])
    q = Q()
    for prefix in {g.org.path for g in grants}:
        q |= Q(**{f"{path_field}__startswith": prefix})
    return q


def organizations_visible_to(user):
    return Organization.objects.filter(scope_filter(user))


def branches_visible_to(user):
    return organizations_visible_to(user).filter(kind=OrgKind.BRANCH)


def scope_name(user) -> str:
    """The organizations a user works for, as a printed list's title names them (a 花名册's 单位)."""
    if user.is_superuser:
        return "全部组织"
    names = list(dict.fromkeys(grant.org.name for grant in role_grants(user)))
    return "、".join(names) or "（无组织）"


def full_member_count(branch: Organization) -> int:
    return branch.members.filter(status=MemberStatus.FULL, active=True).count()


def has_branch_committee(branch: Organization) -> bool:
    """支部工作条例: a branch with ≥7 full members has a 支部委员会; a smaller one decides at the 支部大会."""
    return full_member_count(branch) >= COMMITTEE_THRESHOLD


def approving_committee(branch: Organization) -> Organization | None:
    """The nearest ancestor with approval authority (product.md §2)."""
    return nearest_approver(branch.ancestors())


def nearest_approver(ancestors: list[Organization]) -> Organization | None:
    """Of an organization's ancestors (itself first, as Organization.ancestors gives them), the
    nearest above it with approval authority."""
    return next((org for org in ancestors[1:] if org.can_approve), None)


def review_chain(branch: Organization) -> list[Organization]:
    """Reviewer organizations (党总支/村党委) between a branch and its approving committee, lowest first."""
    chain = []
    for org in branch.ancestors()[1:]:
        if org.can_approve:
            break
        if org.kind in (OrgKind.GENERAL_BRANCH, OrgKind.VILLAGE_COMMITTEE):
            chain.append(org)
    return chain


def roster(branch: Organization):
    return PartyMember.objects.filter(branch=branch, active=True).order_by("status", "name")


def is_named_on_records(member: PartyMember) -> bool:
    """A member any step record names (as contact or introducer) is kept: deactivated, never deleted."""
    return member.recorded_as.exists()
