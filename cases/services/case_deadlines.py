"""The case's deadlines saved (cases.CaseDeadline): what cases.standing.open_deadlines finds on
the table of dates, with where each waits and who answers for it. Called by the write path in the
same transaction as the summary (services.summary.refresh_summary) and built the same way for the
bulk writer (services.history.complete_history → services.backfill), so the reminders read
exactly what the case page shows.

A deadline no longer open keeps its row, met on the day it stopped being open (the case's outcome
date when the case ended); one that opens again (a step's record replaced) is open again."""

from django.utils import timezone

from branches.models import Organization, OrgKind, Role
from cases import steps
from cases.models import Case, CaseDeadline, Submission, SubmissionStatus
from cases.rules import CaseFacts
from cases.standing import OpenDeadline, open_deadlines

_REVIEWER_KINDS = (OrgKind.GENERAL_BRANCH, OrgKind.VILLAGE_COMMITTEE)
_FIELDS = ("step", "rule", "kind", "title", "due_on", "org", "role", "met_on")
_COLUMNS = ("step", "rule", "kind", "title", "due_on", "org_id", "role", "met_on")


def waiting_at(case: Case, step: steps.Step, waiting: dict[str, Organization]) -> tuple[Organization, Role]:
    """Where a step waits and the role that answers for it there. A committee step waits where its
    report is (`waiting`: report kind → organization, from pending submissions): at a 党总支/村党委
    for its reviewers, at the committee for its officers; not yet reported, at the branch."""
    if step.is_committee_step:
        at = waiting.get(steps.SUBMISSION_TARGET.get(step.code, step.code))
        if at is not None:
            return at, Role.REVIEWER if at.kind in _REVIEWER_KINDS else Role.COMMITTEE_OFFICER
    return case.branch, Role.BRANCH_SECRETARY


def build_deadlines(
    case: Case, found: list[OpenDeadline], waiting: dict[str, Organization] | None = None
) -> list[CaseDeadline]:
    """The rows for `found` (unsaved)."""
    rows = []
    for item in found:
        org, role = waiting_at(case, steps.get(item.step), waiting or {})
        rows.append(
            CaseDeadline(
                case=case,
                key=item.key,
                step=item.step,
                rule=item.rule,
                kind=str(item.kind),
                title=item.title,
                due_on=item.due_on,
                org=org,
                role=role,
            )
        )
    return rows


def pending_reports(case: Case) -> dict[str, Organization]:
    """Report kind → the organization where it waits, for the case's pending submissions."""
    pending = Submission.objects.filter(case=case, status=SubmissionStatus.PENDING).select_related("at_org")
    return {s.step: s.at_org for s in pending}


def sync_deadlines(case: Case, facts: CaseFacts, rules) -> None:
    """Save the case's deadlines as they stand on `rules.today` (call inside the write's transaction)."""
    found = open_deadlines(case, facts, rules)
    waiting = pending_reports(case) if any(steps.get(f.step).is_committee_step for f in found) else {}
    wanted = {row.key: row for row in build_deadlines(case, found, waiting)}
    existing = {row.key: row for row in CaseDeadline.objects.filter(case=case)}
    new = [row for key, row in wanted.items() if key not in existing]
    met_on = rules.today if case.is_open else case.outcome_on or rules.today
    changed = []
    for key, row in existing.items():
        target = wanted.get(key)
        if target is None:
            if row.met_on is None:
                row.met_on = met_on
                changed.append(row)
        elif any(getattr(row, f) != getattr(target, f) for f in _COLUMNS):
            for f in _COLUMNS:
                setattr(row, f, getattr(target, f))
            changed.append(row)
    for row in changed:
        row.updated_at = timezone.now()
    if new:
        CaseDeadline.objects.bulk_create(new)
    if changed:
        CaseDeadline.objects.bulk_update(changed, [*_FIELDS, "updated_at"])


def resync_deadlines(*, include_closed: bool = False) -> int:
    """Bring every (open) case's deadlines up to date with the table of dates, each case in its own
    short transaction: after the table, the calendar or the rule settings changed (the
    sync_deadlines command, and cases.tasks after an edit of a holiday or of the settings).
    Returns the number of cases."""
    from django.db import transaction

    from cases.context import RuleContext, case_facts

    rules = RuleContext.current()
    cases = Case.objects.select_related("person", "branch").order_by("pk")
    if not include_closed:
        cases = cases.filter(outcome="")
    done = 0
    for case in cases.iterator(chunk_size=500):
        with transaction.atomic():
            sync_deadlines(case, case_facts(case), rules)
        done += 1
    return done
