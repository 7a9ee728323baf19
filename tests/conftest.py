"""Personas and a small county: two townships, one with a 党总支 between it and a branch.

县委组织部 (auditor)
├── 城关镇党委 (can_approve; officer)
│   ├── 城关一支部 (8 full members → 支部委员会; secretary)
│   └── 城关社区党总支 (reviewer; cannot approve)
│       └── 社区二支部 (5 full + 1 probationary → 支部大会; secretary_under_reviewer)
└── 河口镇党委 (can_approve; officer_b)
    └── 河口一支部 (outsider: its secretary)
"""

import datetime as dt
import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from branches.models import OrgKind, Role  # noqa: E402
from demo.journey import Crew  # noqa: E402
from tests import factories as f  # noqa: E402

BROWSER_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": BROWSER_ARGS}


@pytest.fixture
def page(page):
    """pytest-playwright's page, failing the test if Chromium refuses anything under the Content
    Security Policy (an inline script or style, a foreign source): every browser test checks the CSP."""
    refused = []
    page.on(
        "console", lambda msg: refused.append(msg.text) if "Content Security Policy" in msg.text else None
    )
    yield page
    assert refused == [], "CSP violations in the browser"


@pytest.fixture
def county(db):
    dept = f.org("某县委组织部", OrgKind.DEPARTMENT, code="DEPT")
    town = f.org("城关镇党委", OrgKind.COMMITTEE, dept, can_approve=True, code="CG", letter_prefix="城组")
    branch = f.org("城关镇第一党支部", OrgKind.BRANCH, town, code="CG01", short_name="城关一")
    general = f.org("城关社区党总支", OrgKind.GENERAL_BRANCH, town, code="CGZZ")
    branch_under_reviewer = f.org("社区第二党支部", OrgKind.BRANCH, general, code="CG02", short_name="社区二")
    other_town = f.org(
        "河口镇党委", OrgKind.COMMITTEE, dept, can_approve=True, code="HK", letter_prefix="河组"
    )
    other_branch = f.org("河口镇第一党支部", OrgKind.BRANCH, other_town, code="HK01", short_name="河口一")
    f.members(branch, full=8)
    f.members(branch_under_reviewer, full=5, probationary=1)
    f.members(other_branch, full=4)
    return type(
        "County",
        (),
        dict(
            dept=dept,
            town=town,
            branch=branch,
            general=general,
            branch_under_reviewer=branch_under_reviewer,
            other_town=other_town,
            other_branch=other_branch,
        ),
    )


@pytest.fixture
def secretary(county):
    return f.user("secretary", Role.BRANCH_SECRETARY, county.branch, first_name="李书记")


@pytest.fixture
def secretary_under_reviewer(county):
    return f.user("secretary2", Role.BRANCH_SECRETARY, county.branch_under_reviewer, first_name="赵书记")


@pytest.fixture
def reviewer(county):
    return f.user("reviewer", Role.REVIEWER, county.general, first_name="钱委员")


@pytest.fixture
def officer(county):
    return f.user("officer", Role.COMMITTEE_OFFICER, county.town, first_name="孙组织委员")


@pytest.fixture
def officer_b(county):
    return f.user("officer_b", Role.COMMITTEE_OFFICER, county.other_town, first_name="周组织委员")


@pytest.fixture
def auditor(county):
    return f.user("auditor", Role.DEPARTMENT_AUDITOR, county.dept, first_name="吴科长")


@pytest.fixture
def outsider(county):
    return f.user("outsider", Role.BRANCH_SECRETARY, county.other_branch, first_name="郑书记")


@pytest.fixture
def personas(secretary, secretary_under_reviewer, reviewer, officer, officer_b, auditor, outsider):
    return {
        "secretary": secretary,
        "secretary_under_reviewer": secretary_under_reviewer,
        "reviewer": reviewer,
        "officer": officer,
        "officer_b": officer_b,
        "auditor": auditor,
        "outsider": outsider,
    }


@pytest.fixture
def crew(secretary, officer, auditor):
    """城关一支部's secretary, the township officer and the county auditor: no 党总支 between."""
    return Crew(secretary, officer, auditor)


@pytest.fixture
def general_crew(secretary_under_reviewer, reviewer, officer, auditor):
    """社区二支部's secretary, under the 党总支 whose reviewer forwards every report upward."""
    return Crew(secretary_under_reviewer, officer, auditor, reviewers=(reviewer,))


@pytest.fixture
def case(county, secretary):
    return f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))


@pytest.fixture(autouse=True)
def _erase_event_trail_after_transactional_test(request):
    """transaction=True tests (browser, races) end with pytest-django emptying every table. The audit
    tables are append-only in the database itself (cases/migrations/0002, audit.triggers): PostgreSQL
    flushes with TRUNCATE, which row triggers do not see, but on SQLite the BEFORE DELETE triggers
    refuse the flush. So on SQLite, before the flush, lift every trigger, empty its table and put
    the trigger back."""
    marker = request.node.get_closest_marker("django_db")
    if not (marker and marker.kwargs.get("transaction")):
        yield
        return
    request.getfixturevalue("transactional_db")  # set up inside this fixture: torn down after it
    yield
    from django.db import connection

    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger'")
        found = cursor.fetchall()
        for name, _, _ in found:
            cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')
        for table in {table for _, table, _ in found}:
            cursor.execute(f'DELETE FROM "{table}"')
        for _, _, sql in found:
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Rate limits and lockouts live in the cache: every test starts without any."""
    from django.core.cache import cache

    cache.clear()
    yield
