"""Every code through the one write path: a block raises StepBlocked with the code and leaves no
trace; a warning raises WarningsNeedReason without a reason and goes through with one, the reason
kept in the event trail."""

import datetime as dt

import pytest

from branches.models import MemberStatus, PartyMember, Role, Sanction
from branches.services import grant_role
from cases import services
from cases.dates import add_months, add_years
from cases.models import Case, CaseEvent, Person, Publicity, StepRecord
from cases.rules import VoteFacts
from cases.services import InvalidInput, StepBlocked, WarningsNeedReason
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db

d = dt.date


def codes(exc_info) -> list[str]:
    return sorted({finding.code for finding in exc_info.value.findings})


def message(exc_info, code: str) -> str:
    return "；".join(x.message for x in exc_info.value.findings if x.code == code)


def on_of(case, code: str) -> dt.date:
    return StepRecord.objects.get(case=case, step=code, is_current=True).on


def last_event(case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).order_by("-pk").first()


def world_counts() -> tuple:
    return Person.objects.count(), Case.objects.count(), StepRecord.objects.count(), CaseEvent.objects.count()


def warned_then_reasoned(case, unchanged, kit, crew, code, on, expected, reason="特殊情况说明", **overrides):
    """Without a reason the step is refused untouched; with one it is recorded with the reason."""
    with unchanged(case), pytest.raises(WarningsNeedReason) as exc:
        kit.do(case, code, on, crew, **overrides)
    assert sorted({x.code for x in exc.value.findings}) == [expected]
    record = kit.do(case, code, on, crew, warning_reason=reason, **overrides)
    event = last_event(case)
    assert event.step == code and record.step == code
    assert [(w["code"], w["reason"]) for w in event.warnings] == [(expected, reason)]
    return exc.value.findings[0], event


# ---- E01 / E02 at opening ------------------------------------------------------------------------


def test_it_refuses_to_open_a_case_for_an_applicant_one_day_short_of_18(county, secretary):
    person = f.person(birth=d(2005, 3, 15))
    before = world_counts()
    with pytest.raises(StepBlocked) as exc:
        services.open_case(branch=county.branch, person=person, applied_on=d(2023, 3, 14), actor=secretary)
    assert codes(exc) == ["E01"]
    assert "最早可于 2023-03-15" in message(exc, "E01") and "党章第一条" in message(exc, "E01")
    assert world_counts() == before

    case = services.open_case(branch=county.branch, person=person, applied_on=d(2023, 3, 15), actor=secretary)
    assert on_of(case, "application") == d(2023, 3, 15)


@pytest.mark.parametrize(
    ("change", "says"),
    [
        (
            lambda p: {**p, "id_number": p["id_number"][:-1] + ("1" if p["id_number"][-1] != "1" else "2")},
            "校验位",
        ),
        (lambda p: {**p, "birth_date": d(1995, 3, 16)}, "出生日期"),
        (lambda p: {**p, "gender": "F"}, "性别"),
    ],
    ids=["checksum", "birth_date", "gender"],
)
def test_it_refuses_to_open_a_case_with_an_inconsistent_id_number(county, secretary, change, says):
    person = change(f.person(birth=d(1995, 3, 15), gender="M"))
    before = world_counts()
    with pytest.raises(InvalidInput) as exc:
        services.open_case(branch=county.branch, person=person, applied_on=d(2023, 3, 15), actor=secretary)
    assert str(exc.value).startswith("E02") and says in str(exc.value)
    assert world_counts() == before


# ---- E03 -----------------------------------------------------------------------------------------


def test_it_blocks_a_step_dated_before_its_prerequisite(case, crew, kit, unchanged):
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "initial_talk", d(2023, 1, 9), crew)
    assert codes(exc) == ["E03"] and "最早可于 2023-01-10" in message(exc, "E03")
    assert "《细则》" in message(exc, "E03")
    kit.do(case, "initial_talk", d(2023, 1, 10), crew)


def test_it_blocks_a_step_dated_in_the_future(case, crew, kit, unchanged, pinned_today):
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "initial_talk", pinned_today + dt.timedelta(days=1), crew)
    assert codes(exc) == ["E03"]
    assert f"晚于今天（{pinned_today}）" in message(exc, "E03")


def test_it_blocks_a_step_whose_prerequisite_is_missing(case, crew, kit, unchanged):
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "activist_selection", d(2023, 2, 1), crew)
    assert codes(exc) == ["E03"] and "须先完成「党组织派人谈话」" in message(exc, "E03")


# ---- E04 -----------------------------------------------------------------------------------------


def test_it_blocks_target_selection_until_a_full_year_of_cultivation(case, crew, kit, unchanged):
    advance(case, crew, until="activist_cultivation")
    year = add_years(case.activist_on, 1)
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "target_selection", year - dt.timedelta(days=1), crew)
    assert codes(exc) == ["E04"]
    assert f"最早可于 {year}" in message(exc, "E04") and "《细则》第十三条" in message(exc, "E04")
    kit.do(case, "target_selection", year, crew)
    case.refresh_from_db()
    assert case.stage == "target"


# ---- E05 -----------------------------------------------------------------------------------------


def test_it_refuses_introducers_who_are_not_two_full_members_in_good_standing(
    county, case, crew, kit, unchanged
):
    advance(case, crew, until="target_filing")
    on = on_of(case, "target_filing") + dt.timedelta(days=5)
    a, b, c = PartyMember.objects.filter(branch=county.branch, status=MemberStatus.FULL)[:3]
    probationary = PartyMember.objects.create(
        branch=county.branch, name="预备甲", status=MemberStatus.PROBATIONARY
    )
    sanctioned = PartyMember.objects.create(
        branch=county.branch,
        name="察看乙",
        sanction=Sanction.PROBATION_IN_PARTY,
        sanction_until=on + dt.timedelta(days=30),
    )
    open_ended = PartyMember.objects.create(
        branch=county.branch, name="察看丙", sanction=Sanction.PROBATION_IN_PARTY
    )
    other_branch = PartyMember.objects.filter(branch=county.other_branch).first()
    refused = {
        "one": ([a], "现为 1 名"),
        "three": ([a, b, c], "现为 3 名"),
        "probationary": ([a, probationary], "预备甲 不是正式党员"),
        "留党察看": ([a, sanctioned], "留党察看"),
        "留党察看 without an end date": ([a, open_ended], "察看丙"),
        "another branch": ([a, other_branch], other_branch.name),
    }
    for label, (people, says) in refused.items():
        with unchanged(case), pytest.raises(StepBlocked) as exc:
            kit.do(case, "introducers_assigned", on, crew, introducers=people)
        assert codes(exc) == ["E05"], label
        assert says in message(exc, "E05") and "《细则》第十四条" in message(exc, "E05"), label

    sanctioned.sanction_until = on - dt.timedelta(days=1)  # rights restored before the step
    sanctioned.save()
    record = kit.do(case, "introducers_assigned", on, crew, introducers=[a, sanctioned])
    assert set(record.people.all()) == {a, sanctioned}


# ---- E06 -----------------------------------------------------------------------------------------


def test_it_refuses_contacts_who_are_not_one_or_two_full_members(county, case, crew, kit, unchanged):
    advance(case, crew, until="activist_selection")
    on = case.activist_on + dt.timedelta(days=1)
    full = list(PartyMember.objects.filter(branch=county.branch, status=MemberStatus.FULL)[:3])
    probationary = PartyMember.objects.create(
        branch=county.branch, name="预备丙", status=MemberStatus.PROBATIONARY
    )
    for people, says in (([], "现为 0 名"), (full, "现为 3 名"), ([probationary], "预备丙 不符合")):
        with unchanged(case), pytest.raises(StepBlocked) as exc:
            kit.do(case, "contacts_assigned", on, crew, contacts=people)
        assert (
            codes(exc) == ["E06"] and says in message(exc, "E06") and "《细则》第九条" in message(exc, "E06")
        )
    record = kit.do(case, "contacts_assigned", on, crew, contacts=full[:1])
    assert list(record.people.all()) == full[:1]


# ---- E07 / E08 / W07 / E09 at the admission meeting ----------------------------------------------


def to_application_form(case, crew, kit, **step_data):
    """Bring a case to just before the admission meeting, with chosen records for steps 10–11."""
    advance(case, crew, until="target_filing")
    on = on_of(case, "target_filing") + dt.timedelta(days=10)
    for code, data in step_data.items():
        kit.do(case, code, on, crew, data=data)
    advance(case, crew, until="application_form")
    return on_of(case, "application_form") + dt.timedelta(days=5)


def test_it_blocks_the_admission_meeting_after_a_failed_political_review(case, crew, kit, unchanged):
    on = to_application_form(case, crew, kit, political_review={"conclusion": "不合格"})
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "admission_meeting", on, crew)
    assert (
        codes(exc) == ["E07"]
        and "不合格" in message(exc, "E07")
        and "《细则》第十六条" in message(exc, "E07")
    )


def test_it_blocks_the_admission_meeting_after_short_training(case, crew, kit, unchanged):
    on = to_application_form(case, crew, kit, intensive_training={"days": 2, "hours": 23})
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "admission_meeting", on, crew)
    assert codes(exc) == ["E08"] and "现为 2 天、23 学时" in message(exc, "E08")
    assert "《细则》第十七条" in message(exc, "E08")


def test_it_lets_an_exempted_training_through_only_with_a_reason(case, crew, kit, unchanged):
    training = {"days": 2, "hours": 16, "exemption_reason": "驻外执行任务，经党委同意个别补训"}
    on = to_application_form(case, crew, kit, intensive_training=training)
    finding, event = warned_then_reasoned(case, unchanged, kit, crew, "admission_meeting", on, "W07")
    assert "驻外执行任务" in finding.message and "《细则》第十七条" in finding.message
    assert event.warnings[0]["message"] == finding.message


def test_it_blocks_an_admission_meeting_that_fails_the_vote(case, crew, kit, unchanged):
    first = to_application_form(case, crew, kit)
    # each meeting on a day of its own: a meeting is entered once, with one 实到
    for day, (present, vote, says) in enumerate(
        (
            (4, VoteFacts(yes=4), "会议无效"),  # exactly half of N=8 present
            (8, VoteFacts(yes=4, no=4), "表决未通过"),  # exactly half voting yes
            (6, VoteFacts(yes=3, no=3, written_yes=1), "表决未通过"),
        )
    ):
        with unchanged(case), pytest.raises(StepBlocked) as exc:
            kit.do(
                case, "admission_meeting", first + dt.timedelta(days=day), crew, present=present, vote=vote
            )
        assert codes(exc) == ["E09"] and says in message(exc, "E09")
        assert "《细则》第二十条、第二十一条" in message(exc, "E09")
    # Two written yes opinions from absent members carry the vote: 3 + 2 > 8 / 2.
    on = first + dt.timedelta(days=3)
    kit.do(case, "admission_meeting", on, crew, present=6, vote=VoteFacts(yes=3, no=3, written_yes=2))
    case.refresh_from_db()
    assert case.probation_end == add_years(on, 1)
    assert case.votes.get(step="admission_meeting").written_yes == 2


# ---- E10 / E11 -----------------------------------------------------------------------------------


def test_it_blocks_the_conversion_meeting_before_the_probation_end(case, crew, kit, unchanged):
    advance(case, crew, until="conversion_application")
    end = case.probation_end
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "conversion_meeting", end - dt.timedelta(days=1), crew)
    assert codes(exc) == ["E10"] and f"最早可于 {end}" in message(exc, "E10")
    assert "党章第七条" in message(exc, "E10")
    kit.do(case, "conversion_meeting", end, crew)


def test_it_refuses_an_extension_shorter_than_6_or_longer_than_12_months(case, crew, kit, unchanged):
    advance(case, crew, until="conversion_application")
    end = case.probation_end
    for months in (5, 13):
        with unchanged(case), pytest.raises(StepBlocked) as exc:
            kit.do(
                case,
                "conversion_meeting",
                end,
                crew,
                data={"resolution": "extend", "extension_months": months},
            )
        assert codes(exc) == ["E11"] and f"现为 {months} 个月" in message(exc, "E11")
        assert "党章第七条" in message(exc, "E11")
    kit.do(case, "conversion_meeting", end, crew, data={"resolution": "extend", "extension_months": 12})


# ---- E12 / W03 -----------------------------------------------------------------------------------


def test_it_blocks_approval_more_than_6_months_after_the_meeting_and_warns_after_3(
    case, crew, kit, unchanged
):
    advance(case, crew, until="committee_talk")
    met = on_of(case, "admission_meeting")
    six = add_months(met, 6)
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "admission_approval", six + dt.timedelta(days=1), crew)
    assert codes(exc) == ["E12"] and f"应于 {six} 前审批" in message(exc, "E12")
    assert "《细则》第二十六条" in message(exc, "E12")

    finding, _ = warned_then_reasoned(
        case, unchanged, kit, crew, "admission_approval", six, "W03", reason="外调函未复"
    )
    assert f"应于 {add_months(met, 3)} 前审批" in finding.message and "特殊情况" in finding.message
    case.refresh_from_db()
    assert case.stage == "probationary"


# ---- E13 -----------------------------------------------------------------------------------------


def test_it_blocks_a_committee_step_by_an_officer_of_a_general_branch(
    county, secretary_under_reviewer, reviewer, officer, general_crew, unchanged
):
    general_officer = f.user("general_officer", first_name="冯委员")
    grant_role(user=general_officer, role=Role.COMMITTEE_OFFICER, org=county.general)  # allowed on purpose
    case = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=d(2023, 2, 1))
    advance(case, general_crew, until="activist_selection")
    on = case.activist_on + dt.timedelta(days=5)
    submission = services.submit(
        case=case, step_code="activist_filing", on=on, actor=secretary_under_reviewer
    )
    assert submission.at_org == county.general

    given = services.StepInput(on=on)
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        services.perform_step(case=case, step_code="activist_filing", given=given, actor=general_officer)
    assert (
        codes(exc) == ["E13"] and "具有审批权限" in message(exc, "E13") and "《细则》" in message(exc, "E13")
    )

    services.forward(submission=submission, actor=reviewer, on=on)
    record = services.perform_step(case=case, step_code="activist_filing", given=given, actor=officer)
    assert record.org == county.town


def test_it_lets_the_department_auditor_file_the_probationary_member(county, case, crew, kit):
    advance(case, crew, until="admission_approval")
    record = kit.do(case, "admission_filing", on_of(case, "admission_approval") + dt.timedelta(days=3), crew)
    assert record.org == county.dept and record.recorded_by == crew.auditor


# ---- E14 (2026) ----------------------------------------------------------------------------------

AGREED = d(2026, 9, 25)  # a Friday before the 2026 National Day week (1–7 Oct)


@pytest.fixture
def target_2026(county, crew, kit, pinned_today):
    """A case whose target_filing (上级党委同意) is dated under the 2026 rules."""
    case = f.new_case(county.branch, crew.secretary, applied_on=d(2025, 6, 1))
    advance(case, crew, until="target_selection")
    record = kit.do(case, "target_filing", AGREED, crew)
    assert record.rule_set == "2026"
    return case


def publicize(case, crew, start, end, **extra):
    return services.record_publicity(case=case, start_on=start, end_on=end, actor=crew.secretary, **extra)


def test_it_requires_a_publicity_after_a_2026_agreement(target_2026, crew, kit, unchanged):
    case = target_2026
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "introducers_assigned", d(2026, 10, 12), crew)
    assert codes(exc) == ["E14"] and "未见公示记录" in message(exc, "E14")
    assert "《细则》第十三条" in message(exc, "E14") and "待核实" in message(exc, "E14")


def test_it_counts_working_days_of_the_publicity_across_national_day(target_2026, crew, kit, unchanged):
    case = target_2026
    publicize(case, crew, d(2026, 9, 28), d(2026, 10, 8))  # 11 calendar days, 4 working days
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "introducers_assigned", d(2026, 10, 12), crew)
    assert codes(exc) == ["E14"] and "仅 4 个工作日" in message(exc, "E14")

    publicize(case, crew, d(2026, 9, 28), d(2026, 10, 9))  # 5 working days
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "introducers_assigned", d(2026, 10, 9), crew)  # on the last day
    assert codes(exc) == ["E14"] and "最早可于 2026-10-10" in message(exc, "E14")
    kit.do(case, "introducers_assigned", d(2026, 10, 10), crew)


def test_it_blocks_while_a_publicity_objection_is_unresolved(target_2026, crew, kit, unchanged):
    case = target_2026
    publicize(case, crew, d(2026, 9, 28), d(2026, 10, 12), objections=1, objections_resolved=False)
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "political_review", d(2026, 10, 13), crew)
    assert codes(exc) == ["E14"] and "异议" in message(exc, "E14")
    publicize(case, crew, d(2026, 9, 28), d(2026, 10, 13), objections=1, note="经核实，反映问题不属实")
    kit.do(case, "political_review", d(2026, 10, 14), crew)


# ---- W09 (2026): an introducer within a sanction's impact period -----------------------------------


@pytest.mark.parametrize("sanction", [Sanction.WARNING, Sanction.SERIOUS_WARNING, Sanction.REMOVAL_FROM_POST])
def test_it_warns_of_an_introducer_on_the_last_day_of_a_sanctions_impact_period(
    county, target_2026, crew, kit, unchanged, sanction
):
    case, on = target_2026, d(2026, 10, 12)
    publicize(case, crew, d(2026, 9, 28), d(2026, 10, 9))
    a = PartyMember.objects.filter(branch=county.branch, status=MemberStatus.FULL).first()
    warned = PartyMember.objects.create(
        branch=county.branch, name="处分丁", sanction=sanction, sanction_until=on
    )
    finding, _ = warned_then_reasoned(
        case, unchanged, kit, crew, "introducers_assigned", on, "W09", introducers=[a, warned]
    )
    assert "处分丁" in finding.message and "《细则》第十四条" in finding.message


def test_it_does_not_warn_the_day_after_the_impact_period_ends(county, target_2026, crew, kit):
    case, on = target_2026, d(2026, 10, 12)
    publicize(case, crew, d(2026, 9, 28), d(2026, 10, 9))
    a = PartyMember.objects.filter(branch=county.branch, status=MemberStatus.FULL).first()
    ended = PartyMember.objects.create(
        branch=county.branch,
        name="期满戊",
        sanction=Sanction.SERIOUS_WARNING,
        sanction_until=on - dt.timedelta(days=1),
    )
    record = kit.do(case, "introducers_assigned", on, crew, introducers=[a, ended])
    assert record.step == "introducers_assigned" and not last_event(case).warnings


def test_an_open_ended_warning_counts_as_within_its_impact_period(county):
    member = PartyMember(branch=county.branch, name="未定期", sanction=Sanction.WARNING)
    assert member.in_sanction_impact_period(d(2030, 1, 1))
    assert not PartyMember(branch=county.branch, name="无", sanction="").in_sanction_impact_period(
        d(2030, 1, 1)
    )


def test_it_requires_no_publicity_when_the_agreement_is_dated_before_the_2026_rules(
    county, crew, kit, unchanged, pinned_today
):
    f.rules_2026_from(AGREED + dt.timedelta(days=1))
    case = f.new_case(county.branch, crew.secretary, applied_on=d(2025, 6, 1))
    advance(case, crew, until="target_selection")
    assert kit.do(case, "target_filing", AGREED, crew).rule_set == "2014"

    f.rules_2026_from(AGREED)  # now the agreement falls under 2026
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(case, "introducers_assigned", d(2026, 10, 12), crew)
    assert codes(exc) == ["E14"]

    f.rules_2026_from(AGREED + dt.timedelta(days=1))
    assert kit.do(case, "introducers_assigned", d(2026, 10, 12), crew).rule_set == "2026"
    assert not Publicity.objects.filter(case=case).exists()


# ---- rule set by the step's date ------------------------------------------------------------------


@pytest.mark.parametrize(("talk_on", "rule_set"), [(d(2023, 1, 19), "2014"), (d(2023, 1, 20), "2026")])
def test_it_checks_a_step_against_the_rule_set_in_force_on_its_date(case, crew, kit, talk_on, rule_set):
    f.rules_2026_from(d(2023, 1, 20))
    assert kit.do(case, "initial_talk", talk_on, crew).rule_set == rule_set
    assert case.records.get(step="application").rule_set == "2014"


# ---- W01 / W02 -----------------------------------------------------------------------------------


def test_it_needs_a_reason_for_a_talk_more_than_a_month_after_the_application(case, crew, kit, unchanged):
    finding, event = warned_then_reasoned(
        case, unchanged, kit, crew, "initial_talk", d(2023, 2, 11), "W01", reason="书记外出学习"
    )
    assert "应于 2023-02-10 前谈话" in finding.message and "《细则》第七条" in finding.message
    assert event.warnings[0]["date"] == "2023-02-10"


def test_it_needs_no_reason_for_a_talk_exactly_a_month_after_the_application(case, crew, kit):
    kit.do(case, "initial_talk", d(2023, 2, 10), crew)
    assert last_event(case).warnings == []


@pytest.mark.parametrize(("selected_on", "warns"), [(d(2023, 3, 14), True), (d(2023, 3, 15), False)])
def test_it_warns_for_a_league_member_under_28_without_recommendation(
    county, crew, kit, unchanged, selected_on, warns
):
    case = f.new_case(
        county.branch, crew.secretary, applied_on=d(2022, 12, 1), birth=d(1995, 3, 15), is_league_member=True
    )
    advance(case, crew, until="initial_talk")
    if warns:
        finding, _ = warned_then_reasoned(
            case, unchanged, kit, crew, "activist_selection", selected_on, "W02"
        )
        assert "推优" in finding.message and "中青发〔2019〕9号" in finding.message
    else:
        kit.do(case, "activist_selection", selected_on, crew)
        assert last_event(case).warnings == []


# ---- W04 / W05 (2026 only) -----------------------------------------------------------------------


@pytest.mark.parametrize("rules", ["2026", "2014"])
def test_it_warns_w04_for_a_late_admission_meeting_only_under_2026(case, crew, kit, unchanged, rules):
    advance(case, crew, until="application_form")
    pre_review = on_of(case, "pre_review")
    late = add_months(pre_review, 1) + dt.timedelta(days=1)
    if rules == "2014":
        assert kit.do(case, "admission_meeting", late, crew).rule_set == "2014"
        assert last_event(case).warnings == []
        return
    f.rules_2026_from(pre_review)
    finding, _ = warned_then_reasoned(case, unchanged, kit, crew, "admission_meeting", late, "W04")
    assert (
        f"应于 {add_months(pre_review, 1)} 前召开" in finding.message
        and "《细则》第十九条" in finding.message
    )
    assert case.records.get(step="admission_meeting").rule_set == "2026"


@pytest.mark.parametrize("rules", ["2026", "2014"])
def test_it_warns_w05_for_a_late_oath_only_under_2026(case, crew, kit, unchanged, rules):
    advance(case, crew, until="admission_approval")
    approved = on_of(case, "admission_approval")
    late = add_months(approved, 1) + dt.timedelta(days=1)
    if rules == "2014":
        kit.do(case, "oath", late, crew)
        assert last_event(case).warnings == []
        return
    f.rules_2026_from(approved)
    finding, _ = warned_then_reasoned(
        case, unchanged, kit, crew, "oath", late, "W05", reason="集中宣誓安排在七一"
    )
    assert (
        f"应于 {add_months(approved, 1)} 前宣誓" in finding.message
        and "《细则》第二十九条" in finding.message
    )


# ---- W06 / W08 -----------------------------------------------------------------------------------


def test_it_warns_when_the_political_review_is_over_a_year_old_at_the_meeting(case, crew, kit, unchanged):
    advance(case, crew, until="application_form")
    reviewed = on_of(case, "political_review")
    finding, _ = warned_then_reasoned(
        case, unchanged, kit, crew, "admission_meeting", add_years(reviewed, 1) + dt.timedelta(days=1), "W06"
    )
    assert f"{add_years(reviewed, 1)} 到期" in finding.message and "政治审查结果一年内有效" in finding.message


def test_it_warns_when_the_target_leaves_the_unit_within_3_months(case, crew, kit, unchanged):
    advance(case, crew, until="branch_committee_review")
    on = on_of(case, "branch_committee_review") + dt.timedelta(days=10)
    leaving = add_months(on, 3)
    services.update_person(
        case=case,
        changes={},
        case_changes={"leaving_unit_on": leaving},
        reason="更正登记错误",
        actor=crew.secretary,
    )
    kit.submit_up(case, "pre_review", on, crew)
    with unchanged(case), pytest.raises(WarningsNeedReason) as exc:
        kit.do(case, "pre_review", on, crew)
    assert codes(exc) == ["W08"] and f"将于 {leaving} 离开" in message(exc, "W08")
    assert "《细则》第十九条" in message(exc, "W08")

    later = leaving + dt.timedelta(days=1)
    services.update_person(
        case=case,
        changes={},
        case_changes={"leaving_unit_on": later},
        reason="更正登记错误",
        actor=crew.secretary,
    )
    kit.do(case, "pre_review", on, crew)
    assert last_event(case).warnings == []
