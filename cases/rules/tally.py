"""E09's one tally policy, as data: which decisions need a recorded tally, what the desk proposes
for the officer to confirm, and what stands for the tally of a backfilled 党委会 decision.

- Every step whose record keeps a vote (`steps.Field.VOTE`: the 支部大会 admitting or converting,
  the 党委会 approving either) needs a recorded tally — its meeting and its vote — or E09 blocks
  it. The step form asks for it; the desk proposes one per person and records only a tally the
  officer has seen and submitted; the import reads it from the tally columns.
- The desk's proposal is a unanimous yes of the members present (`proposed`), shown in each row
  for the officer to correct. Nothing assumes a tally it did not show.
- The import template (product.md §6, a contract) has tally columns for the 支部大会 only. A
  backfilled 党委会 decision (党委审批日期, 转正审批日期) is recorded as what its 批复 attests: the
  committee approved on that date; the tally stays in the committee's minutes of the time
  (`BACKFILLED_BY_OUTCOME`). A tally that is given is judged all the same.
"""

from cases import steps
from cases.rules.facts import MeetingFacts, VoteFacts

TALLIED: frozenset[str] = frozenset(s.code for s in steps.STEPS if steps.Field.VOTE in s.fields)

# Tallied decisions a backfill records from their outcome (the 批复's date) alone.
BACKFILLED_BY_OUTCOME: frozenset[str] = frozenset(
    code for code in TALLIED if steps.get(code).body == steps.Body.PARTY_COMMITTEE
)


def tally_required(step: steps.Step, *, backfilled: bool) -> bool:
    """Whether recording `step` needs a tally: live, always for a tallied step; backfilled, unless
    the import template has no tally for it."""
    return step.code in TALLIED and not (backfilled and step.code in BACKFILLED_BY_OUTCOME)


def proposed(meeting: MeetingFacts) -> VoteFacts:
    """What the desk pre-fills and shows for one person: every member present voted yes."""
    return VoteFacts(yes=meeting.present)
