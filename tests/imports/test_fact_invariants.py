"""The importer refuses impossible meeting counts and 公示 dates through the facts' own `problems()`,
on both sides of each boundary, naming the column; and it applies E09's one tally policy: the
支部大会's tally columns are required, a 党委会 decision stands on its 批复 date (cases.rules.tally)."""

import datetime as dt

import pytest

from cases.rules.tally import BACKFILLED_BY_OUTCOME
from imports.importer import check_file
from imports.importer.template import STEP_SOURCES
from tests.imports.conftest import full_row

pytestmark = pytest.mark.django_db
d = dt.date


@pytest.fixture
def check(county, secretary, book, today):
    """check(row) → the one row's report, the file checked as the secretary."""
    return lambda row: check_file(book([row]), user=secretary).reports[0]


def about(report, column: str) -> list[str]:
    return [m for m in report.messages if f"「{column}」" in m]


@pytest.mark.parametrize("prefix", ["接收大会", "转正大会"])
def test_it_takes_everyone_present_and_refuses_one_more(check, prefix):
    clean = check(full_row(**{f"{prefix}应到人数": 8, f"{prefix}实到人数": 8, f"{prefix}赞成票数": 8}))
    assert not clean.invalid and not about(clean, f"{prefix}实到人数")

    refused = check(full_row(**{f"{prefix}应到人数": 8, f"{prefix}实到人数": 9, f"{prefix}赞成票数": 8}))
    assert refused.has_problems
    assert f"第2行「{prefix}实到人数」：实到人数 9 不能多于应到人数 8" in about(refused, f"{prefix}实到人数")


def test_it_refuses_more_yes_votes_than_members_present(check):
    assert not check(full_row(接收大会实到人数=7, 接收大会赞成票数=7)).invalid
    refused = check(full_row(接收大会实到人数=7, 接收大会赞成票数=8))
    assert refused.has_problems
    assert "第2行「接收大会赞成票数」：赞成 8 票，多于实到人数 7" in about(refused, "接收大会赞成票数")


def test_it_refuses_a_meeting_no_one_was_entitled_to_vote_at(check):
    refused = check(full_row(接收大会应到人数=0, 接收大会实到人数=0, 接收大会赞成票数=0))
    assert refused.has_problems
    assert "第2行「接收大会应到人数」：应到会有表决权人数须大于零" in about(refused, "接收大会应到人数")


def test_it_refuses_a_publicity_ending_before_it_starts_and_takes_a_one_day_one(check):
    one_day = check(full_row(发展对象公示开始日期=d(2022, 3, 16), 发展对象公示结束日期=d(2022, 3, 16)))
    assert not about(one_day, "发展对象公示结束日期") and not one_day.has_problems

    refused = check(full_row(发展对象公示开始日期=d(2022, 3, 16), 发展对象公示结束日期=d(2022, 3, 15)))
    assert refused.has_problems
    assert about(refused, "发展对象公示结束日期") == [
        "第2行「发展对象公示结束日期」：公示结束日期 2022-03-15 不能早于开始日期 2022-03-16"
    ]


def test_a_branch_meeting_needs_its_tally_columns_but_a_committee_decision_stands_on_its_date(check):
    """The template (a contract) has tally columns for the 支部大会 only; the 批复's date is what a
    backfilled 党委会 decision records."""
    committee_columns = {s.dated_by[0] for s in STEP_SOURCES if s.code in BACKFILLED_BY_OUTCOME}
    assert committee_columns == {"党委审批日期", "转正审批日期"}
    clean = check(full_row())
    assert "E09" not in clean.errors and not clean.invalid  # both approvals imported without a tally

    untallied = check(full_row(转正大会应到人数=None, 转正大会实到人数=None, 转正大会赞成票数=None))
    assert "E09" in untallied.errors
    assert any("「转正大会应到人数」" in m and "E09" in m for m in untallied.messages)
