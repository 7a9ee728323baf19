"""Which actions a user may take on a visible case (visibility itself is cases_visible_to)."""

from branches.models import Role
from branches.permissions import grants_covering
from cases import steps
from cases.models import Case


def roles_on(user, case: Case) -> set[Role]:
    return {g.role for g in grants_covering(user, case.branch)}


def can_perform(user, case: Case, step: steps.Step, roles: set[Role] | None = None) -> bool:
    roles = roles_on(user, case) if roles is None else roles
    return bool(roles & set(step.roles))


def can_edit_branch_side(user, case: Case, roles: set[Role] | None = None) -> bool:
    roles = roles_on(user, case) if roles is None else roles
    return Role.BRANCH_SECRETARY in roles


def can_see_full_id(user, case: Case, roles: set[Role] | None = None) -> bool:
    roles = roles_on(user, case) if roles is None else roles
    return bool(roles & {Role.BRANCH_SECRETARY, Role.COMMITTEE_OFFICER})
