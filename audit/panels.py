"""What the audit desk contributes to the case file's page (cases.panels): a link to the case's whole
history, for those who read the audit of its branch (cases.permissions.audit_answer)."""

from cases import panels
from cases.permissions import audit_answer


def case_history_link(request, case):
    if not audit_answer(request.user, case.branch):
        return None
    return "audit/_case_link.html", {"case": case}


def register() -> None:
    panels.register(panels.CASE_PAGE, case_history_link)
