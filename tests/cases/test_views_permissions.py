"""The permission matrix: every case view and action × every role × a case of another branch.

An invisible case is a 404; a visible case the role may not act on is a 403.
"""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import CaseEvent, SensitiveAccess
from demo.journey import Crew, advance
from tests import factories as f

pytestmark = pytest.mark.django_db

PERSONAS = [
    "secretary",
    "officer",
    "auditor",
    "reviewer",
    "secretary_under_reviewer",
    "outsider",
    "officer_b",
]
# The case lives in 城关一支部 (directly under 城关镇党委): the reviewer's 党总支 is not above it.
SEES = {"secretary", "officer", "auditor"}


def pdf():
    return f.pdf_upload("minutes.pdf")


def expect(persona, allowed: set[str]) -> set[int]:
    if persona not in SEES:
        return {404}
    return {200, 302} if persona in allowed else {403}


ACTIONS = [
    # (name, method, url builder, data builder, personas allowed)
    ("detail", "get", lambda c: reverse("cases:detail", args=[c.pk]), None, SEES),
    ("edit", "get", lambda c: reverse("cases:edit", args=[c.pk]), None, {"secretary"}),
    (
        "branch step form",
        "get",
        lambda c: reverse("cases:step", args=[c.pk, "initial_talk"]),
        None,
        {"secretary"},
    ),
    (
        "committee step form",
        "get",
        lambda c: reverse("cases:step", args=[c.pk, "activist_filing"]),
        None,
        {"officer"},
    ),
    (
        "department step form",
        "get",
        lambda c: reverse("cases:step", args=[c.pk, "admission_filing"]),
        None,
        {"auditor"},
    ),
    (
        "reveal id",
        "post",
        lambda c: reverse("cases:reveal_id", args=[c.pk]),
        lambda: {},
        {"secretary", "officer"},
    ),
    (
        "submit",
        "post",
        lambda c: reverse("cases:submit", args=[c.pk, "activist_filing"]),
        lambda: {"on": "2023-03-01"},
        {"secretary"},
    ),
    (
        "upload",
        "post",
        lambda c: reverse("cases:upload", args=[c.pk]),
        lambda: {"title": "申请书", "file": pdf()},
        {"secretary", "officer"},
    ),
    (
        "outcome",
        "post",
        lambda c: reverse("cases:outcome", args=[c.pk]),
        lambda: {"outcome": "withdrawn", "on": "2023-03-01", "reason": "本人申请撤回"},
        {"secretary"},
    ),
    (
        "publicity",
        "post",
        lambda c: reverse("cases:publicity", args=[c.pk]),
        lambda: {
            "start_on": "2024-05-01",
            "end_on": "2024-05-08",
            "objections": "0",
            "objections_resolved": "on",
        },
        {"secretary"},
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("name", "method", "url", "data", "allowed"), ACTIONS, ids=[a[0] for a in ACTIONS])
def test_it_scopes_every_case_view_by_role(
    client, personas, county, secretary, crew, persona, name, method, url, data, allowed
):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="activist_selection")
    client.force_login(personas[persona])
    response = getattr(client, method)(url(case), data() if data else None)
    assert response.status_code in expect(persona, allowed), (name, persona, response.status_code)


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_case_list_shows_only_cases_in_scope(client, personas, county, secretary, outsider, persona):
    mine = f.new_case(county.branch, secretary, name="本支部甲")
    theirs = f.new_case(county.other_branch, outsider, name="外镇乙")
    client.force_login(personas[persona])
    body = client.get(reverse("cases:list")).content.decode()
    assert (mine.person.name in body) == (persona in SEES)
    assert (theirs.person.name in body) == (persona in {"outsider", "officer_b", "auditor"})


def test_the_reviewer_sees_and_forwards_cases_below_the_general_branch(
    client, county, secretary_under_reviewer, reviewer, officer
):
    case = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 1, 10))
    advance(case, Crew(secretary_under_reviewer, officer, None, reviewers=()), until="activist_selection")
    client.force_login(secretary_under_reviewer)
    client.post(reverse("cases:submit", args=[case.pk, "activist_filing"]), {"on": "2023-03-25"})
    submission = case.submissions.get()
    assert submission.at_org == county.general

    client.force_login(officer)  # the committee cannot act before the 党总支 has reviewed
    assert client.post(reverse("cases:forward", args=[submission.pk])).status_code == 404

    client.force_login(reviewer)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:step", args=[case.pk, "activist_filing"])).status_code == 403
    client.post(reverse("cases:forward", args=[submission.pk]), {"opinion": "同意"})
    submission.refresh_from_db()
    assert submission.at_org == county.town


def test_revealing_an_id_number_is_logged(client, case, secretary):
    client.force_login(secretary)
    response = client.post(reverse("cases:reveal_id", args=[case.pk]))
    assert case.person.id_number in response.content.decode()
    assert SensitiveAccess.objects.filter(case=case, user=secretary).count() == 1
    page = client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert case.person.id_number not in page  # masked by default


def test_forged_submission_ids_of_another_township_are_404(
    client, county, outsider, officer_b, officer, auditor
):
    case = f.new_case(county.other_branch, outsider, applied_on=dt.date(2023, 1, 10))
    advance(case, Crew(outsider, officer_b, auditor), until="activist_selection")
    client.force_login(outsider)
    client.post(reverse("cases:submit", args=[case.pk, "activist_filing"]), {"on": "2023-03-25"})
    submission = case.submissions.get()
    client.force_login(officer)
    assert client.post(reverse("cases:return", args=[submission.pk]), {"reason": "x"}).status_code == 404
    assert not CaseEvent.objects.filter(case=case, kind="return").exists()
