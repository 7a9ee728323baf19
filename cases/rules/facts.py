"""Plain facts the rules read: built from the database by the write path, or from an Excel row
by the importer, so both go through the same rule code.

The invariants of a fact live on it, once: `problems()` answers in Chinese what makes the fact
impossible (a meeting with more present than entitled, a 公示 ending before it starts, a return
without a reason). Forms' clean(), the services, the importer and the desk all call it; these are
input errors, not rules, so they carry no E/W code and block before any rule is judged.
"""

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from cases.steps import Step, required_materials


@dataclass(frozen=True)
class MemberFacts:
    name: str
    is_full: bool
    under_party_probation: bool  # 留党察看, rights not yet restored on the step's date
    on_roster: bool = True
    in_sanction_impact_period: bool = False  # 警告/严重警告/撤销党内职务 not yet ended on the step's date


class Problem(NamedTuple):
    """One impossible value: the part it is about (a field of the fact) and why, in Chinese."""

    part: str
    message: str

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class VoteFacts:
    yes: int
    no: int = 0
    abstain: int = 0
    written_yes: int = 0
    written_no: int = 0


@dataclass(frozen=True)
class MeetingFacts:
    entitled: int
    present: int
    held_on: dt.date | None = None

    def problems(self, vote: VoteFacts | None = None) -> list[Problem]:
        """The counts of the meeting, and of a vote taken at it, that cannot be (parts: entitled,
        present, yes, written)."""
        if self.entitled <= 0:
            return [Problem("entitled", "应到会有表决权人数须大于零")]
        if self.present > self.entitled:
            return [Problem("present", f"实到人数 {self.present} 不能多于应到人数 {self.entitled}")]
        found = []
        if vote is not None:
            cast = vote.yes + vote.no + vote.abstain
            if cast > self.present:
                what = "赞成、反对、弃权合计" if vote.no or vote.abstain else "赞成"
                found.append(Problem("yes", f"{what} {cast} 票，多于实到人数 {self.present}"))
            if vote.written_yes + vote.written_no > self.entitled - self.present:
                found.append(
                    Problem("written", "书面意见只能来自因故未到会的有表决权党员，人数不能多于未到会人数")
                )
        return found


@dataclass(frozen=True)
class PublicityFacts:
    start_on: dt.date
    end_on: dt.date
    objections_resolved: bool = True

    def problems(self) -> list[Problem]:
        """Parts: end_on."""
        if self.end_on < self.start_on:
            return [Problem("end_on", f"公示结束日期 {self.end_on} 不能早于开始日期 {self.start_on}")]
        return []


@dataclass(frozen=True)
class ReturnFacts:
    """A report sent back to the branch: the branch sees the reason, so there must be one."""

    reason: str

    @property
    def text(self) -> str:
        return (self.reason or "").strip()

    def problems(self) -> list[Problem]:
        """Parts: reason."""
        return [] if self.text else [Problem("reason", "退回须填写理由，理由党支部可见")]


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
    # Dated entries recorded under an open step ("activist_cultivation:assessment" → how many).
    entries: dict[str, int] = field(default_factory=dict)
    # Checklist items the file holds ("step:item"), by a scan or by a waiver with its reason (E15).
    materials: set[str] = field(default_factory=set)

    def missing_materials(self) -> list:
        """The required materials of the steps done that the file holds neither as a scan nor waived
        (steps.MaterialSpec with its step), in the 细则's order."""
        return [(s, m) for s, m in required_materials(self.done) if f"{s.code}:{m.key}" not in self.materials]


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
    note: str = ""  # the 说明 recorded with the step (a cancellation's reason, E10)
    is_2026_date: object = None  # callable(date) -> bool, to judge other steps' rule sets
    workdays_between: object = None  # callable(start, end) -> int (inclusive)
    # Backfilled from an import: what a tally must be then is cases.rules.tally's policy.
    historical: bool = False
