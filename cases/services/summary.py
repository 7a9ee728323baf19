"""Save where a case stands (cases/standing.py): its summary columns, with a field-history row, and
its deadlines (services.case_deadlines) and the statistics' kept aggregates (cases.tallies), in the
caller's transaction."""

from django.utils import timezone

from cases import tallies
from cases.context import RuleContext, case_facts
from cases.models import Case
from cases.rules import CaseFacts
from cases.services.case_deadlines import sync_deadlines
from cases.standing import summarize


def refresh_summary(
    case: Case, user, reason: str, rules: RuleContext | None = None, facts: CaseFacts | None = None
) -> None:
    """Recompute and save the summary (with a field-history row by `user`, for `reason`), the
    case's deadlines and the tallies of its branch (cases.tallies.keep_for_cases)."""
    facts, rules = facts or case_facts(case), rules or RuleContext.current()
    summarize(case, facts, rules)
    case._history_user = user
    case._change_reason = reason
    case.updated_at = timezone.now()
    case.save()
    sync_deadlines(case, facts, rules)
    tallies.keep_for_cases([case], rules)
