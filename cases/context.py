"""The facts the rules read about a case (from the database; the importer builds them from a row),
and the context every evaluation of one write shares: settings, working-day calendar, today."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from branches.selectors import has_branch_committee
from cases.models import (
    Case,
    Material,
    MaterialWaiver,
    Meeting,
    PeriodicEntry,
    Publicity,
    RuleSettings,
    StepRecord,
)
from cases.rules import CaseFacts, PublicityFacts, deadlines
from cases.workdays import WorkdayCalendar


def rule_settings() -> RuleSettings:
    settings_row = RuleSettings.objects.first()
    return settings_row or RuleSettings()


def rule_set_on(day: dt.date, settings_row: RuleSettings) -> str:
    return "2026" if day >= settings_row.rules_2026_effective else "2014"


@dataclass
class RuleContext:
    """What every decision of one write reads besides the case: settings, calendar, today."""

    settings_row: RuleSettings
    calendar: WorkdayCalendar
    today: dt.date
    _committees: dict[int, bool] = field(default_factory=dict)
    _meetings: dict[tuple, dict] = field(default_factory=dict)  # (org id, body) → {day: meeting}

    @classmethod
    def current(cls, today: dt.date | None = None) -> "RuleContext":
        return cls(rule_settings(), WorkdayCalendar(), today or timezone.localdate())

    def rule_set_on(self, day: dt.date) -> str:
        return rule_set_on(day, self.settings_row)

    def is_2026(self, day: dt.date) -> bool:
        return self.rule_set_on(day) == "2026"

    def has_committee(self, branch) -> bool:
        if branch.pk not in self._committees:
            self._committees[branch.pk] = has_branch_committee(branch)
        return self._committees[branch.pk]

    def meeting_on(self, org, body: str, day: dt.date):
        """The organization's meeting of that kind on that day: recorded (read once per
        organization and kind), or brought by a step decided before in this write (`keep_meeting`)."""
        if org.pk is None:  # a stand-in organization of an import's check: nothing is recorded
            return None
        return self._meetings_of(org, body).get(day)

    def keep_meeting(self, meeting) -> None:
        """A meeting a step brings, which later steps of the same write reuse (entered once)."""
        if meeting.org.pk is not None:
            self._meetings_of(meeting.org, meeting.body)[meeting.held_on] = meeting

    def _meetings_of(self, org, body: str) -> dict:
        key = (org.pk, body)
        if key not in self._meetings:
            fields = ("pk", "org_id", "body", "held_on", "entitled", "present")
            recorded = Meeting.objects.filter(org_id=org.pk, body=body).only(*fields).order_by()
            self._meetings[key] = {m.held_on: m for m in recorded}
            for meeting in self._meetings[key].values():
                meeting.org = org
        return self._meetings[key]


def case_facts(
    case: Case, records: list[StepRecord] | None = None, publicities=None, materials: set[str] | None = None
) -> CaseFacts:
    if records is None:
        records = list(case.records.filter(is_current=True))
    if publicities is None:
        publicities = list(Publicity.objects.filter(case=case))
    person = case.person
    facts = CaseFacts(
        birth_date=person.birth_date,
        gender=person.gender,
        id_number=person.id_number,
        is_league_member=person.is_league_member,
        publicities=[publicity_facts(p) for p in publicities],
    )
    follow_case(facts, case)
    for record in records:
        add_record(facts, record)
    facts.entries = periodic_entries(case, facts.done)
    facts.materials = materials_on_file(case) if materials is None else materials
    return facts


def materials_on_file(case: Case) -> set[str]:
    """The checklist items ("step:item") the case holds, by a scan or a waiver: one query."""
    if case.pk is None:
        return set()
    # no ordering in a UNION's parts (SQLite refuses it; the models' Meta.ordering would add one)
    scans = Material.objects.filter(case=case).exclude(item="").order_by().values_list("step", "item")
    waived = MaterialWaiver.objects.filter(case=case).order_by().values_list("step", "item")
    return {f"{step}:{item}" for step, item in scans.union(waived)}


def follow_case(facts: CaseFacts, case: Case) -> None:
    """The facts that are columns of the case, as the case now has them."""
    facts.league_recommended_on = case.league_recommended_on
    facts.leaving_unit_on = case.leaving_unit_on
    facts.extensions_so_far = 1 if case.extension_months else 0
    facts.probation_end = case.probation_end


def add_record(facts: CaseFacts, record) -> None:
    """A current record of a step (a StepRecord, or a draft of one decided in the same history)."""
    facts.done[record.step] = record.on
    facts.data[record.step] = record.data
    facts.rule_sets[record.step] = record.rule_set


def drop_record(facts: CaseFacts, step: str) -> None:
    """A step whose record is no longer current (reopened by 延长预备期)."""
    for known in (facts.done, facts.data, facts.rule_sets):
        known.pop(step, None)


def publicity_facts(publicity: Publicity) -> PublicityFacts:
    return PublicityFacts(publicity.start_on, publicity.end_on, publicity.objections_resolved)


# The steps whose dated entries a repeating deadline counts, and the step that starts them.
_COUNTED_STEPS = {
    step: deadline.after for deadline in deadlines.TABLE if deadline.counts for step in deadline.steps
}


def periodic_entries(case: Case, done: dict) -> dict[str, int]:
    """How many dated entries each open counted step has ("activist_cultivation:assessment" → n);
    no query unless such a step has started and is not yet recorded."""
    open_steps = [s for s, start in _COUNTED_STEPS.items() if start in done and s not in done]
    if not open_steps or case.pk is None:
        return {}
    rows = (
        PeriodicEntry.objects.filter(case=case, step__in=open_steps)
        .values_list("step", "entry")
        .annotate(n=Count("pk"))
    )
    return {f"{step}:{entry}": n for step, entry, n in rows}
