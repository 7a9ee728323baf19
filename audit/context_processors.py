"""The navigation's 审计 link: shown to those who may read the audit (cases.permissions.audit_orgs)."""

from cases.permissions import audit_orgs


def audit(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_audit": bool(audit_orgs(user))}
