"""The one table of dates (cases/rules/deadlines.py): each entry's date, each rule on both sides of
its entry's date, and the step statuses (earliest / due / hard limit) the case page and the list
read — an earliest date never shown or counted as a due date."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases import selectors
from cases.dates import add_months
from cases.filters import CaseFilterSet
from cases.rules import CaseFacts, PublicityFacts, deadlines, evaluate
from cases.rules.deadlines import PUBLICITY_END, TABLE, Kind
from demo.journey import advance
from tests import factories as f
from tests.cases.test_rules_codes import CALENDAR, TIMELINE, attempt, codes

d = dt.date
TODAY = d(2030, 1, 1)
EVERYTHING_2026 = d(2000, 1, 1)  # an effective date before every canonical step: all under 2026


def rule_set_2014(day: dt.date) -> str:
    return "2014"


def rule_set_2026(day: dt.date) -> str:
    return "2026"


def bounds(step: str, facts: CaseFacts, today=TODAY, rule_set_on=rule_set_2014):
    return deadlines.step_bounds(step, facts, today=today, rule_set_on=rule_set_on, add_workdays=CALENDAR.add)


# ---- the numbers ----------------------------------------------------------------------------------

START = d(2024, 1, 31)  # a month's end, so month arithmetic clamps
EXPECTED = {
    ("E01", "application"): d(2042, 1, 31),
    ("W01", "initial_talk"): d(2024, 2, 29),
    ("", "activist_cultivation"): d(2024, 7, 31),
    ("E04", "target_selection"): d(2025, 1, 31),
    ("W04", "admission_meeting"): d(2024, 2, 29),
    ("W06", "admission_meeting"): d(2025, 1, 31),
    ("", "committee_talk"): d(2024, 4, 30),
    ("W03", "admission_approval"): d(2024, 4, 30),
    ("E12", "admission_approval"): d(2024, 7, 31),
    ("W05", "oath"): d(2024, 2, 29),
    ("", "probation_education"): d(2024, 4, 30),  # the first quarterly 思想汇报
    ("", "conversion_application"): START,
    ("E10", "conversion_meeting"): START,
    ("W03", "conversion_approval"): d(2024, 4, 30),
    ("", "archiving"): d(2024, 2, 7),
    ("E14", "introducers_assigned"): d(2024, 2, 1),
}


WORKDAY_START = d(2024, 5, 31)  # Fri; Mon 3 … Thu 6 June make five working days


def test_it_ends_a_publicity_after_five_working_days():
    length = deadlines.rule("E14", PUBLICITY_END)
    assert length.date_from(WORKDAY_START, add_workdays=CALENDAR.add) == d(2024, 6, 6)
    # 2024-02-04 (a Sunday) was a 调休 working day before the Spring Festival.
    assert length.date_from(d(2024, 1, 31), add_workdays=CALENDAR.add) == d(2024, 2, 5)


def test_it_gives_every_entry_a_kind_a_rule_set_and_a_start():
    for deadline in TABLE:
        assert deadline.kind in Kind and deadline.rule_sets and set(deadline.rule_sets) <= {"2014", "2026"}
        assert deadline.after and deadline.steps


@pytest.mark.parametrize(("key", "expected"), EXPECTED.items(), ids=lambda v: str(v))
def test_it_dates_each_entry_from_its_start(key, expected):
    code, step = key
    deadline = next(x for x in TABLE if x.code == code and step in x.steps)
    assert deadline.date_from(START, add_workdays=CALENDAR.add) == expected


def test_it_covers_every_dated_step_of_the_regulations_once():
    bounded = {(x.code, s) for x in TABLE if x.after != PUBLICITY_END for s in x.steps}
    expected = {k for k in EXPECTED if k != ("E14", "introducers_assigned")} | {("E14", PUBLICITY_END)}
    assert bounded == expected
    assert {s for x in TABLE if x.code == "E14" and x.after == PUBLICITY_END for s in x.steps} == set(
        deadlines.AFTER_TARGET_FILING
    )


def test_it_finds_the_latest_start_already_overdue_across_month_ends():
    w03 = deadlines.rule("W03", "admission_approval")
    for today in (d(2024, 5, 1), d(2024, 5, 31), d(2024, 3, 1), d(2024, 2, 29)):
        latest = w03.latest_start_overdue(today)
        assert w03.date_from(latest) < today <= w03.date_from(latest + dt.timedelta(days=1))


# ---- each rule on both sides of its entry ------------------------------------------------------------

PUBLICITY = [PublicityFacts(d(2021, 3, 15), d(2021, 3, 19))]  # Mon–Fri: five working days
ENFORCED = [(x, s) for x in TABLE if x.code for s in x.steps if s != PUBLICITY_END]


def _side(deadline, step, on=None):
    effective = EVERYTHING_2026 if deadline.rule_sets == deadlines.ONLY_2026 else d(2099, 1, 1)
    first = attempt(step, effective=effective, facts={"publicities": PUBLICITY})
    day = deadlines.bound(deadline, first.case, CALENDAR.add)
    return day, (lambda on: attempt(step, on, effective=effective, facts={"publicities": PUBLICITY}))


@pytest.mark.parametrize(("deadline", "step"), ENFORCED, ids=lambda v: getattr(v, "code", v))
def test_each_rule_holds_exactly_at_its_table_date(deadline, step):
    day, at = _side(deadline, step)
    wrong = day - dt.timedelta(days=1) if deadline.kind == Kind.EARLIEST else day + dt.timedelta(days=1)
    assert deadline.code not in codes(at(day))
    found = [f for f in evaluate(at(wrong)) if f.code == deadline.code]
    assert found and found[0].date == day


def test_it_counts_the_publicity_length_in_working_days_from_the_table():
    after = dict(done={"target_filing": d(2024, 5, 30)}, effective=EVERYTHING_2026)
    five = attempt(
        "political_review",
        d(2024, 7, 1),
        facts={"publicities": [PublicityFacts(WORKDAY_START, d(2024, 6, 6))]},
        **after,
    )
    four = attempt(
        "political_review",
        d(2024, 7, 1),
        facts={"publicities": [PublicityFacts(WORKDAY_START, d(2024, 6, 5))]},
        **after,
    )
    assert "E14" not in codes(five)
    assert "E14" in codes(four)


def test_2026_only_entries_do_not_apply_under_2014():
    for code, step in (("W04", "admission_meeting"), ("W05", "oath")):
        deadline = deadlines.rule(code, step)
        day, _ = _side(deadline, step)
        late = attempt(step, day + dt.timedelta(days=1), effective=d(2099, 1, 1))
        assert code not in codes(late)


# ---- what the case page and the list read ------------------------------------------------------------


def facts(**done) -> CaseFacts:
    return CaseFacts(birth_date=d(1990, 5, 1), done={c: TIMELINE[c] for c in done.pop("upto", ())} | done)


def upto(code: str) -> tuple[str, ...]:
    keys = list(TIMELINE)
    return tuple(keys[: keys.index(code) + 1])


def test_the_conversion_meeting_has_an_earliest_date_and_no_due_date():
    case = facts(upto=upto("conversion_application"))
    case.probation_end = d(2022, 5, 20)
    meeting = bounds("conversion_meeting", case)
    assert meeting.earliest == d(2022, 5, 20) and meeting.due is None
    # The application before it is due by the probation end (and has no earliest beyond its prerequisite).
    before = facts(upto=upto("probation_education"))
    before.probation_end = d(2022, 5, 20)
    assert bounds("conversion_application", before).due == d(2022, 5, 20)


def test_the_admission_approval_is_due_at_3_months_and_refused_after_6():
    case = facts(upto=upto("committee_talk"))
    approval = bounds("admission_approval", case)
    assert approval.due == d(2021, 8, 20) and approval.limit == d(2021, 11, 20)
    talk = bounds("committee_talk", facts(upto=upto("admission_meeting")))
    assert talk.due == d(2021, 8, 20) and talk.limit is None


def test_the_admission_meeting_is_due_at_the_earlier_of_w04_and_w06():
    case = facts(upto=upto("application_form"))
    assert bounds("admission_meeting", case).due == d(2022, 4, 1)  # 2014: the review's year only
    assert bounds("admission_meeting", case, rule_set_on=rule_set_2026).due == d(2021, 6, 6)


def test_a_2026_due_date_applies_once_a_step_recorded_now_would_fall_under_2026():
    case = facts(upto=upto("admission_approval"))  # approved 2021-06-15: oath due 2021-07-15 under 2026
    effective = d(2021, 8, 1)

    def on(day):
        return "2026" if day >= effective else "2014"

    assert bounds("oath", case, today=d(2021, 7, 20), rule_set_on=on).due is None
    assert bounds("oath", case, today=d(2021, 8, 1), rule_set_on=on).due == d(2021, 7, 15)


def test_the_half_yearly_assessment_stays_due_until_it_is_recorded():
    case = facts(upto=upto("contacts_assigned"))  # activist since 2020-03-02
    for today in (d(2020, 6, 1), d(2020, 9, 2), d(2023, 1, 1)):
        assert bounds("activist_cultivation", case, today=today).due == d(2020, 9, 2)


def test_each_recorded_assessment_moves_the_next_one_half_a_year():
    case = facts(upto=upto("contacts_assigned"))
    case.entries["activist_cultivation:assessment"] = 2
    nxt = deadlines.bound(deadlines.for_step("activist_cultivation")[0], case)
    assert nxt == d(2021, 9, 2)
    assert bounds("activist_cultivation", case, today=d(2021, 1, 1)).due == d(2021, 9, 2)


def test_the_publicity_end_is_the_earliest_date_of_every_later_step():
    case = facts(upto=upto("target_filing"))
    case.publicities = PUBLICITY
    on_2026 = bounds("political_review", case, rule_set_on=rule_set_2026)
    assert on_2026.earliest == d(2021, 3, 20) and on_2026.due is None
    assert bounds("political_review", case).earliest == TIMELINE["target_filing"]  # a 2014 filing


def test_archiving_is_due_a_week_after_the_conversion_approval():
    case = facts(upto=upto("conversion_approval"))
    assert bounds("archiving", case).due == TIMELINE["conversion_approval"] + dt.timedelta(days=7)


def test_the_probation_runs_a_year_and_an_extension_counts_from_its_end():
    assert deadlines.probation_end(d(2024, 2, 29)) == d(2025, 2, 28)
    assert deadlines.extended_probation_end(d(2025, 2, 28), 6) == add_months(d(2025, 2, 28), 6)


# ---- the list, the 工作台 and the case page agree ----------------------------------------------------


@pytest.mark.django_db
def test_the_list_the_dashboard_and_the_case_page_agree_on_a_conversion_meeting(
    client, county, secretary, crew
):

    today = timezone.localdate()
    probe = f.new_case(county.branch, secretary, applied_on=today - dt.timedelta(days=1000))
    advance(probe, crew, until="admission_meeting")
    offset = probe.probation_start - probe.applied_on
    # Probation ends a week from today: the application is already in, the meeting not yet possible.
    case = f.new_case(
        county.branch, secretary, applied_on=today + dt.timedelta(days=7) - offset - dt.timedelta(days=365)
    )
    advance(case, crew, until="conversion_application")
    end = case.probation_end
    assert today < end <= today + dt.timedelta(days=14)
    assert case.next_step == "conversion_meeting"
    assert case.next_due is None and case.next_earliest == end

    client.force_login(secretary)
    shown = end.isoformat()
    listed = client.get(reverse("cases:list")).content.decode()
    assert f"{shown} 起" in listed and f"{shown} 前" not in listed
    dashboard = client.get(reverse("cases:dashboard"))
    listed = [*dashboard.context["overdue"], *dashboard.context["due_soon"]]  # the reminders' lists
    assert case.pk not in [d.case_id for d in listed]
    page = client.get(case.get_absolute_url())
    [row] = [r for r in page.context["rows"] if r.step.code == "conversion_meeting"]
    assert row.status.earliest == end and row.status.due is None
    assert f"最早可于 {shown}" in page.content.decode()
    assert f"应于 {shown} 前办理" not in page.content.decode()


@pytest.mark.django_db
def test_an_activist_whose_first_assessment_passed_stays_overdue_on_the_list(county, secretary, crew):

    case = advance(f.new_case(county.branch, secretary), crew, until="contacts_assigned")
    activist_on = case.records.get(step="activist_selection", is_current=True).on
    assert case.next_step == "activist_cultivation"
    assert case.next_due == add_months(activist_on, 6)
    overdue = CaseFilterSet(
        {"overdue": "1"}, selectors.case_list(secretary), branches=selectors.visible_branches(secretary)
    )
    assert case in overdue.qs
