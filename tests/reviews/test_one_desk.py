"""One desk, one definition of "what waits for me" (cases.selectors.reports_waiting): the forward
and return the desk offers on the case page (reviews.panels, reports_to_decide) are exactly the
reports its queues hold, for the 党总支's reviewer and for the committee's officer, and neither
offers a report of another branch's case. The case file names none of it."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services
from cases.models import Submission, SubmissionStatus
from demo.journey import advance
from reviews.queues import BY_SLUG
from reviews.selectors import queue_items, reports_to_decide
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def reported(county, secretary_under_reviewer, general_crew):
    """A 社区二支部 case whose 积极分子备案 report waits at the 党总支."""
    case = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 2, 1))
    advance(case, general_crew, until="activist_selection")
    on = case.activist_on + dt.timedelta(days=5)
    return services.submit(case=case, step_code="activist_filing", on=on, actor=secretary_under_reviewer), on


def test_it_offers_the_reviewer_on_the_case_page_what_the_review_queue_holds(reported, reviewer, client):
    submission, _ = reported
    assert list(reports_to_decide(reviewer)) == list(queue_items(reviewer, BY_SLUG["review"])) == [submission]
    client.force_login(reviewer)
    page = client.get(submission.case.get_absolute_url()).content.decode()
    assert reverse("reviews:forward", args=[submission.pk]) in page


def test_it_offers_the_committee_on_the_case_page_what_its_queue_holds(reported, reviewer, officer):
    submission, on = reported
    assert list(reports_to_decide(officer)) == list(queue_items(officer, BY_SLUG["activist_filing"])) == []
    services.forward(submission=submission, actor=reviewer, opinion="同意上报", on=on)
    at_committee = Submission.objects.get(case=submission.case, status=SubmissionStatus.PENDING)
    assert (
        list(reports_to_decide(officer))
        == list(queue_items(officer, BY_SLUG["activist_filing"]))
        == [at_committee]
    )
    assert list(reports_to_decide(reviewer)) == list(queue_items(reviewer, BY_SLUG["review"])) == []


def test_it_offers_no_one_outside_the_branch_a_report_on_the_page_or_the_desk(reported, outsider, officer_b):
    for user in (outsider, officer_b):
        assert not reports_to_decide(user).exists()
        assert not any(queue_items(user, q).exists() for q in BY_SLUG.values() if not q.by_case)


def test_the_branch_reads_the_return_reason_as_written_without_a_doubled_full_stop(
    reported, reviewer, secretary_under_reviewer, client
):
    submission, _ = reported
    services.return_submission(submission=submission, actor=reviewer, reason="缺少团组织推优表。")
    client.force_login(secretary_under_reviewer)
    page = client.get(submission.case.get_absolute_url()).content.decode()
    assert "退回理由：缺少团组织推优表。" in page
    assert "。。" not in page
