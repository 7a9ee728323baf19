"""Every figure of the crafted county (tests/stats/conftest.py), worked out by hand; today 2026-06-15."""

import datetime as dt

import pytest

from cases import counting
from cases.models import Stage
from stats import colours, selectors, services
from stats.models import BoardSettings, BranchColour, Colour
from tests.stats.conftest import TODAY

D = dt.date
pytestmark = pytest.mark.django_db


def test_admissions_count_at_the_approving_branch_and_never_a_transfer_copy(crafted):
    ids = [crafted.cg01.pk, crafted.cg02.pk, crafted.cg03.pk, crafted.cg04.pk]
    last = counting.last_dates(counting.ADMISSION, ids)
    # 城关四's F′ carries F's admission of 2025-05-01 as a copy: its own last is L's 2024-01-01.
    assert last == {
        crafted.cg01.pk: D(2026, 3, 10),
        crafted.cg02.pk: D(2025, 12, 31),
        crafted.cg03.pk: D(2023, 6, 15),
        crafted.cg04.pk: D(2024, 1, 1),
    }
    assert counting.counts_between(counting.ADMISSION, ids, D(2025, 1, 1), D(2025, 12, 31)) == {
        crafted.cg01.pk: 1,  # F, before its transfer
        crafted.cg02.pk: 1,  # H on 12-31: the year's last day counts
    }


def test_stage_tree_of_the_town(crafted):
    rows, total = selectors.stage_tree(crafted.town, selectors.branches_under(crafted.town))
    got = {row.org.name: row.counts for row in rows}
    assert got == {
        "城关镇第一党支部": {Stage.APPLICANT: 1, Stage.ACTIVIST: 2, Stage.PROBATIONARY: 1},
        "城关社区党总支": {Stage.ACTIVIST: 1, Stage.TARGET: 1, Stage.PROBATIONARY: 1},
        "城关镇第三党支部": {Stage.ACTIVIST: 1},
        "城关镇第四党支部": {Stage.PROBATIONARY: 1, Stage.FULL_MEMBER: 1},
    }
    assert [row.drill for row in rows] == [False, True, False, False]
    assert total.cells == [1, 4, 1, 3, 1] and total.total == 10


def test_monthly_flow_of_the_town(crafted):
    ids = [b.pk for b in selectors.branches_under(crafted.town)]
    flow = selectors.monthly_flow(ids, D(2026, 1, 1), D(2026, 6, 30))
    table = [
        (
            r["month"],
            r["applications"],
            r["activists"],
            r["targets"],
            r["admissions"],
            r["conversions"],
            r["side"],
        )
        for r in flow
    ]
    assert table == [
        (D(2026, 1, 1), 0, 1, 0, 0, 0, 0),  # B, the first activist of the year, on 1 January
        (D(2026, 2, 1), 1, 0, 0, 0, 0, 0),  # E applies
        (D(2026, 3, 1), 0, 0, 0, 1, 0, 0),  # A admitted
        (D(2026, 4, 1), 0, 0, 1, 0, 0, 0),  # G a target
        (D(2026, 5, 1), 1, 0, 0, 0, 0, 1),  # D applies, E withdraws
        (D(2026, 6, 1), 0, 0, 0, 0, 0, 0),  # M applies, but at 河口
    ]
    assert flow[4]["sides"] == {"本人撤回": 1}
    earlier = selectors.monthly_flow(ids, D(2025, 5, 1), D(2025, 8, 31))
    assert [r["admissions"] for r in earlier] == [1, 0, 0, 0]  # F once, not again as F′
    assert [r["side"] for r in earlier] == [0, 0, 0, 1]  # F transferred out in August


def test_time_in_stage_and_the_stalled(crafted):
    rows = selectors.time_in_stage(crafted.town, selectors.branches_under(crafted.town), TODAY)
    got = {row.org.name: row.cells for row in rows}
    # (cases, median, p90) for 入党申请人, 入党积极分子, 发展对象, 预备党员
    assert got["城关镇第一党支部"] == [(1, 45, 45), (2, 265, 365), (0, None, None), (1, 110, 110)]
    assert got["城关社区党总支"] == [(0, None, None), (1, 226, 226), (1, 75, 75), (1, 196, 196)]
    assert got["城关镇第三党支部"] == [(0, None, None), (1, 730, 730), (0, None, None), (0, None, None)]
    # L, an open full member, waits only for archiving: not counted.
    assert got["城关镇第四党支部"] == [(0, None, None), (0, None, None), (0, None, None), (1, 421, 421)]
    stalled = selectors.stalled_cases([b.pk for b in selectors.branches_under(crafted.town)], TODAY, limit=3)
    c = crafted.cases
    assert [(s.pk, s.days) for s in stalled] == [(c["K"].pk, 730), (c["F2"].pk, 421), (c["C"].pk, 365)]


def test_time_in_stage_for_a_branch_is_the_branch_itself(crafted):
    """A branch has no organization below it: its one row is its own cases (the same figures as in
    its committee's table), on PostgreSQL (computed by the database) as on SQLite."""
    rows = selectors.time_in_stage(crafted.cg01, [crafted.cg01], TODAY)
    assert [row.org.pk for row in rows] == [crafted.cg01.pk]
    assert rows[0].cells == [(1, 45, 45), (2, 265, 365), (0, None, None), (1, 110, 110)]


def test_percentile_is_nearest_rank():
    assert selectors.percentile(list(range(1, 11)), 0.9) == 9
    assert selectors.percentile([5], 0.9) == 5
    assert selectors.percentile([], 0.9) is None


def test_the_three_year_list(crafted):
    rows = selectors.dormant_branches(selectors.branches_under(crafted.county.dept), TODAY)
    got = [(r.branch.pk, r.last_admission, r.activists, r.targets) for r in rows]
    assert got == [
        (crafted.hk01.pk, None, 0, 0),  # never admitted anyone
        (crafted.cg03.pk, D(2023, 6, 15), 1, 0),  # exactly three years ago: 2024, 2025, 2026 without
    ]
    # 城关四's 2024-01-01, the first day of the three years, keeps it off the list.
    town = selectors.dormant_branches(selectors.branches_under(crafted.town), TODAY)
    assert [r.branch.pk for r in town] == [crafted.cg03.pk]


def test_each_branch_colour_and_its_reasons(crafted):
    assert services.judge_colours(on=TODAY) == 5
    judged = {c.branch_id: c for c in BranchColour.objects.all()}
    assert judged[crafted.cg01.pk].colour == Colour.NONE and judged[crafted.cg01.pk].reasons == []
    assert judged[crafted.cg02.pk].colour == Colour.YELLOW
    assert judged[crafted.cg02.pk].reasons == ["2026年尚未确定新的入党积极分子", "2026年尚未发展党员"]
    assert judged[crafted.cg03.pk].colour == Colour.RED
    assert (
        judged[crafted.cg03.pk].reasons[-1]
        == "2024年至2026年连续3年及以上未发展党员（最近一次发展党员：2023年06月15日）"
    )
    assert judged[crafted.cg04.pk].colour == Colour.ORANGE  # 2024-01-01: orange, not red
    assert (
        judged[crafted.cg04.pk].reasons[-1]
        == "2025年至2026年连续2年未发展党员（最近一次发展党员：2024年01月01日）"
    )
    assert judged[crafted.hk01.pk].colour == Colour.RED
    assert judged[crafted.hk01.pk].reasons[-1] == "2024年至2026年连续3年及以上未发展党员（无发展党员记录）"
    assert (judged[crafted.cg01.pk].admitted_this_year, judged[crafted.cg01.pk].activists_this_year) == (1, 1)
    # Judged again the same day: replaced, not added.
    services.judge_colours(on=TODAY)
    assert BranchColour.objects.count() == 5


def test_thresholds_are_settings(crafted):
    BoardSettings.objects.create(orange_years=3, red_years=4)
    services.judge_colours(on=TODAY)
    assert BranchColour.objects.get(branch=crafted.cg03).colour == Colour.ORANGE  # 2023: no longer red
    assert BranchColour.objects.get(branch=crafted.cg04).colour == Colour.YELLOW  # 2024 is within 3 years


def test_the_rule_at_its_boundaries():
    s = BoardSettings()
    on = D(2026, 6, 15)
    assert colours.judge(colours.BranchDates(D(2026, 1, 1), D(2026, 1, 1)), s, on).colour == Colour.NONE
    assert colours.judge(colours.BranchDates(D(2026, 1, 1), D(2025, 12, 31)), s, on).colour == Colour.BLUE
    assert colours.judge(colours.BranchDates(D(2025, 1, 1), D(2026, 1, 1)), s, on).colour == Colour.YELLOW
    assert colours.judge(colours.BranchDates(D(2024, 12, 31), D(2026, 1, 1)), s, on).colour == Colour.ORANGE
    assert colours.judge(colours.BranchDates(D(2023, 12, 31), D(2026, 1, 1)), s, on).colour == Colour.RED


def test_tiles_carry_live_warnings(crafted):
    services.judge_colours(on=TODAY)
    tiles = {t.branch.pk: t for t in selectors.board(selectors.branches_under(crafted.town), TODAY)}
    g = tiles[crafted.cg02.pk]
    # The E12 limit of 06-01 is past; a met deadline and one due today are not overdue.
    assert (g.overdue, g.e12) == (1, 1)
    assert g.warnings == [
        "逾期未办期限 1 项",
        "超过审批最长期限（E12）1 人",
        "培养梯队不足：积极分子和发展对象 2 人，应不少于 3 人",
    ]
    assert tiles[crafted.cg01.pk].needed == 3 and tiles[crafted.cg01.pk].thin_pipeline  # 2 activists < 3×1
    assert tiles[crafted.cg03.pk].suggested == "追究责任"
    reds = selectors.board(selectors.branches_under(crafted.county.dept), TODAY, colour=Colour.RED)
    assert {t.branch.pk for t in reds} == {crafted.cg03.pk, crafted.hk01.pk}


def test_colour_history_by_half_year(crafted):
    history = selectors.colour_history(crafted.cg04, TODAY)
    got = [(label, j.colour) for label, j in history][-5:]
    assert got == [
        ("2024年上半年", Colour.BLUE),  # admitted 2024-01-01, no activist since 2021
        ("2024年下半年", Colour.BLUE),
        ("2025年上半年", Colour.YELLOW),
        ("2025年下半年", Colour.YELLOW),
        ("2026年上半年", Colour.ORANGE),
    ]


def test_pipeline_warning_reads_the_years_plan_where_there_is_one(crafted):
    """One home for the ratio: the year's plan (the branch's own, else the nearest above it) sets
    how many 积极分子 and 发展对象 a branch should have; without a plan the board's settings do."""
    from plans.models import Plan

    branches = selectors.branches_under(crafted.town)

    def needed():
        tiles = {t.branch.pk: t for t in selectors.board(branches, TODAY)}
        return tiles[crafted.cg01.pk].needed, tiles[crafted.cg01.pk].thin_pipeline

    assert needed() == (3, True)  # settings: 3 × max(1, 1 admitted) against 2 activists
    Plan.objects.create(org=crafted.town, year=2025, quota=5, activists_per_admission=9)
    assert needed() == (3, True)  # last year's plan does not apply
    Plan.objects.create(
        org=crafted.town, year=2026, quota=5, activists_per_admission=1, min_admissions_per_branch=2
    )
    assert needed() == (2, False)  # the committee's plan: 1 × max(2, 1); 2 activists are enough
    Plan.objects.create(
        org=crafted.cg01, year=2026, quota=1, activists_per_admission=4, min_admissions_per_branch=1
    )
    assert needed() == (4, True)  # the branch's own plan is the nearest
