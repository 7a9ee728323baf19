"""Rules as data: which checks apply to which step, and the one function that runs them."""

from cases.rules import checks as c
from cases.rules.facts import Attempt
from cases.rules.findings import Finding

# Checks every step gets, in this order.
EVERY_STEP = (c.check_order, c.check_authority, c.check_publicity)

BY_STEP = {
    "application": (c.check_identity, c.check_age),
    "initial_talk": (c.check_talk_within_month,),
    "activist_selection": (c.check_league_recommendation, c.check_optional_vote),
    "contacts_assigned": (c.check_contacts,),
    "target_selection": (c.check_cultivation_year, c.check_optional_vote),
    "introducers_assigned": (c.check_introducers,),
    "branch_committee_review": (c.check_optional_vote,),
    "pre_review": (c.check_leaving_unit,),
    "admission_meeting": (
        c.check_political_review,
        c.check_training,
        c.check_vote,
        c.check_meeting_after_pre_review,
        c.check_review_freshness,
        c.check_leaving_unit,
    ),
    "admission_approval": (c.check_approval_deadline, c.check_vote, c.check_leaving_unit),
    "oath": (c.check_oath_within_month,),
    "conversion_meeting": (c.check_conversion_meeting, c.check_vote),
    "conversion_approval": (c.check_approval_deadline, c.check_vote),
    "archiving": (c.check_materials,),
}


# What evaluate runs on each step (EVERY_STEP, then the step's own).
CHECKS = {code: EVERY_STEP + checks for code, checks in BY_STEP.items()}


def evaluate(attempt: Attempt) -> list[Finding]:
    found: list[Finding] = []
    for check in CHECKS.get(attempt.step.code, EVERY_STEP):
        found.extend(check(attempt))
    if len(found) > 1:
        found.sort(key=_code)
    return found


def _code(finding: Finding) -> str:
    return finding.code


def blocks(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if f.blocks]


def warnings(findings: list[Finding]) -> list[Finding]:
    return [f for f in findings if not f.blocks]
