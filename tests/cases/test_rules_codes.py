"""Every error and warning code on both sides of its boundary, at the pure rule level (no DB).

Each attempt starts from a canonical case whose every step passes every rule (proved by the first
test), then changes one fact. So "absent" assertions mean something: the clean side is clean."""

import datetime as dt

import pytest

from cases import idcard, steps
from cases.dates import add_years
from cases.rules import (
    Attempt,
    CaseFacts,
    MeetingFacts,
    MemberFacts,
    PublicityFacts,
    VoteFacts,
    blocks,
    evaluate,
    warnings,
)
from cases.workdays import WorkdayCalendar

d = dt.date
TODAY = d(2030, 1, 1)
EFFECTIVE_2026 = d(2026, 5, 11)
CALENDAR = WorkdayCalendar(overrides={})  # the chinese-calendar package alone, no DB

# A valid path through the 25 steps under the 2014 rules.
TIMELINE = {
    "application": d(2020, 1, 6),
    "initial_talk": d(2020, 1, 20),
    "activist_selection": d(2020, 3, 2),
    "activist_filing": d(2020, 3, 10),
    "contacts_assigned": d(2020, 3, 3),
    "activist_cultivation": d(2020, 9, 1),
    "target_selection": d(2021, 3, 8),
    "target_filing": d(2021, 3, 15),
    "introducers_assigned": d(2021, 3, 22),
    "political_review": d(2021, 4, 1),
    "intensive_training": d(2021, 4, 10),
    "branch_committee_review": d(2021, 4, 20),
    "pre_review": d(2021, 5, 6),
    "application_form": d(2021, 5, 10),
    "admission_meeting": d(2021, 5, 20),
    "committee_talk": d(2021, 6, 1),
    "admission_approval": d(2021, 6, 15),
    "admission_filing": d(2021, 6, 20),
    "group_placement": d(2021, 6, 18),
    "oath": d(2021, 7, 1),
    "probation_education": d(2021, 10, 1),
    "conversion_application": d(2022, 5, 10),
    "conversion_meeting": d(2022, 5, 20),
    "conversion_approval": d(2022, 6, 10),
    "archiving": d(2022, 6, 20),
}
VOTED = ("admission_meeting", "admission_approval", "conversion_meeting", "conversion_approval")

# Where each code's message must point (the article or source it rests on), under 2014.
ARTICLE = {
    "E01": "党章第一条、《细则》第五条",
    "E02": "GB 11643",
    "E03": "《细则》",
    "E04": "《细则》第十三条",
    "E05": "党章第五条、《细则》第十四条",
    "E06": "《细则》第九条",
    "E07": "《细则》第十六条",
    "E08": "《细则》第十七条",
    "E09": "《细则》第二十条、第二十一条",
    "E10": "党章第七条",
    "E11": "党章第七条",
    "E12": "《细则》第二十六条",
    "E13": "《细则》",
    "E14": "《细则》第十三条",
    "E15": "《细则》第三十七条",
    "W01": "《细则》第七条",
    "W02": "中青发〔2019〕9号",
    "W03": "《细则》第二十六条",
    "W04": "《细则》第十九条",
    "W05": "《细则》第二十九条",
    "W06": "政治审查结果一年内有效",
    "W07": "《细则》第十七条",
    "W08": "《细则》第十九条",
    "W09": "《细则》第十四条",  # 2026 only
}


def full(name="甲") -> MemberFacts:
    return MemberFacts(name, is_full=True, under_party_probation=False)


def attempt(
    code: str,
    on: dt.date | None = None,
    *,
    done: dict | None = None,
    records: dict | None = None,
    facts: dict | None = None,
    effective: dt.date = EFFECTIVE_2026,
    confirmed: bool = False,
    **fields,
) -> Attempt:
    """The attempt to record `code` on `on` (default: its canonical date) with everything before
    it done as in TIMELINE; `done` overrides dates (None removes a step), `records` the data of
    done steps, `facts` the CaseFacts; other keywords set Attempt fields (e.g. `data`, `vote`)."""
    step = steps.get(code)
    on = on or TIMELINE[code]
    dates = {c: day for c, day in TIMELINE.items() if steps.get(c).number < step.number}
    dates.update(done or {})
    dates = {c: day for c, day in dates.items() if day is not None}
    record_data = {"political_review": {"conclusion": "合格"}, "intensive_training": {"days": 3, "hours": 24}}
    record_data.update(records or {})
    case = {"birth_date": d(1990, 5, 1), "gender": "M"}
    case.update(facts or {})
    # every required material of the steps done is on file (E15), unless `facts` says otherwise
    case.setdefault("materials", {f"{s.code}:{m.key}" for s, m in steps.required_materials(dates)})
    case.setdefault("id_number", idcard.make("330102", case["birth_date"], 7, case["gender"] or "M"))
    if "admission_meeting" in dates:
        case.setdefault("probation_end", add_years(dates["admission_meeting"], 1))
    defaults = {
        "acting_org_can_approve": step.is_committee_step,
        "acting_org_is_department": code == "admission_filing",
        "contacts": [full("甲"), full("乙")] if code == "contacts_assigned" else None,
        "introducers": [full("甲"), full("乙")] if code == "introducers_assigned" else None,
        "meeting": MeetingFacts(8, 8, on) if code in VOTED else None,
        "vote": VoteFacts(yes=8) if code in VOTED else None,
        "data": {"resolution": "convert"} if code == "conversion_meeting" else {},
    }
    defaults.update(fields)
    return Attempt(
        step=step,
        on=on,
        case=CaseFacts(done=dates, data=record_data, **case),
        today=TODAY,
        rule_set="2026" if on >= effective else "2014",
        rules_2026_confirmed=confirmed,
        is_2026_date=lambda day: day >= effective,
        workdays_between=CALENDAR.count,
        **defaults,
    )


def codes(a: Attempt) -> set[str]:
    return {f.code for f in evaluate(a)}


def finding(a: Attempt, code: str, *fragments: str):
    """The single finding with `code`; its message names the article and every fragment."""
    found = [f for f in evaluate(a) if f.code == code]
    assert found, f"expected {code}, got {[str(f) for f in evaluate(a)]}"
    matching = [f for f in found if all(fr in f.message for fr in fragments)]
    assert matching, f"no {code} message contains {fragments}: {[f.message for f in found]}"
    f = matching[0]
    assert ARTICLE[code] in f.message or (a.rule_set == "2026" and "《细则》" in f.message)
    return f


def test_it_accepts_the_canonical_timeline_at_every_step():
    for code in steps.CODES:
        assert evaluate(attempt(code)) == [], code


def test_it_classifies_e_codes_as_blocks_and_w_codes_as_warnings():
    a = attempt("initial_talk", d(2020, 1, 5))  # E03
    b = attempt("initial_talk", d(2020, 3, 1))  # W01
    assert [f.code for f in blocks(evaluate(a))] == ["E03"] and warnings(evaluate(a)) == []
    assert [f.code for f in warnings(evaluate(b))] == ["W01"] and blocks(evaluate(b)) == []


# ---- E01 age -------------------------------------------------------------------------------------


def test_it_blocks_an_applicant_aged_17_years_364_days():
    a = attempt("application", d(2023, 3, 14), facts={"birth_date": d(2005, 3, 15)})
    f = finding(a, "E01", "最早可于 2023-03-15")
    assert f.date == d(2023, 3, 15) and f.blocks


def test_it_accepts_an_applicant_on_the_18th_birthday():
    assert evaluate(attempt("application", d(2023, 3, 15), facts={"birth_date": d(2005, 3, 15)})) == []


def test_it_counts_a_29_february_birthday_as_reached_on_28_february():
    born = {"birth_date": d(2004, 2, 29)}
    finding(attempt("application", d(2022, 2, 27), facts=born), "E01", "最早可于 2022-02-28")
    assert evaluate(attempt("application", d(2022, 2, 28), facts=born)) == []


# ---- E02 identity --------------------------------------------------------------------------------


def test_it_blocks_an_id_number_with_a_bad_check_digit():
    good = idcard.make("330102", d(1990, 5, 1), 7, "M")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    finding(attempt("application", facts={"id_number": bad}), "E02", "校验位不正确")
    assert "E02" not in codes(attempt("application", facts={"id_number": good}))


def test_it_blocks_an_id_number_whose_birth_date_differs_from_the_record():
    other = idcard.make("330102", d(1990, 5, 2), 7, "M")
    finding(attempt("application", facts={"id_number": other}), "E02", "1990-05-02", "1990-05-01", "不一致")


def test_it_blocks_an_id_number_whose_gender_differs_from_the_record():
    female = idcard.make("330102", d(1990, 5, 1), 7, "F")
    finding(attempt("application", facts={"id_number": female, "gender": "M"}), "E02", "性别")
    assert "E02" not in codes(attempt("application", facts={"id_number": female, "gender": "F"}))


def test_it_accepts_an_id_number_ending_in_x():
    number = idcard.make("330102", d(1990, 5, 1), 0, "M")
    assert number.endswith("X")
    assert evaluate(attempt("application", facts={"id_number": number})) == []


# ---- E03 order and dates -------------------------------------------------------------------------


def test_it_blocks_a_step_dated_before_its_prerequisite():
    finding(attempt("initial_talk", d(2020, 1, 5)), "E03", "递交入党申请书", "最早可于 2020-01-06")
    assert evaluate(attempt("initial_talk", d(2020, 1, 6))) == []


def test_it_blocks_a_step_dated_in_the_future():
    ahead = TODAY + dt.timedelta(days=1)
    finding(attempt("oath", ahead, done={"admission_approval": d(2029, 12, 20)}), "E03", "晚于今天")
    assert "E03" not in codes(attempt("oath", TODAY, done={"admission_approval": d(2029, 12, 20)}))


def test_it_blocks_a_step_whose_prerequisite_is_missing():
    a = attempt("activist_selection", done={"initial_talk": None})
    finding(a, "E03", "须先完成「党组织派人谈话」")
    f = finding(attempt("target_selection", done={"activist_filing": None}), "E03", "上级党委备案")
    assert f.date is None


# ---- E04 one year of cultivation ---------------------------------------------------------------


def test_it_blocks_target_selection_one_day_before_a_year_of_cultivation():
    f = finding(attempt("target_selection", d(2021, 3, 1)), "E04", "最早可于 2021-03-02")
    assert f.date == d(2021, 3, 2)


def test_it_allows_target_selection_exactly_one_year_after_activist_selection():
    assert evaluate(attempt("target_selection", d(2021, 3, 2))) == []


def test_it_clamps_the_year_of_cultivation_from_29_february():
    done = {"activist_selection": d(2020, 2, 29), "activist_filing": d(2020, 3, 1)}
    finding(attempt("target_selection", d(2021, 2, 27), done=done), "E04", "最早可于 2021-02-28")
    assert "E04" not in codes(attempt("target_selection", d(2021, 2, 28), done=done))


# ---- E05 introducers -----------------------------------------------------------------------------


def test_it_requires_exactly_two_introducers():
    finding(attempt("introducers_assigned", introducers=[full()]), "E05", "现为 1 名")
    three = [full("甲"), full("乙"), full("丙")]
    finding(attempt("introducers_assigned", introducers=three), "E05", "现为 3 名")
    finding(attempt("introducers_assigned", introducers=None), "E05", "现为 0 名")
    assert evaluate(attempt("introducers_assigned", introducers=[full("甲"), full("乙")])) == []


def test_it_refuses_a_probationary_member_as_introducer():
    probationary = MemberFacts("丙", is_full=False, under_party_probation=False)
    finding(attempt("introducers_assigned", introducers=[full(), probationary]), "E05", "丙 不是正式党员")


def test_it_refuses_an_introducer_off_the_roster():
    away = MemberFacts("丁", is_full=True, under_party_probation=False, on_roster=False)
    finding(attempt("introducers_assigned", introducers=[full(), away]), "E05", "丁")


def test_it_refuses_an_introducer_under_party_probation():
    sanctioned = MemberFacts("戊", is_full=True, under_party_probation=True)
    finding(attempt("introducers_assigned", introducers=[full(), sanctioned]), "E05", "留党察看", "戊")


# ---- W09 introducers within a sanction's impact period (2026) ------------------------------------

AFTER_TARGET_FILING = d(
    2021, 3, 20
)  # 2026 rules from after target_filing (no 公示 due), before introducers_assigned


def in_impact_period(name="己") -> MemberFacts:
    return MemberFacts(name, is_full=True, under_party_probation=False, in_sanction_impact_period=True)


def test_it_warns_under_2026_of_an_introducer_within_a_sanctions_impact_period():
    a = attempt(
        "introducers_assigned", introducers=[full(), in_impact_period()], effective=AFTER_TARGET_FILING
    )
    f = finding(a, "W09", "不宜作入党介绍人", "己")
    assert f.code == "W09" and codes(a) == {"W09"}  # a warning: the step goes through with a reason


def test_it_does_not_warn_w09_under_2014():
    assert evaluate(attempt("introducers_assigned", introducers=[full(), in_impact_period()])) == []


# ---- E06 contacts --------------------------------------------------------------------------------


@pytest.mark.parametrize(("count", "blocked"), [(0, True), (1, False), (2, False), (3, True)])
def test_it_requires_one_or_two_contacts(count, blocked):
    a = attempt("contacts_assigned", contacts=[full(str(i)) for i in range(count)])
    if blocked:
        finding(a, "E06", f"现为 {count} 名")
    else:
        assert evaluate(a) == []


def test_it_refuses_a_probationary_contact():
    probationary = MemberFacts("丙", is_full=False, under_party_probation=False)
    finding(attempt("contacts_assigned", contacts=[probationary]), "E06", "丙 不符合")


# ---- E07 political review ------------------------------------------------------------------------


def test_it_blocks_the_admission_meeting_without_a_political_review():
    finding(attempt("admission_meeting", done={"political_review": None}), "E07", "未经政治审查")


def test_it_blocks_the_admission_meeting_after_a_failed_political_review():
    a = attempt("admission_meeting", records={"political_review": {"conclusion": "不合格"}})
    finding(a, "E07", "不合格")


# ---- E08 / W07 training --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("days", "hours", "blocked"), [(2, 23, True), (3, 0, False), (0, 24, False), (2, 24, False)]
)
def test_it_requires_three_days_or_24_hours_of_training(days, hours, blocked):
    a = attempt("admission_meeting", records={"intensive_training": {"days": days, "hours": hours}})
    if blocked:
        finding(a, "E08", f"现为 {days} 天、{hours} 学时")
    else:
        assert evaluate(a) == []


def test_it_blocks_the_admission_meeting_without_training():
    finding(attempt("admission_meeting", done={"intensive_training": None}), "E08", "未经集中培训")


def test_it_turns_short_training_with_an_exemption_reason_into_w07():
    training = {"days": 2, "hours": 23, "exemption_reason": "因抗洪抢险未能参加全部课程"}
    a = attempt("admission_meeting", records={"intensive_training": training})
    assert codes(a) == {"W07"}
    finding(a, "W07", "抗洪抢险")
    blank = {**training, "exemption_reason": "   "}
    assert codes(attempt("admission_meeting", records={"intensive_training": blank})) == {"E08"}


# ---- E09 votes -----------------------------------------------------------------------------------


def vote_at(entitled, present, yes, written_yes=0, written_no=0, code="admission_meeting"):
    vote = VoteFacts(yes=yes, written_yes=written_yes, written_no=written_no)
    return attempt(code, meeting=MeetingFacts(entitled, present), vote=vote)


def test_it_fails_a_meeting_attended_by_exactly_half_of_an_even_n():
    finding(vote_at(8, 4, 4), "E09", "到会有表决权人数 4", "会议无效")
    assert "E09" not in codes(vote_at(8, 5, 5))


def test_it_fails_a_vote_of_exactly_half_of_an_even_n():
    finding(vote_at(8, 8, 4), "E09", "赞成票（含书面意见）4", "表决未通过")
    assert evaluate(vote_at(8, 8, 5)) == []


def test_it_needs_more_than_half_of_an_odd_n():
    finding(vote_at(7, 3, 3), "E09", "会议无效")
    finding(vote_at(7, 7, 3), "E09", "表决未通过")
    assert evaluate(vote_at(7, 4, 4)) == []


def test_it_counts_written_yes_opinions_toward_yes_but_not_toward_attendance():
    finding(vote_at(8, 6, 3, written_yes=1), "E09", "表决未通过")
    assert evaluate(vote_at(8, 6, 3, written_yes=2)) == []
    finding(vote_at(8, 4, 4, written_yes=4), "E09", "会议无效")
    finding(vote_at(8, 6, 4, written_no=2), "E09", "表决未通过")  # written no is not yes


def test_it_excuses_a_missing_committee_tally_only_for_imported_history():
    imported = attempt("admission_approval", meeting=None, vote=None, historical=True)
    assert evaluate(imported) == []
    finding(
        attempt("admission_meeting", meeting=None, vote=None, historical=True), "E09", "须记录会议及表决结果"
    )


def test_it_requires_a_recorded_vote_where_a_meeting_decides():
    finding(attempt("admission_meeting", meeting=None, vote=None), "E09", "须记录会议及表决结果")
    finding(attempt("conversion_approval", meeting=None, vote=None), "E09")
    finding(vote_at(0, 0, 0), "E09", "大于零")


def test_it_holds_an_optional_vote_to_e09_only_when_one_is_recorded():
    failing = attempt("activist_selection", meeting=MeetingFacts(5, 5), vote=VoteFacts(yes=2))
    finding(failing, "E09", "表决未通过")
    assert evaluate(attempt("activist_selection")) == []


def test_it_cites_the_2026_articles_for_a_2026_vote():
    a = attempt(
        "admission_meeting", meeting=MeetingFacts(8, 4), vote=VoteFacts(yes=4), effective=d(2021, 5, 1)
    )
    f = finding(a, "E09", "第十九条、第二十条", "2026年修订稿，待核实")
    assert "第二十一条" not in f.message


# ---- E10 / E11 conversion ------------------------------------------------------------------------


def test_it_blocks_the_conversion_meeting_the_day_before_the_probation_end():
    f = finding(attempt("conversion_meeting", d(2022, 5, 19)), "E10", "最早可于 2022-05-20")
    assert f.date == d(2022, 5, 20)
    assert evaluate(attempt("conversion_meeting", d(2022, 5, 20))) == []


def test_it_allows_a_cancellation_before_the_probation_end_but_not_an_extension():
    cancel = attempt("conversion_meeting", d(2022, 5, 19), data={"resolution": "cancel"}, note="严重违纪")
    assert evaluate(cancel) == []
    unexplained = attempt("conversion_meeting", d(2022, 5, 19), data={"resolution": "cancel"})
    finding(unexplained, "E10", "须记录理由")
    extend = {"resolution": "extend", "extension_months": 6}
    assert "E10" in codes(attempt("conversion_meeting", d(2022, 5, 19), data=extend))


@pytest.mark.parametrize(("months", "blocked"), [(5, True), (6, False), (12, False), (13, True), (0, True)])
def test_it_allows_an_extension_of_6_to_12_months(months, blocked):
    a = attempt("conversion_meeting", data={"resolution": "extend", "extension_months": months})
    if blocked:
        finding(a, "E11", f"现为 {months} 个月")
    else:
        assert evaluate(a) == []


def test_it_refuses_a_second_extension():
    a = attempt(
        "conversion_meeting",
        data={"resolution": "extend", "extension_months": 6},
        facts={"extensions_so_far": 1},
    )
    finding(a, "E11", "只能延长一次")
    assert codes(a) == {"E11"}


# ---- E12 / W03 approval deadlines ----------------------------------------------------------------


def test_it_approves_admission_within_3_months_silently_and_warns_one_day_later():
    assert evaluate(attempt("admission_approval", d(2021, 8, 20))) == []
    f = finding(attempt("admission_approval", d(2021, 8, 21)), "W03", "应于 2021-08-20 前审批", "特殊情况")
    assert f.date == d(2021, 8, 20) and not f.blocks


def test_it_warns_at_exactly_6_months_and_blocks_one_day_later():
    assert codes(attempt("admission_approval", d(2021, 11, 20))) == {"W03"}
    late = attempt("admission_approval", d(2021, 11, 21))
    finding(late, "E12", "应于 2021-11-20 前审批")
    assert codes(late) == {"E12"}


def test_it_only_warns_for_a_late_conversion_approval():
    assert evaluate(attempt("conversion_approval", d(2022, 8, 20))) == []
    f = finding(attempt("conversion_approval", d(2022, 8, 21)), "W03", "应于 2022-08-20 前审批")
    assert "特殊情况" not in f.message
    assert codes(attempt("conversion_approval", d(2023, 1, 1))) == {"W03"}


# ---- E13 authority -------------------------------------------------------------------------------


def test_it_blocks_a_committee_step_by_an_organization_without_approval_authority():
    finding(attempt("activist_filing", acting_org_can_approve=False), "E13", "党总支")
    finding(attempt("admission_approval", acting_org_can_approve=False), "E13", "具有审批权限")
    assert evaluate(attempt("activist_filing", acting_org_can_approve=True)) == []
    assert evaluate(attempt("activist_filing", acting_org_can_approve=None)) == []  # import


def test_it_blocks_the_probationary_filing_outside_the_organization_department():
    finding(attempt("admission_filing", acting_org_is_department=False), "E13", "组织部门")
    assert evaluate(attempt("admission_filing", acting_org_is_department=True)) == []


def test_it_does_not_judge_authority_on_branch_steps():
    assert evaluate(attempt("intensive_training", acting_org_can_approve=False)) == []


# ---- E14 公示 (2026) ------------------------------------------------------------------------------

AGREED = d(2026, 9, 25)  # target_filing (上级党委同意), a Friday before the 2026 National Day week


def after_agreement(on, publicities, effective=EFFECTIVE_2026, code="introducers_assigned"):
    done = {"target_selection": d(2026, 9, 1), "target_filing": AGREED}
    return attempt(code, on, done=done, facts={"publicities": publicities}, effective=effective)


def test_it_counts_working_days_not_calendar_days_across_national_day():
    # 28, 29, 30 Sep and 8 Oct are working days; 1–7 Oct are the holiday: 11 calendar days, 4 working.
    four = [PublicityFacts(d(2026, 9, 28), d(2026, 10, 8))]
    finding(after_agreement(d(2026, 10, 12), four), "E14", "仅 4 个工作日")
    five = [PublicityFacts(d(2026, 9, 28), d(2026, 10, 9))]
    assert evaluate(after_agreement(d(2026, 10, 12), five)) == []


def test_it_blocks_the_next_step_on_the_last_day_of_the_publicity():
    five = [PublicityFacts(d(2026, 9, 28), d(2026, 10, 9))]
    f = finding(after_agreement(d(2026, 10, 9), five), "E14", "最早可于 2026-10-10")
    assert f.date == d(2026, 10, 10)
    assert evaluate(after_agreement(d(2026, 10, 10), five)) == []


def test_it_blocks_every_later_step_not_just_the_next_one():
    a = after_agreement(
        d(2026, 10, 9), [PublicityFacts(d(2026, 9, 28), d(2026, 10, 9))], code="political_review"
    )
    finding(a, "E14", "进行政治审查")


def test_it_blocks_while_an_objection_is_unresolved():
    open_objection = [PublicityFacts(d(2026, 9, 28), d(2026, 10, 9), objections_resolved=False)]
    finding(after_agreement(d(2026, 10, 12), open_objection), "E14", "异议")


def test_it_requires_a_publicity_that_starts_after_the_agreement():
    finding(after_agreement(d(2026, 10, 12), []), "E14", "未见公示记录")
    before = [PublicityFacts(d(2026, 9, 14), d(2026, 9, 24))]
    finding(after_agreement(d(2026, 10, 12), before), "E14", "未见公示记录")


def test_it_requires_no_publicity_when_the_agreement_falls_under_2014():
    assert evaluate(after_agreement(d(2026, 10, 12), [], effective=d(2026, 9, 26))) == []
    assert "E14" in codes(after_agreement(d(2026, 10, 12), [], effective=d(2026, 9, 25)))


def test_it_marks_2026_citations_as_unverified_until_confirmed():
    a = after_agreement(d(2026, 10, 12), [])
    assert "待核实" in finding(a, "E14").message
    a.rules_2026_confirmed = True
    confirmed = [f for f in evaluate(a) if f.code == "E14"][0]
    assert "待核实" not in confirmed.message and "《细则》第十三条" in confirmed.message


# ---- W01 talk ------------------------------------------------------------------------------------


def test_it_warns_when_the_talk_comes_more_than_a_month_after_the_application():
    assert evaluate(attempt("initial_talk", d(2020, 2, 6))) == []
    f = finding(attempt("initial_talk", d(2020, 2, 7)), "W01", "应于 2020-02-06 前谈话")
    assert f.date == d(2020, 2, 6)


def test_it_clamps_the_talk_month_at_the_end_of_february():
    done = {"application": d(2020, 1, 31)}
    assert evaluate(attempt("initial_talk", d(2020, 2, 29), done=done)) == []
    finding(attempt("initial_talk", d(2020, 3, 1), done=done), "W01", "应于 2020-02-29")


# ---- W02 League recommendation -------------------------------------------------------------------

LEAGUE = {"birth_date": d(1992, 5, 1), "is_league_member": True}


def test_it_warns_for_a_league_member_aged_27_years_364_days_without_recommendation():
    finding(attempt("activist_selection", d(2020, 4, 30), facts=LEAGUE), "W02", "推优")


def test_it_does_not_warn_for_a_league_member_aged_28():
    assert evaluate(attempt("activist_selection", d(2020, 5, 1), facts=LEAGUE)) == []


def test_it_accepts_a_recommendation_dated_on_or_before_the_selection():
    recommended = {**LEAGUE, "league_recommended_on": d(2020, 4, 30)}
    assert evaluate(attempt("activist_selection", d(2020, 4, 30), facts=recommended)) == []
    later = {**LEAGUE, "league_recommended_on": d(2020, 5, 1)}
    assert codes(attempt("activist_selection", d(2020, 4, 30), facts=later)) == {"W02"}
    not_league = {**LEAGUE, "is_league_member": False}
    assert evaluate(attempt("activist_selection", d(2020, 4, 30), facts=not_league)) == []


# ---- W04 / W05 (2026 only) -----------------------------------------------------------------------

BEFORE_PRE_REVIEW = d(2021, 5, 1)  # a 2026 effective date between target_filing and pre_review


def test_it_warns_under_2026_when_the_meeting_is_more_than_a_month_after_pre_review():
    assert evaluate(attempt("admission_meeting", d(2021, 6, 6), effective=BEFORE_PRE_REVIEW)) == []
    late = attempt("admission_meeting", d(2021, 6, 7), effective=BEFORE_PRE_REVIEW)
    f = finding(late, "W04", "应于 2021-06-06 前召开")
    assert f.date == d(2021, 6, 6) and "待核实" in f.message


def test_it_does_not_warn_w04_under_2014():
    assert evaluate(attempt("admission_meeting", d(2021, 6, 7))) == []


def test_it_warns_under_2026_when_the_oath_is_more_than_a_month_after_approval():
    assert evaluate(attempt("oath", d(2021, 7, 15), effective=BEFORE_PRE_REVIEW)) == []
    finding(attempt("oath", d(2021, 7, 16), effective=BEFORE_PRE_REVIEW), "W05", "应于 2021-07-15 前宣誓")
    assert evaluate(attempt("oath", d(2021, 7, 16))) == []


# ---- W06 political review freshness --------------------------------------------------------------


def test_it_warns_when_the_political_review_is_older_than_a_year_at_the_meeting():
    assert evaluate(attempt("admission_meeting", d(2022, 4, 1))) == []
    f = finding(attempt("admission_meeting", d(2022, 4, 2)), "W06", "2021-04-01", "2022-04-01 到期")
    assert f.date == d(2022, 4, 1)


# ---- W08 leaving the unit ------------------------------------------------------------------------


@pytest.mark.parametrize("code", ["pre_review", "admission_meeting", "admission_approval"])
def test_it_warns_when_the_target_leaves_the_unit_within_3_months(code):
    on = TIMELINE[code]
    within = attempt(code, facts={"leaving_unit_on": d(on.year, on.month + 3, on.day)})
    finding(within, "W08", f"将于 {d(on.year, on.month + 3, on.day)} 离开")
    beyond = attempt(code, facts={"leaving_unit_on": d(on.year, on.month + 3, on.day + 1)})
    assert evaluate(beyond) == []
    already_left = attempt(code, facts={"leaving_unit_on": on - dt.timedelta(days=1)})
    assert evaluate(already_left) == []


# ---- E15 材料齐全 --------------------------------------------------------------------------------


def test_e15_blocks_archiving_while_a_required_material_is_neither_on_file_nor_waived():
    everything = {f"{s.code}:{m.key}" for s, m in steps.required_materials(steps.CODES)}
    assert "E15" not in codes(attempt("archiving", facts={"materials": everything}))
    one_short = everything - {"oath:oath_record"}
    f = finding(attempt("archiving", facts={"materials": one_short}), "E15", "缺少 1 项", "20.宣誓记录")
    assert f.blocks
    optional_only = everything | {"admission_meeting:ballots"}
    assert "E15" not in codes(attempt("archiving", facts={"materials": optional_only}))
    assert "E15" not in codes(attempt("archiving", facts={"materials": set()}, historical=True))
    assert "E15" not in codes(attempt("oath", facts={"materials": set()}))  # only archiving is judged
