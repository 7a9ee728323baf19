"""A crafted county for the 党内统计 tables: every case made directly as rows, so every cell of
城关镇党委's 2026 tables is known exactly (tests/conftest.py's county).

Admissions (上级党委审批) of 城关镇党委 in 2026: A1 on 30 June (35 on that day), A2 on 1 July (36 on that
day), A3 (人员类别, 学历 待补充; 回族; 劳务派遣工; 省部级先进模范; 特殊情况下发展; 推优团员), A5 at 城关一
then transferred to 社区二 (counted once, at 城关一); not counted: A4 (31 Dec 2025) and a replaced
record; A6 is 河口镇's. Stocks and 转正: see the tests."""

import datetime as dt

import pytest

from cases.models import Case, Outcome, Person, Stage, StepRecord
from tests import factories as f

d = dt.date


BIRTH = d(1995, 3, 15)


def make_case(branch, *, birth=BIRTH, stage=Stage.ACTIVIST, person=None, **fields):
    person_fields = {"is_frontline": False, **(person or {})}
    p = Person.objects.create(**f.person(birth=birth, **person_fields))
    return Case.objects.create(person=p, branch=branch, stage=stage, **fields)


def record(case, step, on, user, current=True):
    return StepRecord.objects.create(
        case=case, step=step, on=on, recorded_by=user, org=case.branch, rule_set="2026", is_current=current
    )


def admit(branch, on, user, **kwargs):
    case = make_case(branch, stage=Stage.PROBATIONARY, **kwargs)
    record(case, "admission_approval", on, user)
    return case


def transfer(case, to_branch, on, **fields):
    case.outcome, case.outcome_on = Outcome.TRANSFERRED_OUT, on
    case.save()
    return Case.objects.create(
        person=case.person, branch=to_branch, stage=case.stage, transferred_from=case, **fields
    )


@pytest.fixture
def crafted(county):
    user = f.user("recorder")
    b1, b2, hk = county.branch, county.branch_under_reviewer, county.other_branch
    cases = {}
    # ---- admissions
    cases["A1"] = admit(
        b1,
        d(2026, 6, 30),
        user,
        birth=d(1991, 6, 30),
        person=dict(
            gender="F",
            category="farmer",
            is_migrant_worker=True,
            education="technical",
            is_frontline=True,
            frontline_kind="rural",
        ),
    )
    cases["A2"] = admit(
        b1,
        d(2026, 7, 1),
        user,
        birth=d(1990, 7, 1),
        person=dict(
            category="pub_worker",
            is_migrant_worker=True,
            education="high_school",
            is_frontline=True,
            title_level="junior",
        ),
    )
    cases["A3"] = admit(
        b2,
        d(2026, 3, 10),
        user,
        birth=d(2002, 5, 1),
        person=dict(
            education="senior",
            ethnicity="回族",
            is_dispatched=True,
            honour_level="provincial",
            is_league_member=True,
        ),
        special_development=True,
        league_recommended_on=d(2020, 5, 4),
    )
    admit(b1, d(2025, 12, 31), user, person=dict(category="student"))  # A4: last year
    replaced = admit(b1, d(2026, 5, 5), user, person=dict(category="student"))
    StepRecord.objects.filter(case=replaced).update(is_current=False)  # a replaced record
    a5 = admit(b1, d(2026, 2, 1), user, person=dict(category="student"))
    a5_new = transfer(a5, b2, d(2026, 8, 1))
    record(a5_new, "admission_approval", d(2026, 2, 1), user)  # the transfer's copy
    cases["A5"] = a5
    cases["A6"] = admit(hk, d(2026, 4, 1), user, person=dict(category="farmer"))
    # ---- stocks
    cases["S1"] = make_case(b1, birth=d(1991, 12, 31), applied_on=d(2025, 1, 1), activist_on=d(2026, 3, 1))
    cases["S2"] = make_case(
        b1,
        birth=d(1990, 12, 31),
        applied_on=d(2025, 1, 1),
        activist_on=d(2025, 3, 1),
        target_on=d(2026, 12, 31),
    )
    s3 = make_case(
        b2, stage=Stage.TARGET, applied_on=d(2024, 1, 1), activist_on=d(2024, 3, 1), target_on=d(2026, 5, 1)
    )
    record(s3, "admission_approval", d(2027, 1, 5), user)  # approved after the cut-off
    s4 = make_case(b1, applied_on=d(2025, 1, 1), activist_on=d(2026, 2, 1))
    transfer(s4, hk, d(2027, 1, 10), applied_on=d(2025, 1, 1), activist_on=d(2026, 2, 1))  # after the cut-off
    s5 = make_case(hk, applied_on=d(2025, 1, 1), activist_on=d(2026, 2, 1))
    transfer(s5, b2, d(2026, 11, 1), applied_on=d(2025, 1, 1), activist_on=d(2026, 2, 1))  # before it
    cases["S6"] = make_case(b1, stage=Stage.APPLICANT, applied_on=d(2026, 9, 1))
    make_case(
        b1,
        applied_on=d(2025, 1, 1),
        activist_on=d(2026, 1, 15),
        outcome=Outcome.WITHDRAWN,
        outcome_on=d(2026, 10, 1),
    )  # S7
    # ---- 转正
    c1 = make_case(b1, stage=Stage.FULL_MEMBER, probation_start=d(2025, 3, 1), probation_end=d(2026, 3, 1))
    record(c1, "conversion_approval", d(2026, 3, 10), user)
    c2 = make_case(
        b1,
        stage=Stage.FULL_MEMBER,
        probation_start=d(2025, 6, 1),
        probation_end=d(2026, 12, 1),
        extension_months=6,
    )
    record(c2, "conversion_approval", d(2026, 12, 20), user)  # 延长 then 转正
    make_case(
        b2, stage=Stage.PROBATIONARY, probation_start=d(2025, 12, 31), probation_end=d(2026, 12, 31)
    )  # C3
    make_case(
        b2, stage=Stage.PROBATIONARY, probation_start=d(2024, 12, 31), probation_end=d(2025, 12, 31)
    )  # C4
    make_case(  # C5: cancelled before the probation ended
        b1,
        stage=Stage.PROBATIONARY,
        probation_start=d(2026, 1, 10),
        probation_end=d(2027, 1, 10),
        outcome=Outcome.PROBATION_CANCELLED,
        outcome_on=d(2026, 5, 1),
    )
    make_case(  # C6: cancelled after it ended
        b1,
        stage=Stage.PROBATIONARY,
        probation_start=d(2025, 2, 1),
        probation_end=d(2026, 2, 1),
        outcome=Outcome.PROBATION_CANCELLED,
        outcome_on=d(2026, 2, 15),
    )
    return cases
