"""Forward (审议同意并上报) and return (退回党支部) of one pending report are the desk's: it offers
them in the report's row on the case page (a panel through cases.panels), each exactly when the
policy lets the user do it, and its own addresses call the case file's public actions."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services
from cases.models import CaseEvent, Submission, SubmissionStatus
from demo.journey import advance
from reviews.forms import ReturnForm
from tests import factories as f

pytestmark = pytest.mark.django_db

FORWARD, RETURN = "审议同意并上报", "退回理由（党支部可见）"


@pytest.fixture
def reported(county, secretary_under_reviewer, general_crew):
    """A 社区二支部 case whose 积极分子备案 report waits at the 党总支."""
    case = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 2, 1))
    advance(case, general_crew, until="activist_selection")
    on = case.activist_on + dt.timedelta(days=5)
    return services.submit(case=case, step_code="activist_filing", on=on, actor=secretary_under_reviewer)


def page(client, user, case) -> str:
    client.force_login(user)
    return client.get(case.get_absolute_url()).content.decode()


def test_the_return_form_asks_for_a_reason_once():
    blank = ReturnForm({"reason": "   "})
    assert not blank.is_valid() and blank.errors["reason"] == ["退回须填写理由，理由党支部可见"]
    too_long = ReturnForm({"reason": "长" * 1001})
    assert not too_long.is_valid() and len(too_long.errors["reason"]) == 1
    assert ReturnForm({"reason": "缺少推优表"}).is_valid()


def test_the_case_page_offers_each_act_on_a_report_exactly_where_it_waits_for_the_user(
    client, reported, reviewer, officer, secretary_under_reviewer
):
    case = reported.case
    at_general = page(client, reviewer, case)
    assert FORWARD in at_general and RETURN in at_general
    assert reverse("reviews:forward", args=[reported.pk]) in at_general
    assert FORWARD not in page(client, officer, case)  # not yet at the 镇党委
    assert RETURN not in page(client, secretary_under_reviewer, case)

    services.forward(submission=reported, actor=reviewer, opinion="同意上报")
    at_committee = page(client, officer, case)
    assert RETURN in at_committee and FORWARD not in at_committee  # a committee returns or decides
    assert RETURN not in page(client, reviewer, case)


def test_forwarding_from_the_case_page_moves_the_report_up_and_records_it(client, county, reported, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("reviews:forward", args=[reported.pk]), {"opinion": "同意，报镇党委"})
    assert response.status_code == 302 and response["Location"] == reported.case.get_absolute_url()
    reported.refresh_from_db()
    assert reported.at_org == county.town and reported.reviewed[-1]["opinion"] == "同意，报镇党委"
    assert CaseEvent.objects.filter(case=reported.case, kind="review").count() == 1
    forwarded = CaseEvent.objects.get(case=reported.case, kind="review")
    assert forwarded.source == "desk" and forwarded.get_source_display() == "审批台"  # the desk's write


def test_a_return_without_a_reason_says_why_and_changes_nothing(client, reported, reviewer):
    client.force_login(reviewer)
    response = client.post(reverse("reviews:return", args=[reported.pk]), {"reason": "  "}, follow=True)
    assert "退回须填写理由" in response.content.decode()
    assert Submission.objects.get(pk=reported.pk).status == SubmissionStatus.PENDING
    assert not CaseEvent.objects.filter(case=reported.case, kind="return").exists()

    client.post(reverse("reviews:return", args=[reported.pk]), {"reason": "缺少推优表"})
    assert Submission.objects.get(pk=reported.pk).status == SubmissionStatus.RETURNED


def test_a_report_decided_meanwhile_is_no_longer_found(client, reported, reviewer):
    services.return_submission(submission=reported, actor=reviewer, reason="缺少推优表")
    client.force_login(reviewer)
    assert client.post(reverse("reviews:forward", args=[reported.pk]), {"opinion": "同意"}).status_code == 404
