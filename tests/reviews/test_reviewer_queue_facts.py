"""The reviewer's queue (党总支/村党委) shows what is being reviewed — the report, the meeting that
decided it with its counts and votes, the materials in the file — without opening the case; in a
constant number of queries however many reports wait."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import services
from cases.models import Vote
from demo.journey import advance, scan_pdf
from tests import factories as f

pytestmark = pytest.mark.django_db


def waiting_reports(county, secretary, crew, n):
    cases = []
    for i in range(n):
        case = f.new_case(county.branch_under_reviewer, secretary, applied_on=dt.date(2023, 2, 1 + i))
        advance(case, crew, until="activist_selection")
        services.submit(case=case, step_code="activist_filing", on=case.activist_on, actor=secretary)
        cases.append(case)
    return cases


def test_the_reviewer_sees_the_meeting_votes_and_materials(
    client, county, secretary_under_reviewer, reviewer, general_crew
):
    [case] = waiting_reports(county, secretary_under_reviewer, general_crew, 1)
    services.upload_material(
        case=case, title="入党申请书", upload=scan_pdf(), step="application", actor=secretary_under_reviewer
    )
    record = case.records.get(step="activist_selection", is_current=True)
    vote = Vote.objects.get(case=case, step="activist_selection")
    client.force_login(reviewer)

    page = client.get(reverse("reviews:queue", args=["review"])).content.decode()

    assert "报送事项：<strong>4. 上级党委备案</strong>" in page and "确定为入党积极分子：" in page
    meeting = record.meeting
    assert (
        f"{meeting.get_body_display()}：应到{meeting.entitled}，实到{meeting.present}，赞成{vote.yes}" in page
    )
    assert "材料：1 份" in page


def test_the_reviewer_queue_takes_constant_queries(
    client, county, secretary_under_reviewer, reviewer, general_crew, django_assert_max_num_queries
):
    waiting_reports(county, secretary_under_reviewer, general_crew, 1)
    client.force_login(reviewer)
    url = reverse("reviews:queue", args=["review"])
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    waiting_reports(county, secretary_under_reviewer, general_crew, 3)
    with django_assert_max_num_queries(len(one)):
        assert client.get(url).status_code == 200


def test_an_officer_of_the_committee_does_not_get_the_reviewer_queue(client, officer):
    client.force_login(officer)
    assert client.get(reverse("reviews:queue", args=["review"])).status_code == 403
