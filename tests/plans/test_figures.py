"""Every figure of the crafted county's 2026 plan page, exactly (tests/plans/conftest.py)."""

import datetime as dt

import pytest

from cases import counting
from cases.context import RuleContext
from plans import progress
from plans.progress import QuotaStatus
from plans.selectors import plan_progress
from tests.plans.conftest import TODAY, YEAR

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("count", "quota", "float_percent", "status"),
    [
        (9, 10, 10, QuotaStatus.MET),  # exactly −10%: met
        (8, 10, 10, QuotaStatus.BELOW),
        (11, 10, 10, QuotaStatus.MET),  # exactly +10%
        (12, 10, 10, QuotaStatus.ABOVE),
        (13, 15, 10, QuotaStatus.BELOW),  # the bound is 13.5
        (14, 15, 10, QuotaStatus.MET),
        (10, 10, 0, QuotaStatus.MET),
        (0, 0, 10, QuotaStatus.MET),
    ],
)
def test_quota_status_boundaries(count, quota, float_percent, status):
    assert progress.quota_status(count, quota, float_percent) == status


def test_quota_band_in_whole_people():
    assert progress.quota_band(10, 10) == (9, 11)
    assert progress.quota_band(15, 10) == (14, 16)


@pytest.mark.parametrize(
    ("mode", "percent", "count", "total", "met"),
    [
        ("at_least", 70, 7, 10, True),  # exactly 70%
        ("at_least", 70, 6, 10, False),
        ("about", 30, 35, 100, True),  # +5 points
        ("about", 30, 36, 100, False),
        ("about", 30, 25, 100, True),  # −5 points
        ("about", 30, 24, 100, False),
        ("", None, 1, 10, None),
        ("at_least", 40, 0, 0, None),  # nothing admitted: not judged
    ],
)
def test_target_boundaries(mode, percent, count, total, met):
    assert progress.target_met(mode, percent, count, total) is met


def test_age_35_on_the_approval_date_is_not_under_35():
    youth = counting.MEASURE_BY_KEY["youth"]
    at = dict(
        case_id=1,
        branch_id=1,
        branch_path="/1/",
        gender="M",
        education="",
        is_frontline=False,
        ethnicity="汉族",
    )
    assert not youth.test(counting.Admission(on=dt.date(2026, 1, 1), birth_date=dt.date(1991, 1, 1), **at))
    assert youth.test(counting.Admission(on=dt.date(2025, 12, 31), birth_date=dt.date(1991, 1, 1), **at))


def test_town_admissions_counted_by_approval_date_once(county, crafted):
    admitted = counting.admissions(county.town, YEAR)
    assert len(admitted) == 9
    assert admitted[0].on == dt.date(2026, 1, 1)  # the first day counts; 2025-12-31 does not
    assert len(counting.admissions(county.town, 2025)) == 1
    assert len(counting.admissions(county.other_town, YEAR)) == 2
    assert len(counting.admissions(county.dept, YEAR)) == 11


def test_town_plan_page_figures(county, crafted, town_plan):
    report = plan_progress(county.town, YEAR, RuleContext.current())
    assert report.as_of == TODAY
    quota = report.quota
    assert (quota.quota, quota.count, quota.band, quota.status) == (10, 9, (9, 11), QuotaStatus.MET)
    targets = {t.measure.key: (t.count, round(t.share, 1), t.met) for t in report.targets}
    assert targets == {
        "youth": (7, 77.8, True),  # the approval on the 35th birthday is not under 35
        "women": (4, 44.4, True),
        "college": (6, 66.7, None),  # no target set
        "frontline": (3, 33.3, True),  # 30% 左右
        "minority": (1, 11.1, None),
    }
    assert (report.activists, report.activists_needed, report.activists_enough) == (3, 30, False)
    assert report.new_activists == 3
    assert [p.case_id for p in report.will_be_approved] == [crafted.replaced.pk, crafted.p1.pk]
    assert report.will_be_approved[1].limit == dt.date(2026, 11, 1)  # E12: 支部大会 + 6 months
    assert [p.case_id for p in report.blocked] == [crafted.p2.pk]
    assert crafted.p3.pk not in [p.case_id for p in report.projected]  # 公示 ends 12-31: 2027
    assert report.projected_quota.count == 11
    rows = {
        row.org.code: (row.admissions, row.projected, row.activists, row.new_activists) for row in report.rows
    }
    assert rows == {"CG01": (6, 2, 2, 2), "CGZZ": (3, 0, 1, 1)}
    assert [row.plan for row in report.rows] == [None, None]
    assert report.rollup.problems == ["尚未制定2026年计划的下级组织：城关镇第一党支部、城关社区党总支"]
    shortfalls = {s.branch.code: s.reasons for s in report.shortfalls}
    assert shortfalls == {
        "CG01": ["新培养入党积极分子 2 名，少于至少 3 名"],
        "CG02": ["新培养入党积极分子 1 名，少于至少 3 名"],
    }


def test_projection_only_for_the_current_year(county, crafted, town_plan):
    report = plan_progress(county.town, 2025, RuleContext.current())
    assert report.projected is None and report.projected_quota is None
    assert report.as_of == dt.date(2025, 12, 31)


def test_children_that_do_not_add_up(county, crafted, town_plan, officer):
    from plans.services import save_plan

    save_plan(
        org=county.branch,
        year=YEAR,
        values={"quota": 6, "youth_mode": "at_least", "youth_percent": 50, "activists_per_admission": 2},
        actor=officer,
    )
    save_plan(
        org=county.general,
        year=YEAR,
        values={"quota": 3, "youth_mode": "at_least", "youth_percent": 80},
        actor=officer,
    )
    report = plan_progress(county.town, YEAR, RuleContext.current())
    assert report.rollup.children_quota == 9
    assert report.rollup.problems == [
        "下级计划合计 9 名，本级计划 10 名（少 1 名）",
        "下级「35岁以下」目标折合 60.0%，低于本级目标（不低于70%）",
        "下级「女性」目标折合 0.0%，低于本级目标（不低于40%）",
        "下级「生产工作一线」目标折合 0.0%，低于本级目标（30%左右）",
        "城关镇第一党支部：积极分子比例 1∶2，低于本级 1∶3",
    ]
    rows = {row.org.code: row.quota.status for row in report.rows}
    assert rows == {"CG01": QuotaStatus.MET, "CGZZ": QuotaStatus.MET}
