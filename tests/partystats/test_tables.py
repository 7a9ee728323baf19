"""Every cell of 城关镇党委's 2026 tables in the crafted county (conftest), with the boundaries: an
approval on 30 June and on 1 July; age 35 and 36 on the counting date; a transfer across the
cut-off; 延长 then 转正; roll-ups; the sum check; 待补充 never counted as 其他."""

import pytest

from partystats import selectors
from partystats.selectors import HALF, YEAR, Period
from partystats.tables import BY_KEY

pytestmark = pytest.mark.django_db

ANNUAL, HALF_YEAR = Period(2026, YEAR), Period(2026, HALF)


def cells(key, org, period):
    return selectors.count_table(BY_KEY[key], org, period).cells


def nonzero(key, org, period):
    return {k: n for k, n in cells(key, org, period).items() if n}


def test_development_1_annual_every_cell(county, crafted):
    assert nonzero("development1", county.town, ANNUAL) == {
        # 总计: A1 (F, 35, 中专), A2 (36, 高中中技), A3 (回族, 23, 学历待补充), A5 (30, 本科)
        ("total", "total"): 4,
        ("total", "women"): 1,
        ("total", "minority"): 1,
        ("total", "age25"): 1,
        ("total", "age26"): 1,
        ("total", "age31"): 1,
        ("total", "age36"): 1,
        ("total", "youth"): 3,
        ("total", "bachelor"): 1,
        ("total", "technical"): 1,
        ("total", "high_school"): 1,
        ("total", "edu_unknown"): 1,
        # A2: 公有制单位工勤技能人员, 农民工
        **{
            (r, c): 1
            for r in ("employed", "public", "pub_worker", "pub_migrant")
            for c in ("total", "age36", "high_school")
        },
        # A1: 农牧渔民, 外出务工经商
        **{
            (r, c): 1
            for r in ("farmer", "farmer_away")
            for c in ("total", "women", "age31", "youth", "technical")
        },
        # A5: 学生
        **{("student", c): 1 for c in ("total", "age26", "youth", "bachelor")},
        # A3: 人员类别待补充 (never 其他), 劳务派遣工
        **{
            (r, c): 1
            for r in ("category_unknown", "dispatched")
            for c in ("total", "minority", "age25", "youth", "edu_unknown")
        },
        # 劳务派遣工待补充: A1, A2, A5
        ("dispatched_unknown", "total"): 3,
        ("dispatched_unknown", "women"): 1,
        ("dispatched_unknown", "age26"): 1,
        ("dispatched_unknown", "age31"): 1,
        ("dispatched_unknown", "age36"): 1,
        ("dispatched_unknown", "youth"): 2,
        ("dispatched_unknown", "bachelor"): 1,
        ("dispatched_unknown", "technical"): 1,
        ("dispatched_unknown", "high_school"): 1,
    }
    assert cells("development1", county.town, ANNUAL)["other", "total"] == 0


def test_an_approval_on_30_june_is_in_the_half_year_and_1_july_is_not(county, crafted):
    half = cells("development1", county.town, HALF_YEAR)
    assert half["total", "total"] == 3  # A1 (30 June), A3, A5; not A2 (1 July)
    assert (half["total", "age31"], half["total", "age36"]) == (1, 0)
    assert half["pub_worker", "total"] == 0 and half["farmer", "total"] == 1


def test_age_35_and_36_on_the_approval_date(county, crafted):
    c = cells("development2", county.town, ANNUAL)
    assert c["frontline", "youth"] == 1  # A1, 35 on 30 June, counted; A2, 36 on 1 July, not
    assert c["frontline", "total"] == 2


def test_age_on_the_cutoff_is_a_setting(county, crafted, settings):
    settings.PARTYSTATS_AGE_ON = "cutoff"
    c = cells("development1", county.town, ANNUAL)
    # on 31 Dec 2026: A1 35 (31至35), A2 36, A3 24, A5 31 (born 15 March 1995)
    assert (c["total", "age25"], c["total", "age26"], c["total", "age31"], c["total", "age36"]) == (
        1,
        0,
        2,
        1,
    )


def test_development_2_annual_every_cell(county, crafted):
    assert nonzero("development2", county.town, ANNUAL) == {
        ("total", "total"): 4,
        ("total", "women"): 1,
        ("total", "youth"): 3,
        ("frontline", "total"): 2,
        ("frontline", "women"): 1,
        ("frontline", "youth"): 1,
        ("fl_rural", "total"): 1,
        ("fl_rural", "women"): 1,
        ("fl_rural", "youth"): 1,
        ("fl_unknown", "total"): 1,  # A2: 一线, type not recorded
        ("titled", "total"): 1,
        ("title_junior", "total"): 1,
        ("title_unknown", "total"): 3,
        ("title_unknown", "women"): 1,
        ("title_unknown", "youth"): 3,
        ("locality_unknown", "total"): 4,  # no branch marked 乡（镇）/建制村/neither (test_locality.py)
        ("locality_unknown", "women"): 1,
        ("locality_unknown", "youth"): 3,
        ("honoured", "total"): 1,
        ("honoured", "youth"): 1,
        ("honoured_provincial", "total"): 1,
        ("honoured_provincial", "youth"): 1,
        ("honour_unknown", "total"): 3,
        ("honour_unknown", "women"): 1,
        ("honour_unknown", "youth"): 2,
        ("special", "total"): 1,
        ("special", "youth"): 1,
        ("league", "total"): 1,
        ("league", "youth"): 1,
        ("league_recommended", "total"): 1,
        ("league_recommended", "youth"): 1,
        ("taiwanese_unknown", "total"): 4,
        ("taiwanese_unknown", "women"): 1,
        ("taiwanese_unknown", "youth"): 3,
    }


def test_stocks_on_the_cutoff_with_a_transfer_across_it(county, crafted):
    # 31 Dec: S1 (35 that day), S4 (at 城关一: transferred out after the cut-off), S5 (社区二: received before)
    act = cells("activists", county.town, ANNUAL)
    assert (act["total", "total"], act["total", "youth"], act["category_unknown", "total"]) == (3, 3, 3)
    assert cells("activists", county.other_town, ANNUAL)["total", "total"] == 0  # S4's new file: not yet
    # 30 June: S1, S2 (35 then), S4, S7 (withdrawn in October); S5 still at 河口
    half = cells("activists", county.town, HALF_YEAR)
    assert (half["total", "total"], half["total", "youth"]) == (4, 4)
    assert cells("activists", county.other_town, HALF_YEAR)["total", "total"] == 1
    # 发展对象: S2 (from 31 Dec; 36 that day), S3 (approved only in 2027)
    targets = cells("targets", county.town, ANNUAL)
    assert (targets["total", "total"], targets["total", "youth"]) == (2, 1)
    assert cells("targets", county.town, HALF_YEAR)["total", "total"] == 1
    assert cells("applicants", county.town, ANNUAL)["total", "total"] == 1  # S6
    assert cells("applicants", county.town, HALF_YEAR)["total", "total"] == 0


def test_conversions(county, crafted):
    c = cells("conversion", county.town, ANNUAL)
    assert {r: c[r, "total"] for r in BY_KEY["conversion"].row_keys} == {
        "due": 4,  # C1, C2, C3, C6 (C4 ended in 2025; C5 cancelled before its end)
        "decided": 3,
        "converted": 1,  # C1
        "extended": 1,  # C2: 延长 then 转正 counts as 延长
        "cancelled": 1,  # C6
        "pending": 1,  # C3 (ends on the cut-off day)
        "cancelled_early": 1,  # C5
    }
    h = cells("conversion", county.town, HALF_YEAR)
    assert (
        h["due", "total"],
        h["converted", "total"],
        h["pending", "total"],
        h["cancelled_early", "total"],
    ) == (
        3,
        1,
        0,
        1,
    )


def test_roll_ups_equal_the_sum_of_the_children(county, crafted):
    for key in BY_KEY:
        for period in (ANNUAL, HALF_YEAR):
            dept = cells(key, county.dept, period)
            towns = (cells(key, county.town, period), cells(key, county.other_town, period))
            assert dept == {k: towns[0][k] + towns[1][k] for k in dept}, key
    town = cells("development1", county.town, ANNUAL)
    assert town["total", "total"] == (
        cells("development1", county.branch, ANNUAL)["total", "total"]
        + cells("development1", county.general, ANNUAL)["total", "total"]
    )


def test_the_sum_check_passes_and_fires(county, crafted):
    counted = selectors.count_table(BY_KEY["development1"], county.town, ANNUAL)
    assert selectors.checks(counted) == []
    counted.cells["student", "total"] += 1
    assert selectors.checks(counted) == ["「总数」列：总计 4 ≠ 各行之和 5"]


def test_a_cell_lists_exactly_the_people_it_counts(county, crafted):
    table = BY_KEY["development1"]
    listed = selectors.people(table, county.town, ANNUAL, "total", "youth")
    assert {c.pk for c in listed} == {crafted["A1"].pk, crafted["A3"].pk, crafted["A5"].pk}
    listed = selectors.people(table, county.town, ANNUAL, "category_unknown", "total")
    assert [c.pk for c in listed] == [crafted["A3"].pk]


def test_a_large_change_against_last_year_is_flagged(county, crafted, settings):
    settings.PARTYSTATS_CHANGE_SHARE = 0.5
    counted = selectors.count_table(BY_KEY["development1"], county.town, ANNUAL)
    flagged = selectors.large_changes(counted)
    # 2025: one admission (A4, 学生); 2026: four — 学生 1 → 1 unchanged, 总计 1 → 4 flagged
    assert "总计·总数：1 → 4" in flagged
    assert not any(line.startswith("学生·总数") for line in flagged)
