"""Every rule code an import can reach, on both sides of its boundary, through a real workbook.

Each test starts from a valid row (conftest.full_row: a person who went all the way to 归档 under
the 2014 rules, or ROW_2026 for the 2026 rules) and moves one cell across one boundary. The clean
side must be clean of that code; the other side must carry it, with a message naming the column.
"""

import datetime as dt

import pytest

from branches.models import PartyMember, Role, Sanction
from branches.services import grant_role
from cases import idcard, services, steps
from cases.models import Case, StepRecord
from cases.services import StepBlocked
from demo.journey import advance
from imports.importer import check_file, import_batch, store_path
from imports.importer.template import (
    BY_HEADER,
    CODE_COLUMNS,
    COLUMNS,
    HEADERS,
    PERSON_STATISTICS_COLUMNS,
    PUBLICITY_COLUMNS,
    STEP_SOURCES,
    VOTE_COLUMNS,
)
from imports.models import ImportStatus
from tests import factories as f
from tests.imports.conftest import full_row, until

pytestmark = pytest.mark.django_db
d = dt.date


@pytest.fixture
def judge(county, secretary, book, today):
    """judge(row) → (errors, warnings, messages) of a one-row file checked as the secretary."""

    def run(row: dict):
        report = check_file(book([row]), user=secretary).reports[0]
        return set(report.errors), set(report.warnings), report.messages

    return run


def has(judge, row, code, column=None):
    errors, warnings, messages = judge(row)
    assert code in errors | warnings, messages
    if column:
        assert any(f"「{column}」" in m and code in m for m in messages), messages
    return messages


def lacks(judge, row, code):
    errors, warnings, messages = judge(row)
    assert code not in errors | warnings, messages


def test_the_canonical_row_is_clean(judge):
    assert judge(full_row()) == (set(), set(), [])


def test_the_2026_row_is_clean(judge):
    assert judge(ROW_2026) == (set(), set(), [])


def test_e01_age_18_on_the_application_date(judge):
    born = d(2003, 1, 5)
    person = {"出生日期": born, "公民身份号码": idcard.make("330102", born, 12, "M")}
    lacks(judge, full_row(**person), "E01")  # 18th birthday on the application date
    has(judge, full_row(**person, 申请入党日期=d(2021, 1, 4)), "E01", "申请入党日期")


def test_e02_id_number_checksum_and_consistency(judge):
    good = full_row()["公民身份号码"]
    bad_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    has(judge, full_row(公民身份号码=bad_check), "E02", "公民身份号码")
    has(judge, full_row(出生日期=d(1995, 3, 16)), "E02", "公民身份号码")  # birth date disagrees
    has(judge, full_row(性别="女"), "E02", "公民身份号码")  # gender digit disagrees
    lacks(judge, full_row(), "E02")


def test_e02_is_reported_even_without_an_application_date(judge):
    good = full_row()["公民身份号码"]
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    errors, _, messages = judge(until("所在党支部", 公民身份号码=bad))
    assert "E02" in errors
    assert any("「申请入党日期」：必填" in m for m in messages)


def test_e03_a_step_dated_before_the_step_it_depends_on(judge):
    lacks(judge, full_row(谈话日期=d(2021, 1, 5)), "E03")  # same day as the application
    has(judge, full_row(谈话日期=d(2021, 1, 4)), "E03", "谈话日期")


def test_e03_a_step_filled_while_an_earlier_step_is_blank(judge):
    has(judge, full_row(谈话日期=None), "E03", "确定积极分子日期")
    has(judge, full_row(党委谈话日期=None), "E03", "党委审批日期")


def test_e03_a_future_date(judge, today):
    lacks(judge, until("谈话日期", 谈话日期=today, 申请入党日期=today - dt.timedelta(days=3)), "E03")
    has(
        judge,
        until("谈话日期", 谈话日期=today + dt.timedelta(days=1), 申请入党日期=today - dt.timedelta(days=3)),
        "E03",
        "谈话日期",
    )


def test_e04_one_full_year_of_cultivation(judge):
    lacks(judge, full_row(确定发展对象日期=d(2022, 3, 1)), "E04")  # activist 2021-03-01 + 1 year
    messages = has(judge, full_row(确定发展对象日期=d(2022, 2, 28)), "E04", "确定发展对象日期")
    assert any("最早可于 2022-03-01" in m for m in messages)


def test_e05_two_full_members_as_introducers(judge, county):
    lacks(judge, full_row(), "E05")
    has(judge, full_row(入党介绍人="城关一党员2"), "E05", "入党介绍人")
    has(judge, full_row(入党介绍人="城关一党员2、城关一党员3、城关一党员4"), "E05", "入党介绍人")
    member = PartyMember.objects.get(branch=county.branch, name="城关一党员3")
    member.sanction, member.sanction_until = Sanction.PROBATION_IN_PARTY, d(2030, 1, 1)
    member.save()
    has(judge, full_row(), "E05", "入党介绍人")


def test_e05_an_introducer_not_on_the_roster_has_its_own_message(judge):
    messages = has(judge, full_row(入党介绍人="城关一党员2、王不在"), "E05", "入党介绍人")
    assert any("「王不在」不在城关镇第一党支部的党员名册中" in m for m in messages)


def test_e05_a_probationary_member_cannot_introduce(judge, county, secretary_under_reviewer, book):
    row = full_row(
        所在党支部="社区第二党支部", 入党介绍人="社区二党员0、社区二预备0", 培养联系人="社区二党员1"
    )
    report = check_file(book([row]), user=secretary_under_reviewer).reports[0]
    assert "E05" in report.errors
    row["入党介绍人"] = "社区二党员0、社区二党员2"
    assert "E05" not in check_file(book([row]), user=secretary_under_reviewer).reports[0].errors


def test_e06_one_or_two_full_members_as_contacts(judge):
    lacks(judge, full_row(培养联系人="城关一党员0"), "E06")
    lacks(judge, full_row(培养联系人="城关一党员0、城关一党员1"), "E06")
    has(judge, full_row(培养联系人="城关一党员0、城关一党员1、城关一党员2"), "E06", "培养联系人")
    has(judge, full_row(培养联系人="不在册"), "E06", "培养联系人")


def test_e07_a_passed_political_review(judge):
    lacks(judge, full_row(政审结论="合格"), "E07")
    has(judge, full_row(政审结论="不合格"), "E07", "政审结论")


def test_e08_twenty_four_hours_of_training(judge):
    lacks(judge, full_row(集中培训学时=24), "E08")
    has(judge, full_row(集中培训学时=23.5), "E08", "集中培训学时")
    has(judge, full_row(集中培训学时=None), "E08", "集中培训学时")  # hours unknown: 0


@pytest.mark.parametrize("prefix", ["接收大会", "转正大会"])
def test_e09_quorum_strictly_more_than_half_present(judge, prefix):
    lacks(judge, full_row(**{f"{prefix}实到人数": 5, f"{prefix}赞成票数": 5}), "E09")
    has(judge, full_row(**{f"{prefix}实到人数": 4, f"{prefix}赞成票数": 4}), "E09", f"{prefix}应到人数")


@pytest.mark.parametrize("prefix", ["接收大会", "转正大会"])
def test_e09_yes_votes_strictly_more_than_half_of_those_entitled(judge, prefix):
    lacks(judge, full_row(**{f"{prefix}赞成票数": 5}), "E09")
    has(judge, full_row(**{f"{prefix}赞成票数": 4}), "E09", f"{prefix}赞成票数")  # exactly half fails


def test_e09_a_meeting_without_its_tally(judge):
    row = full_row(接收大会应到人数=None, 接收大会实到人数=None, 接收大会赞成票数=None)
    has(judge, row, "E09", "接收大会应到人数")


def test_e10_conversion_not_before_the_probation_end(judge):
    lacks(judge, full_row(转正申请日期=d(2023, 5, 10), 转正大会日期=d(2023, 5, 20)), "E10")
    has(judge, full_row(转正申请日期=d(2023, 5, 10), 转正大会日期=d(2023, 5, 19)), "E10", "转正大会日期")


def test_e12_approval_within_six_months_of_the_meeting(judge):
    late = {"党委谈话日期": d(2022, 6, 1), "入党宣誓日期": d(2022, 12, 1), "转正申请日期": d(2023, 5, 10)}
    lacks(judge, full_row(党委审批日期=d(2022, 11, 20), **late), "E12")
    has(judge, full_row(党委审批日期=d(2022, 11, 21), **late), "E12", "党委审批日期")


def test_e13_authority_is_not_judged_for_historical_imports(
    judge, county, secretary_under_reviewer, general_crew, book
):
    """The committee's steps are recorded as history: their authority was exercised back then, so
    no E13 (product decision) — even when the importer's own organization could not approve them."""
    errors, warnings, _ = judge(full_row())
    assert "E13" not in errors

    # An officer of the 党总支, which may review but not approve (granted on purpose).
    general_officer = f.user("general_officer", first_name="冯委员")
    grant_role(user=general_officer, role=Role.COMMITTEE_OFFICER, org=county.general)
    # On the web path this officer is refused a committee step with E13 …
    web = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=d(2023, 2, 1))
    advance(web, general_crew, until="activist_selection")
    services.submit(case=web, step_code="activist_filing", on=web.activist_on, actor=secretary_under_reviewer)
    with pytest.raises(StepBlocked) as blocked:
        services.perform_step(
            case=web,
            step_code="activist_filing",
            given=services.StepInput(on=web.activist_on),
            actor=general_officer,
        )
    assert [finding.code for finding in blocked.value.findings] == ["E13"]

    # … yet imports a 社区二支部 member whose every committee step (备案, 预审, 审批) is in the row.
    row = full_row(
        所在党支部="社区第二党支部", 入党介绍人="社区二党员0、社区二党员2", 培养联系人="社区二党员1"
    )
    path = book([row])
    report = check_file(path, user=general_officer).reports[0]
    assert (set(report.errors), set(report.warnings), report.messages) == (set(), set(), [])
    batch, _ = import_batch(store_path(path), user=general_officer, mode="all_or_nothing")
    assert batch.status == ImportStatus.IMPORTED and batch.rows_imported == 1, batch.report
    imported = Case.objects.get(person__id_number=row["公民身份号码"])
    assert imported.outcome == "archived" and imported.steps_done == 25
    committee = [s.code for s in steps.STEPS if s.is_committee_step]
    assert committee and set(
        StepRecord.objects.filter(case=imported, step__in=committee).values_list("recorded_by", flat=True)
    ) == {general_officer.pk}
    assert StepRecord.objects.filter(case=imported, step__in=committee).count() == len(committee)


def test_codes_the_template_cannot_reach():
    """E11 (extension: a resolution and 6–12 months), W07 (training exemption: days and a reason)
    and W08 (leaving the unit: a date) need data the §6 template has no column for: every column
    is mapped to a person field, a step's date or data, a meeting tally or the 公示, and none of
    those mappings carries it. E13 is not judged for imports (test above)."""
    person = {"姓名", "性别", "民族", "出生日期", "公民身份号码", "学历", "是否团员", "是否生产工作一线"}
    person |= set(PERSON_STATISTICS_COLUMNS)  # the 党内统计 facts (optional columns)
    step_dates = {h for source in STEP_SOURCES if not source.implied for h in source.dated_by}
    names = {source.label for source in STEP_SOURCES if source.label}
    tallies = {h for headers in VOTE_COLUMNS.values() for h in headers}
    by_kind = {}
    for column in COLUMNS:
        by_kind.setdefault(column.kind, set()).add(column.header)

    # Every column has a known destination: a new column must first be added to one of these.
    assert (
        person
        | {"所在党支部", "团组织推优日期", "特殊情况下发展"}
        | step_dates
        | names
        | tallies
        | set(PUBLICITY_COLUMNS)
        | set(CODE_COLUMNS.values())
    ) == set(HEADERS)
    # W08: the dates are the steps', the 公示's, the birth date and the league recommendation — no
    # date of leaving the unit.
    assert by_kind["date"] == step_dates | set(PUBLICITY_COLUMNS) | {"出生日期", "团组织推优日期"}
    # E11: the only counts are the two branch meetings' tallies — no months of an extension; the
    # conversion meeting is fed its date and its tally, nothing that could say "extend".
    assert by_kind["count"] == tallies
    conversion_meeting = ("转正大会日期", *VOTE_COLUMNS["conversion_meeting"])
    assert {BY_HEADER[h].kind for h in conversion_meeting} == {"date", "count"}
    # W07: the training has its hours only — no days, and no free text that could hold a reason.
    assert by_kind["hours"] == {"集中培训学时"} and CODE_COLUMNS["E08"] == "集中培训学时"
    assert by_kind["text"] == {"姓名", "民族"}
    # … and no other kind of column exists that could carry them (enumerations, names, an ID).
    closed = {"gender", "id_number", "education", "yes_no", "branch", "names", "conclusion"}
    closed |= {"category", "frontline_kind", "title_level", "honour_level"}  # 党内统计: closed lists
    assert set(by_kind) == {"date", "count", "hours", "text"} | closed
    assert not {"E11", "W07", "W08", "E13"} & set(CODE_COLUMNS)


def test_w01_talk_within_a_month(judge):
    lacks(judge, full_row(谈话日期=d(2021, 2, 5)), "W01")
    has(judge, full_row(谈话日期=d(2021, 2, 6)), "W01", "谈话日期")


def test_w02_a_young_league_member_needs_the_league_recommendation(judge):
    young = {"是否团员": "是"}
    has(judge, full_row(**young), "W02", "团组织推优日期")
    lacks(judge, full_row(**young, 团组织推优日期=d(2021, 3, 1)), "W02")  # recommended on the day
    has(judge, full_row(**young, 团组织推优日期=d(2021, 3, 2)), "W02")  # recommended after
    lacks(judge, full_row(是否团员="否"), "W02")


def test_w03_approval_within_three_months(judge):
    lacks(judge, full_row(党委审批日期=d(2022, 8, 20), 入党宣誓日期=d(2022, 9, 1)), "W03")
    has(judge, full_row(党委审批日期=d(2022, 8, 21), 入党宣誓日期=d(2022, 9, 1)), "W03", "党委审批日期")
    lacks(judge, full_row(转正审批日期=d(2023, 8, 22), 归档日期=d(2023, 9, 1)), "W03")
    has(judge, full_row(转正审批日期=d(2023, 8, 23), 归档日期=d(2023, 9, 1)), "W03", "转正审批日期")


def test_w06_political_review_older_than_a_year(judge):
    lacks(judge, until("接收大会赞成票数", 接收大会日期=d(2023, 4, 1)), "W06")
    has(judge, until("接收大会赞成票数", 接收大会日期=d(2023, 4, 2)), "W06", "接收大会日期")


# ---- the 2026 rules (in force from 2026-05-11) -------------------------------------------------

ROW_2026 = until(
    "入党宣誓日期",
    申请入党日期=d(2025, 1, 6),
    谈话日期=d(2025, 1, 20),
    确定积极分子日期=d(2025, 3, 3),
    积极分子备案日期=d(2025, 3, 10),
    确定发展对象日期=d(2026, 5, 18),
    发展对象备案日期=d(2026, 5, 25),
    发展对象公示开始日期=d(2026, 5, 26),
    发展对象公示结束日期=d(2026, 6, 1),  # Tue 26 May … Mon 1 June: five working days
    政审日期=d(2026, 6, 3),
    集中培训结业日期=d(2026, 6, 5),
    支委会审查日期=d(2026, 6, 8),
    预审日期=d(2026, 6, 10),
    接收大会日期=d(2026, 6, 30),
    党委谈话日期=d(2026, 7, 3),
    党委审批日期=d(2026, 7, 10),
    入党宣誓日期=d(2026, 7, 20),
)


def row_2026(**changes) -> dict:
    row = {**ROW_2026, **changes}
    return {k: v for k, v in row.items() if v is not None}


def test_e14_publicity_of_five_working_days(judge):
    messages = has(judge, row_2026(发展对象公示结束日期=d(2026, 5, 29)), "E14")  # Tue–Fri: four days
    assert any("仅 4 个工作日" in m for m in messages)


def test_e14_no_publicity_at_all(judge):
    has(judge, row_2026(发展对象公示开始日期=None, 发展对象公示结束日期=None), "E14", "入党介绍人")


def test_e14_the_next_step_dated_inside_the_publicity(judge):
    lacks(judge, row_2026(政审日期=d(2026, 6, 2)), "E14")
    has(judge, row_2026(政审日期=d(2026, 6, 1)), "E14", "政审日期")


def test_w04_branch_meeting_within_a_month_of_the_pre_review(judge):
    lacks(
        judge,
        row_2026(接收大会日期=d(2026, 7, 10), 党委谈话日期=d(2026, 7, 12), 党委审批日期=d(2026, 7, 15)),
        "W04",
    )
    has(
        judge,
        row_2026(接收大会日期=d(2026, 7, 11), 党委谈话日期=d(2026, 7, 12), 党委审批日期=d(2026, 7, 15)),
        "W04",
        "接收大会日期",
    )


def test_w05_oath_within_a_month_of_the_approval(judge):
    lacks(judge, row_2026(入党宣誓日期=d(2026, 8, 10)), "W05")
    has(judge, row_2026(入党宣誓日期=d(2026, 8, 11)), "W05", "入党宣誓日期")


def test_w04_and_w05_do_not_apply_under_the_2014_rules(judge):
    lacks(
        judge,
        full_row(接收大会日期=d(2022, 6, 30), 党委谈话日期=d(2022, 7, 1), 党委审批日期=d(2022, 7, 5)),
        "W04",
    )
    lacks(judge, full_row(入党宣誓日期=d(2022, 8, 1)), "W05")


def test_codes_are_sorted_and_messages_name_the_row(county, secretary, book, today):
    row = full_row(谈话日期=d(2021, 2, 6), 集中培训学时=10, 接收大会赞成票数=4)
    report = check_file(book([row]), user=secretary).as_json()[0]
    assert report["row"] == 2
    assert report["errors"] == ["E08", "E09"]
    assert report["warnings"] == ["W01"]
    assert all(m.startswith("第2行「") for m in report["messages"])


def test_w09_an_introducer_within_a_sanctions_impact_period_under_the_2026_rules(judge, county):
    member = PartyMember.objects.get(branch=county.branch, name="城关一党员3")
    member.sanction, member.sanction_until = Sanction.SERIOUS_WARNING, d(2030, 1, 1)
    member.save()
    has(judge, row_2026(), "W09", "入党介绍人")
    lacks(judge, full_row(), "W09")  # the same introducer under the 2014 rules
    member.sanction_until = d(2026, 1, 1)  # the impact period ended before the step
    member.save()
    lacks(judge, row_2026(), "W09")
