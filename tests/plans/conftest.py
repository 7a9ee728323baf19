"""A crafted county for the plan figures (tests/conftest.py's county): every admission, activist
and 发展对象 made directly as rows, so each figure of 城关镇党委's 2026 plan is known exactly.

城关镇党委 2026: 9 admissions (城关一 6, 社区党总支/社区二 3) against a plan of 10 ± 10% — exactly
−10%, met. Boundaries: an approval on the 35th birthday (not under 35), approvals on 2026-01-01
(counted) and 2025-12-31 (not), a replaced record (not), a transferred-out admission (counted once,
at the branch that approved it). 河口镇党委 has admissions and candidates the town must never see.
"""

import datetime as dt

import pytest
from django.utils import timezone

from branches.models import Role
from cases import tallies
from cases.models import Case, Outcome, Person, Publicity, Stage, StepRecord
from tests import factories as f

TODAY = dt.date(2026, 9, 15)
YEAR = 2026


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def _case(branch, *, birth=dt.date(1995, 3, 15), stage=Stage.ACTIVIST, **fields):
    person_fields = {
        k: fields.pop(k) for k in ("gender", "education", "is_frontline", "ethnicity") if k in fields
    }
    person = Person.objects.create(**f.person(birth=birth, **person_fields))
    return Case.objects.create(person=person, branch=branch, stage=stage, **fields)


def _record(case, step, on, user, org, current=True, rule_set="2026"):
    return StepRecord.objects.create(
        case=case, step=step, on=on, recorded_by=user, org=org, rule_set=rule_set, is_current=current
    )


def admit(branch, on, recorder, **person):
    case = _case(branch, stage=Stage.PROBATIONARY, **person)
    _record(case, "admission_approval", on, recorder, branch.parent)
    return case


@pytest.fixture
def crafted(county, today):
    recorder = f.user("recorder")
    b1, b2, hk = county.branch, county.branch_under_reviewer, county.other_branch
    plain = dict(gender="M", education="senior", is_frontline=False)
    # 城关一: 6 admissions in 2026
    admit(
        b1,
        dt.date(2026, 1, 1),
        recorder,
        birth=dt.date(1991, 1, 1),
        gender="F",
        education="college",
        is_frontline=True,
    )
    admit(
        b1,
        dt.date(2026, 3, 10),
        recorder,
        birth=dt.date(1991, 3, 11),
        gender="F",
        education="bachelor",
        is_frontline=False,
    )
    admit(
        b1,
        dt.date(2026, 4, 1),
        recorder,
        birth=dt.date(2000, 5, 5),
        gender="M",
        education="senior",
        is_frontline=True,
    )
    moved = admit(
        b1,
        dt.date(2026, 5, 1),
        recorder,
        birth=dt.date(1998, 1, 1),
        gender="F",
        education="junior",
        is_frontline=False,
        ethnicity="回族",
    )
    admit(
        b1,
        dt.date(2026, 6, 1),
        recorder,
        birth=dt.date(1995, 1, 1),
        gender="M",
        education="bachelor",
        is_frontline=False,
    )
    admit(
        b1,
        dt.date(2026, 7, 1),
        recorder,
        birth=dt.date(1980, 1, 1),
        gender="M",
        education="bachelor",
        is_frontline=False,
    )
    # the admitted member transfers to 社区二 in August: the copy is not a second admission
    moved.outcome, moved.outcome_on = Outcome.TRANSFERRED_OUT, dt.date(2026, 8, 1)
    moved.save()
    copy = _case(b2, stage=Stage.PROBATIONARY, transferred_from=moved, **plain)
    copy.person = moved.person  # same person (the open-case constraint allows: the original is closed)
    copy.save()
    _record(copy, "admission_approval", dt.date(2026, 5, 1), recorder, county.town)
    # 社区二: 3 admissions in 2026
    admit(
        b2,
        dt.date(2026, 2, 1),
        recorder,
        birth=dt.date(2001, 1, 1),
        gender="F",
        education="postgraduate",
        is_frontline=True,
    )
    admit(
        b2,
        dt.date(2026, 8, 1),
        recorder,
        birth=dt.date(1999, 9, 9),
        gender="M",
        education="primary",
        is_frontline=False,
    )
    admit(
        b2,
        dt.date(2026, 8, 15),
        recorder,
        birth=dt.date(1992, 12, 31),
        gender="M",
        education="college",
        is_frontline=False,
    )
    # not counted in 2026: approved the day before; a replaced record
    admit(b1, dt.date(2025, 12, 31), recorder, **plain)
    replaced = _case(b1, stage=Stage.TARGET, **plain)
    _record(replaced, "admission_approval", dt.date(2026, 6, 6), recorder, county.town, current=False)
    # 河口: 2 admissions the town never counts
    admit(hk, dt.date(2026, 3, 1), recorder, **plain)
    admit(hk, dt.date(2026, 4, 1), recorder, **plain)

    # activists on 2026-09-15: c1, c2 (城关一) and the transferred c5 (社区二) = 3
    _case(b1, activist_on=dt.date(2026, 2, 1), **plain)  # c1, new in 2026
    _case(b1, activist_on=dt.date(2025, 6, 1), **plain)  # c2
    _case(
        b2,
        activist_on=dt.date(2026, 3, 1),
        outcome=Outcome.WITHDRAWN,
        outcome_on=dt.date(2026, 4, 1),
        **plain,
    )  # c4, new
    c5 = _case(
        b1,
        activist_on=dt.date(2026, 1, 15),
        outcome=Outcome.TRANSFERRED_OUT,
        outcome_on=dt.date(2026, 6, 1),
        **plain,
    )
    c5_copy = Case.objects.create(
        person=c5.person, branch=b2, stage=Stage.ACTIVIST, activist_on=c5.activist_on, transferred_from=c5
    )
    _case(hk, activist_on=dt.date(2026, 2, 1), **plain)

    # 发展对象: `replaced` (its approval record was replaced) and p1 projected; p2 past its E12 limit; p3 whose 公示 ends on 2026-12-31 (earliest 2027-01-01)
    p1 = _case(
        b1, stage=Stage.TARGET, activist_on=dt.date(2024, 1, 1), target_on=dt.date(2025, 3, 1), **plain
    )
    _record(p1, "target_selection", dt.date(2025, 3, 1), recorder, b1, rule_set="2014")
    _record(p1, "admission_meeting", dt.date(2026, 5, 1), recorder, b1)
    p2 = _case(
        b2, stage=Stage.TARGET, activist_on=dt.date(2024, 6, 1), target_on=dt.date(2025, 7, 1), **plain
    )
    _record(p2, "target_selection", dt.date(2025, 7, 1), recorder, b2, rule_set="2014")
    _record(p2, "admission_meeting", dt.date(2026, 2, 1), recorder, b2)
    p3 = _case(
        b1, stage=Stage.TARGET, activist_on=dt.date(2025, 1, 1), target_on=dt.date(2026, 8, 1), **plain
    )
    _record(p3, "target_selection", dt.date(2026, 8, 1), recorder, b1)
    _record(p3, "target_filing", dt.date(2026, 9, 1), recorder, county.town)
    Publicity.objects.create(
        case=p3, start_on=dt.date(2026, 12, 20), end_on=dt.date(2026, 12, 31), recorded_by=recorder
    )
    hk_target = _case(
        hk, stage=Stage.TARGET, activist_on=dt.date(2024, 1, 1), target_on=dt.date(2025, 3, 1), **plain
    )
    _record(hk_target, "target_selection", dt.date(2025, 3, 1), recorder, hk, rule_set="2014")
    tallies.rebuild()  # the cases above were written around the write path: count them
    return type(
        "Crafted", (), dict(replaced=replaced, p1=p1, p2=p2, p3=p3, c5_copy=c5_copy, recorder=recorder)
    )


@pytest.fixture
def town_plan(county, crafted):
    """The department's plan for 城关镇党委, set through the service."""
    from plans.services import save_plan

    auditor = f.user("plan_auditor", Role.DEPARTMENT_AUDITOR, county.dept)
    values = dict(
        quota=10,
        float_percent=10,
        youth_mode="at_least",
        youth_percent=70,
        women_mode="at_least",
        women_percent=40,
        frontline_mode="about",
        frontline_percent=30,
        activists_per_admission=3,
    )
    return save_plan(org=county.town, year=YEAR, values=values, actor=auditor)
