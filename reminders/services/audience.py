"""Who may be told about a deadline waiting at an organization: the holders of each role whose
grant covers it (a grant reaches the organization's subtree, branches.permissions), and for a
branch the people an overdue branch step escalates to — the officers of its approving committee
and the department's auditors. Worked out once per sweep for the whole tree (a few thousand
rows), so that the sweep itself is a join in SQL."""

import bisect
from dataclasses import dataclass

from branches.models import Organization, Role
from branches.permissions import holders
from branches.selectors import nearest_approver

ESCALATED_COMMITTEE = "escalated_committee"
ESCALATED_DEPARTMENT = "escalated_department"


@dataclass(frozen=True)
class Listener:
    org_id: int  # where the deadline waits
    audience: str  # a Role value, or ESCALATED_COMMITTEE / ESCALATED_DEPARTMENT (at a branch)
    user_id: int


def audience() -> set[Listener]:
    orgs = list(Organization.objects.only("id", "path", "can_approve", "kind", "parent_id").order_by("path"))
    paths = [o.path for o in orgs]
    by_id = {o.pk: o for o in orgs}

    def subtree(org: Organization) -> list[Organization]:
        start = bisect.bisect_left(paths, org.path)
        end = bisect.bisect_left(paths, org.path + "\uffff")
        return orgs[start:end]

    covering: dict[tuple[int, Role], set[int]] = {}  # (org, role) → users whose grant covers it
    for role, org_id, user_id in holders():
        if org_id in by_id:
            for org in subtree(by_id[org_id]):
                covering.setdefault((org.pk, role), set()).add(user_id)
    found = {Listener(org, role.value, user) for (org, role), users in covering.items() for user in users}
    for branch in orgs:  # any organization a case's branch may be
        ancestors = [by_id[pk] for pk in reversed(branch.ancestor_ids) if pk in by_id]
        committee = nearest_approver(ancestors)
        if committee is not None:
            for user in covering.get((committee.pk, Role.COMMITTEE_OFFICER), ()):
                found.add(Listener(branch.pk, ESCALATED_COMMITTEE, user))
        for user in covering.get((branch.pk, Role.DEPARTMENT_AUDITOR), ()):
            found.add(Listener(branch.pk, ESCALATED_DEPARTMENT, user))
    return found
