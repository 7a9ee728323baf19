"""Plain facts the rules read: built from the database by the write path, or from an Excel row
by the importer, so both go through the same rule code."""

import datetime as dt
from dataclasses import dataclass, field

from cases.steps import Step


@dataclass(frozen=True)
class MemberFacts:
    name: str
    is_full: bool
    under_party_probation: bool  # 留党察看, rights not yet restored on the step's date
    on_roster: bool = True
    in_sanction_impact_period: bool = False  # 警告/严重警告/撤销党内职务 not yet ended on the step's date


@dataclass(frozen=True)
class MeetingFacts:
    entitled: int
    present: int
    held_on: dt.date | None = None


@dataclass(frozen=True)
class VoteFacts:
    yes: int
    no: int = 0
    abstain: int = 0
    written_yes: int = 0
    written_no: int = 0


@dataclass(frozen=True)
class PublicityFacts:
    start_on: dt.date
    end_on: dt.date
    objections_resolved: bool = True


@dataclass
class CaseFacts:
    birth_date: dt.date
    gender: str = ""
    id_number: str = ""
    is_league_member: bool = False
    league_recommended_on: dt.date | None = None
    leaving_unit_on: dt.date | None = None
    done: dict[str, dt.date] = field(default_factory=dict)  # step code → date
    data: dict[str, dict] = field(default_factory=dict)  # step code → record data
    rule_sets: dict[str, str] = field(default_factory=dict)  # step code → rule set of its record
    publicities: list[PublicityFacts] = field(default_factory=list)
    extensions_so_far: int = 0
    probation_end: dt.date | None = None


@dataclass
class Attempt:
    """One step about to be recorded, and everything the rules need to judge it."""

    step: Step
    on: dt.date
    case: CaseFacts
    today: dt.date
    rule_set: str  # "2014" or "2026", by the step's date
    rules_2026_confirmed: bool = False
    acting_org_can_approve: bool | None = None  # None: not judged (e.g. historical import)
    acting_org_is_department: bool | None = None
    contacts: list[MemberFacts] | None = None
    introducers: list[MemberFacts] | None = None
    meeting: MeetingFacts | None = None
    vote: VoteFacts | None = None
    data: dict = field(default_factory=dict)
    is_2026_date: object = None  # callable(date) -> bool, to judge other steps' rule sets
    workdays_between: object = None  # callable(start, end) -> int (inclusive)
    # Backfilled from an import: a committee decision may come without its 党委会 tally (the tally
    # is the committee's own record, not a column of the import template); a recorded tally is judged.
    historical: bool = False
