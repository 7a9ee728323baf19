"""Which organization has the authority for a step (E13), as one pure rule.

Read by the rules engine (checks.check_authority, E13) and by the "may I" policy
(cases.permissions), so a button is never offered for a step whose rule would refuse it.
"""

from branches.models import Role
from cases.steps import Step


def authority_refusal(step: Step, *, can_approve: bool | None, is_department: bool | None) -> str | None:
    """Why an organization with these traits may not perform `step`, or None when it may.

    A trait given as None is not judged (a historical import: the authority was exercised then).
    The department files probationary members (step 18); a committee step needs a 基层党委 with
    approval authority (a 党总支 or 村（社区）党委 only reviews)."""
    if Role.DEPARTMENT_AUDITOR in step.roles:
        return "预备党员备案由上级党委组织部门办理，本组织无此权限" if is_department is False else None
    if step.is_committee_step and can_approve is False:
        return f"「{step.name}」须由具有审批权限的基层党委办理；党总支、村（社区）党委只能审议"
    return None
