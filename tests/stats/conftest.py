"""A crafted county for the statistics boards: every figure the tests assert is worked out by hand
in the comments of tests/stats/test_figures.py. Cases and records are written directly (the
boards only read them); today is 2026-06-15.

城关镇党委 (town)
├── 城关一 (branch):      A admitted 2026-03-10 · B first activist of the year 2026-01-01 · C activist
│                          · D applicant · E withdrawn 2026-05-20 · F admitted 2025-05-01, transferred out
│                          2025-08-01 to 城关四
├── 城关社区党总支
│   └── 社区二 (branch_under_reviewer): G target (E12 overdue) · H admitted 2025-12-31 · I activist 2025-11-01
├── 城关三:               J admitted exactly three years ago (2023-06-15), archived · K activist 2024-06-15
└── 城关四:               L admitted 2024-01-01, full member · F′ (F's copy, transferred in)
河口镇党委 → 河口一:      M applicant 2026-06-15, nothing else
"""

import datetime as dt

import pytest

from branches.models import OrgKind
from cases import tallies
from cases.models import Case, CaseDeadline, Outcome, Person, Stage, StepRecord
from tests import factories as f

TODAY = dt.date(2026, 6, 15)
D = dt.date


@pytest.fixture
def today(monkeypatch):
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _case(branch, by, dates: dict, stage, outcome="", outcome_on=None, transferred_from=None, **columns):
    person = transferred_from.person if transferred_from else Person.objects.create(**f.person())
    case = Case.objects.create(
        person=person,
        branch=branch,
        stage=stage,
        outcome=outcome,
        outcome_on=outcome_on,
        transferred_from=transferred_from,
        applied_on=dates.get("application"),
        activist_on=dates.get("activist_selection"),
        target_on=dates.get("target_selection"),
        **columns,
    )
    for step, on in dates.items():
        StepRecord.objects.create(case=case, step=step, on=on, recorded_by=by, org=branch, rule_set="2014")
    return case


@pytest.fixture
def crafted(county, officer, officer_b, auditor, secretary, today):
    town = county.town
    cg01, cg02 = county.branch, county.branch_under_reviewer
    cg03 = f.org("城关镇第三党支部", OrgKind.BRANCH, town, code="CG03", short_name="城关三")
    cg04 = f.org("城关镇第四党支部", OrgKind.BRANCH, town, code="CG04", short_name="城关四")
    hk01 = county.other_branch
    by = officer
    cases = {}
    cases["A"] = _case(
        cg01,
        by,
        {
            "application": D(2024, 1, 5),
            "activist_selection": D(2024, 3, 1),
            "target_selection": D(2025, 3, 10),
            "admission_approval": D(2026, 3, 10),
        },
        Stage.PROBATIONARY,
        probation_start=D(2026, 2, 25),
    )
    cases["B"] = _case(
        cg01, by, {"application": D(2025, 10, 1), "activist_selection": D(2026, 1, 1)}, Stage.ACTIVIST
    )
    cases["C"] = _case(
        cg01, by, {"application": D(2025, 3, 1), "activist_selection": D(2025, 6, 15)}, Stage.ACTIVIST
    )
    cases["D"] = _case(cg01, by, {"application": D(2026, 5, 1)}, Stage.APPLICANT)
    cases["E"] = _case(
        cg01, by, {"application": D(2026, 2, 1)}, Stage.APPLICANT, Outcome.WITHDRAWN, D(2026, 5, 20)
    )
    f_dates = {
        "application": D(2023, 1, 1),
        "activist_selection": D(2023, 3, 1),
        "target_selection": D(2024, 3, 1),
        "admission_approval": D(2025, 5, 1),
    }
    cases["F"] = _case(
        cg01,
        by,
        f_dates,
        Stage.PROBATIONARY,
        Outcome.TRANSFERRED_OUT,
        D(2025, 8, 1),
        probation_start=D(2025, 4, 20),
    )
    cases["F2"] = _case(
        cg04, by, f_dates, Stage.PROBATIONARY, transferred_from=cases["F"], probation_start=D(2025, 4, 20)
    )
    cases["G"] = _case(
        cg02,
        by,
        {
            "application": D(2024, 2, 1),
            "activist_selection": D(2024, 5, 1),
            "target_selection": D(2026, 4, 1),
        },
        Stage.TARGET,
    )
    cases["H"] = _case(
        cg02,
        by,
        {
            "application": D(2023, 5, 1),
            "activist_selection": D(2024, 1, 10),
            "target_selection": D(2025, 2, 1),
            "admission_approval": D(2025, 12, 31),
        },
        Stage.PROBATIONARY,
        probation_start=D(2025, 12, 1),
    )
    cases["I"] = _case(
        cg02, by, {"application": D(2025, 9, 1), "activist_selection": D(2025, 11, 1)}, Stage.ACTIVIST
    )
    cases["J"] = _case(
        cg03,
        by,
        {
            "application": D(2020, 1, 1),
            "activist_selection": D(2021, 1, 1),
            "target_selection": D(2022, 2, 1),
            "admission_approval": D(2023, 6, 15),
            "conversion_approval": D(2024, 6, 20),
        },
        Stage.FULL_MEMBER,
        Outcome.ARCHIVED,
        D(2024, 7, 1),
    )
    cases["K"] = _case(
        cg03, by, {"application": D(2024, 1, 1), "activist_selection": D(2024, 6, 15)}, Stage.ACTIVIST
    )
    cases["L"] = _case(
        cg04,
        by,
        {
            "application": D(2021, 1, 1),
            "activist_selection": D(2021, 6, 1),
            "target_selection": D(2022, 7, 1),
            "admission_approval": D(2024, 1, 1),
            "conversion_approval": D(2025, 1, 5),
        },
        Stage.FULL_MEMBER,
        full_member_on=D(2025, 1, 1),
    )
    cases["M"] = _case(hk01, officer_b, {"application": D(2026, 6, 15)}, Stage.APPLICANT)
    g = cases["G"]
    common = dict(case=g, step="admission_approval", kind="limit", org=town, role="committee_officer")
    CaseDeadline.objects.create(
        key="admission_approval:E12", rule="E12", title="审批", due_on=D(2026, 6, 1), **common
    )
    CaseDeadline.objects.create(
        key="x:met", rule="", title="已办", due_on=D(2026, 1, 1), met_on=D(2026, 1, 2), **common
    )
    CaseDeadline.objects.create(key="x:today", rule="", title="今日", due_on=TODAY, **common)
    tallies.rebuild()  # the cases above were written around the write path: count them
    return type(
        "Crafted",
        (),
        dict(county=county, town=town, cg01=cg01, cg02=cg02, cg03=cg03, cg04=cg04, hk01=hk01, cases=cases),
    )
