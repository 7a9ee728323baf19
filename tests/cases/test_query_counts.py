"""The case list, the 工作台 and the case page run a fixed number of SQL queries, however many
cases, steps, events and materials there are (no N+1). Each page is measured small and large for
every persona that reads it; the counts must be equal and within a tight ceiling.

The ceilings are the measured counts (SQLite and PostgreSQL run the same queries). If a change
adds a query on purpose, raise the ceiling here; if a count differs between small and large, a
template or presenter walks a relation per row: select_related/prefetch it in cases/selectors.py.
"""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import CaseEvent
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db

# Measured ceilings (session, user, grants — own, by group, delegations in force —, scope, then the
# page's own reads, then the bell's count).
# + the page's submissions (report states and whether each case waits on the user)
LIST_QUERIES = {"secretary": 11, "officer": 11, "auditor": 11}
# + the desk queue counts, the reminders' 已逾期 / 7 天内到期 lists, the files with gaps; + the
# returned cases and, when there are some, their submissions
DASHBOARD_QUERIES = {"secretary": 14, "officer": 19, "auditor": 15}
# + the person's cases (whose edits the field history may show), the dated entries, the material
# waivers, the 一人一档 panel, the 公示 notices offered (reviews.panels)
DETAIL_QUERIES = {"secretary": 25, "officer": 25, "auditor": 25}


def queries(client, url: str, **headers) -> list[str]:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, headers=headers)
    assert response.status_code == 200, url
    return [q["sql"] for q in ctx.captured_queries]


def assert_same(small: list[str], large: list[str], ceiling: int, what: str) -> None:
    extra = "\n".join(q[:160] for q in large[len(small) :]) if len(large) > len(small) else ""
    assert len(small) == len(large), f"{what}: {len(small)} queries small, {len(large)} large\n{extra}"
    assert len(large) <= ceiling, f"{what}: {len(large)} queries, ceiling {ceiling}\n" + "\n".join(
        q[:160] for q in large
    )


def pdf(i: int) -> SimpleUploadedFile:
    return f.pdf_upload(f"scan{i}.pdf", pages=i + 1)


@pytest.fixture
def personas_logged_in(client, secretary, officer, auditor):
    def read(persona: str, url: str, **headers) -> list[str]:
        client.force_login({"secretary": secretary, "officer": officer, "auditor": auditor}[persona])
        return queries(client, url, **headers)

    return read


def test_the_list_and_the_dashboard_do_not_grow_with_the_number_of_cases(
    personas_logged_in, county, secretary, crew
):
    first = [f.new_case(county.branch, secretary) for _ in range(3)]
    advance(first[0], crew, until="activist_selection")  # a report pending at the committee
    pages = {
        "list": (reverse("cases:list"), {}),
        "list rows (htmx)": (reverse("cases:list") + "?outcome=all", {"HX-Request": "true"}),
        "dashboard": (reverse("cases:dashboard"), {}),
    }
    small = {
        (page, who): personas_logged_in(who, url, **headers)
        for page, (url, headers) in pages.items()
        for who in LIST_QUERIES
    }

    # 60 open cases (a full page of 50) in several stages, most overdue, one due within two weeks,
    # one closed.
    for i in range(57):
        case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10) + dt.timedelta(days=i))
        if i % 10 == 0:
            advance(case, crew, until=("initial_talk", "activist_selection", "contacts_assigned")[i % 3])
    recent = f.new_case(county.branch, secretary, applied_on=dt.date.today() - dt.timedelta(days=20))
    assert recent.next_due >= dt.date.today()
    services.close_case(
        case=first[1], outcome="withdrawn", on=dt.date(2023, 2, 1), reason="本人撤回", actor=secretary
    )

    for (page, who), before in small.items():
        url, headers = pages[page]
        ceiling = (DASHBOARD_QUERIES if page == "dashboard" else LIST_QUERIES)[who]
        assert_same(before, personas_logged_in(who, url, **headers), ceiling, f"{page} as {who}")


def test_the_case_page_does_not_grow_with_steps_events_or_materials(
    personas_logged_in, county, secretary, officer, crew
):
    early = f.new_case(county.branch, secretary)
    advance(early, crew, until="initial_talk")  # at step 2 done, step 3 next
    done = f.new_case(county.branch, secretary)
    advance(done, crew, until="archiving")  # 25 steps, 5 reports, meetings, votes, people
    for i in range(3):
        services.upload_material(case=done, title=f"材料{i}", upload=pdf(i), actor=secretary, step="oath")

    small = {who: personas_logged_in(who, early.get_absolute_url()) for who in DETAIL_QUERIES}
    large = {who: personas_logged_in(who, done.get_absolute_url()) for who in DETAIL_QUERIES}
    for who in DETAIL_QUERIES:
        ceiling = DETAIL_QUERIES[who]
        assert len(small[who]) <= ceiling and len(large[who]) <= ceiling, (
            who,
            len(small[who]),
            len(large[who]),
        )

    # More of everything on the same case: the count does not move.
    for i in range(3, 15):
        services.upload_material(case=done, title=f"材料{i}", upload=pdf(i), actor=officer, step="")
    assert CaseEvent.objects.filter(case=done).count() > 45
    for who in DETAIL_QUERIES:
        assert_same(large[who], personas_logged_in(who, done.get_absolute_url()), DETAIL_QUERIES[who], who)

    # An open case early and late in its path, with a report pending at the committee.
    late = f.new_case(county.branch, secretary)
    advance(late, crew, until="admission_meeting")
    services.submit(case=late, step_code="admission_approval", on=dt.date(2024, 7, 1), actor=secretary)
    for who in DETAIL_QUERIES:
        assert_same(
            small[who],
            personas_logged_in(who, late.get_absolute_url()),
            DETAIL_QUERIES[who],
            f"open case, {who}",
        )
