"""Who reads which audit: the scope of the audit browser and its exports, from the one policy
(cases.permissions.audit_orgs) — None for a user who may not read it (403)."""

from audit.models import VerifyRun
from audit.tabs import Scope
from branches.models import Role
from branches.permissions import role_grants
from cases.permissions import audit_orgs


def audit_scope(user) -> Scope | None:
    orgs = audit_orgs(user)
    if not orgs:
        return None
    county = any(g.role == Role.DEPARTMENT_AUDITOR for g in role_grants(user))
    return Scope(orgs=tuple(orgs), county=county)


def last_verification() -> VerifyRun | None:
    """When the audit trail was last verified, and the result (shown on the browser)."""
    return VerifyRun.objects.order_by("-started_at", "-pk").first()
