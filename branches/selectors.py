"""Reads of the organization tree, always scoped to a user."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from branches.models import COMMITTEE_THRESHOLD, Delegation, MemberStatus, Organization, OrgKind, PartyMember
from branches.permissions import grant_holder_ids, role_grants


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
    """The organizations a user works for, as a printed list's title names them (a 花名册's 单位);
    None is a command run without a user (the whole database)."""
    if user is None or user.is_superuser:
        return "全部组织"
    names = list(dict.fromkeys(grant.org.name for grant in role_grants(user)))
    return "、".join(names) or "（无组织）"


def full_member_count(branch: Organization) -> int:
    return branch.members.filter(status=MemberStatus.FULL, active=True).count()


def voting_members_on(branch: Organization, day) -> int:
    """应到 of the branch's 支部大会 on `day`: its full members on the roster as the roster stood at
    the end of that day (PartyMember's history: the roster keeps no join or leave dates, so "as
    it stood" is as it was recorded), without those under 留党察看 then (no vote, 党章第四十一条).
    A day before the branch's roster was entered at all is answered by today's roster."""
    history = PartyMember.history.model
    end = timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))
    known = history.objects.filter(history_date__lt=end)
    ever = known.filter(branch=branch).values("id")
    latest = known.filter(id=OuterRef("id")).order_by("-history_date", "-history_id").values("history_id")[:1]
    rows = list(
        known.filter(id__in=ever)
        .filter(history_id=Subquery(latest))
        .exclude(history_type="-")
        .filter(branch=branch, status=MemberStatus.FULL, active=True)
        .values("sanction", "sanction_until")
    )
    if not rows and not known.filter(branch=branch).exists():
        rows = list(roster(branch).filter(status=MemberStatus.FULL).values("sanction", "sanction_until"))
    return sum(1 for row in rows if not PartyMember(**row).is_under_party_probation(day))


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


# ---- the role screen (scope: cases.permissions.role_admin_orgs) -----------------------------------


def organizations_under(roots: list[Organization] | None):
    """The organizations of `roots` and everything below them; every one for None."""
    if roots is None:
        return Organization.objects.all()
    q = Q(pk__in=[])
    for root in roots:
        q |= Q(path__startswith=root.path)
    return Organization.objects.filter(q)


def delegations_current(orgs, *, users=None, search: str = ""):
    """Delegations on `orgs` not yet over (in force or still to begin), soonest ending first."""
    qs = Delegation.objects.filter(org__in=orgs, ended_at__isnull=True, ends_on__gte=timezone.localdate())
    if users is not None:
        qs = qs.filter(Q(delegate__in=users) | Q(delegator__in=users))
    if search:
        qs = qs.filter(
            Q(delegate__username__icontains=search)
            | Q(delegate__first_name__icontains=search)
            | Q(delegator__username__icontains=search)
            | Q(delegator__first_name__icontains=search)
        )
    return qs.select_related("delegate", "delegator", "org").order_by("ends_on", "pk")


def delegations_of(user):
    """Every delegation the user gave or holds, newest first (ended ones too)."""
    return (
        Delegation.objects.filter(Q(delegator=user) | Q(delegate=user))
        .select_related("delegate", "delegator", "org", "ended_by")
        .order_by("-starts_on", "-pk")
    )


def _nameable(roots: list[Organization]) -> Q:
    return Q(pk__in=grant_holder_ids(organizations_under(roots))) | ~Q(pk__in=grant_holder_ids())


def role_users(roots: list[Organization] | None):
    """The active users a role keeper (or an officer choosing a delegate) may name: those holding a
    grant under `roots` and those holding none at all (new accounts); every one for None."""
    users = get_user_model().objects.filter(is_active=True).order_by("username")
    return users if roots is None else users.filter(_nameable(roots))


def role_user_visible(roots: list[Organization] | None, pk: int):
    """A user whose roles the role keeper reads (as role_users, inactive ones too); None: a 404."""
    users = get_user_model().objects.filter(pk=pk)
    return (users if roots is None else users.filter(_nameable(roots))).first()


def county_roots(grants) -> list[Organization]:
    """The top organizations (counties) above the given grants: where an officer finds a delegate."""
    ids = {g.org.ancestor_ids[0] for g in grants}
    return list(Organization.objects.filter(pk__in=ids))
