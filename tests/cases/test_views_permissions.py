"""The permission matrix: every case view and action × every role × a case of another branch.

An invisible case is a 404; a visible case the role may not act on is a 403. Each cell asserts the
effect, not only the status: an allowed page shows what it is for, an allowed action wrote its
record, and a refused one left the case, its trail and the action's own table unchanged.
"""

import datetime as dt
from contextlib import nullcontext

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from branches.models import Organization
from cases import permissions, services
from cases.models import (
    Case,
    CaseEvent,
    Material,
    Meeting,
    Publicity,
    SensitiveAccess,
    StepRecord,
    Submission,
)
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


# The status of success: a page, a redirect after an action, or the fragment htmx swaps in.
OK = {"get": 200, "post": 302, "post fragment": 200}


def expect(persona, allowed: set[str], method: str, sees: set[str] = SEES) -> int:
    if persona not in sees:
        return 404
    if persona not in allowed:
        return 403
    return OK[method]


def page_shows(*markers):
    """A page's effect: it shows what it is for."""
    return lambda case, user: [m(case) if callable(m) else m for m in markers]


def step_form(code, name):
    return page_shows(name, 'name="on"')


ACTIONS = [
    # (name, method, url builder, data builder, personas allowed, effect)
    # effect: for a page, the markers it shows; for an action, what it writes (compared before/after)
    (
        "detail",
        "get",
        lambda c: reverse("cases:detail", args=[c.pk]),
        None,
        SEES,
        page_shows(lambda c: c.person.name, "办理记录"),
    ),
    (
        "edit",
        "get",
        lambda c: reverse("cases:edit", args=[c.pk]),
        None,
        {"secretary"},
        page_shows("修改人员信息", 'name="phone"'),
    ),
    (
        "branch step form",
        "get",
        lambda c: reverse("cases:step", args=[c.pk, "contacts_assigned"]),
        None,
        {"secretary"},
        step_form("contacts_assigned", "指定培养联系人"),
    ),
    (
        "committee step form",
        "get",
        lambda c: reverse("cases:step", args=[c.pk, "activist_filing"]),
        None,
        {"officer"},
        step_form("activist_filing", "上级党委备案"),
    ),
    (
        "department step form",
        "get",
        lambda c: reverse("cases:step", args=[c.pk, "admission_filing"]),
        None,
        {"auditor"},
        step_form("admission_filing", "再上一级党委组织部门备案"),
    ),
    (
        "reveal id",
        "post fragment",
        lambda c: reverse("cases:reveal_id", args=[c.pk]),
        lambda: {},
        {"secretary", "officer"},
        lambda c, u: SensitiveAccess.objects.filter(case=c, user=u).count(),
    ),
    (
        "submit",
        "post",
        lambda c: reverse("cases:submit", args=[c.pk, "activist_filing"]),
        lambda: {"on": "2023-03-01"},
        {"secretary"},
        lambda c, u: Submission.objects.filter(case=c, step="activist_filing", status="pending").count(),
    ),
    (
        "upload",
        "post",
        lambda c: reverse("cases:upload", args=[c.pk]),
        lambda: {"title": "申请书", "file": pdf()},
        {"secretary", "officer"},
        lambda c, u: Material.objects.filter(case=c, uploaded_by=u).count(),
    ),
    (
        "outcome",
        "post",
        lambda c: reverse("cases:outcome", args=[c.pk]),
        lambda: {"outcome": "withdrawn", "on": "2023-03-01", "reason": "本人申请撤回", "confirmed": "1"},
        {"secretary"},
        lambda c, u: c.__class__.objects.filter(pk=c.pk, outcome="withdrawn").count(),
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
        lambda c, u: Publicity.objects.filter(case=c, start_on=dt.date(2024, 5, 1)).count(),
    ),
    (
        "transfer form",
        "get",
        lambda c: reverse("cases:transfer", args=[c.pk]),
        None,
        {"secretary"},
        page_shows("组织关系转出", 'name="to_branch"', "社区第二党支部"),
    ),
    (
        "transfer",
        "post",
        lambda c: reverse("cases:transfer", args=[c.pk]),
        lambda: {
            "to_branch": Organization.objects.get(code="CG02").pk,
            "on": "2023-03-01",
            "reason": "工作调动",
            "confirmed": "1",
        },
        {"secretary"},
        lambda c, u: Case.objects.filter(transferred_from=c).count(),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "method", "url", "data", "allowed", "effect"), ACTIONS, ids=[a[0] for a in ACTIONS]
)
def test_it_scopes_every_case_view_by_role(
    client, personas, county, secretary, crew, unchanged, persona, name, method, url, data, allowed, effect
):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="activist_selection")
    user = personas[persona]
    client.force_login(user)
    status = expect(persona, allowed, method)
    if method == "get":
        response = client.get(url(case))
        assert response.status_code == status, (name, persona, response.status_code)
        if status == 200:
            body = response.content.decode()
            assert all(marker in body for marker in effect(case, user)), (name, persona)
        return
    before = effect(case, user)
    with unchanged(case) if status >= 400 else nullcontext():
        response = client.post(url(case), data())
    assert response.status_code == status, (name, persona, response.status_code)
    assert effect(case, user) == (before + 1 if status < 400 else before), (name, persona)


@pytest.fixture
def reported(county, secretary, crew):
    """A case whose 积极分子备案 report waits at the 镇党委."""
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="activist_selection")
    on = case.activist_on + dt.timedelta(days=5)
    services.submit(case=case, step_code="activist_filing", on=on, actor=secretary)
    return case, on


# A report's own addresses are found through the inbox: whoever it does not wait for gets a 404.
REPORT_SEEN_BY = {"officer"}
STEP_ACTIONS = [
    # (name, url builder, data builder (case, on), personas seeing the address, personas allowed, effect)
    (
        "branch step",
        lambda c, s: reverse("cases:step", args=[c.pk, "contacts_assigned"]),
        lambda c, on: {"on": on.isoformat(), "contacts": [m.pk for m in c.branch.members.all()[:2]]},
        SEES,
        {"secretary"},
        lambda c, s: StepRecord.objects.filter(case=c, step="contacts_assigned").count(),
    ),
    (
        "committee step",
        lambda c, s: reverse("cases:step", args=[c.pk, "activist_filing"]),
        lambda c, on: {"on": on.isoformat()},
        SEES,
        {"officer"},
        lambda c, s: StepRecord.objects.filter(case=c, step="activist_filing").count(),
    ),
    (
        "return the report",
        lambda c, s: reverse("reviews:return", args=[s.pk]),
        lambda c, on: {"reason": "材料不全"},
        REPORT_SEEN_BY,
        {"officer"},
        lambda c, s: Submission.objects.filter(pk=s.pk, status="returned").count(),
    ),
    (
        "forward the report",  # only a reviewer forwards, and none stands between this branch and its committee
        lambda c, s: reverse("reviews:forward", args=[s.pk]),
        lambda c, on: {"opinion": "同意"},
        REPORT_SEEN_BY,
        set(),
        lambda c, s: CaseEvent.objects.filter(case=c, kind="review").count(),
    ),
]


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(
    ("name", "url", "data", "sees", "allowed", "effect"), STEP_ACTIONS, ids=[a[0] for a in STEP_ACTIONS]
)
def test_it_records_a_step_or_decides_a_report_only_for_the_role_that_may(
    client, personas, reported, unchanged, persona, name, url, data, sees, allowed, effect
):
    case, on = reported
    submission = case.submissions.get()
    client.force_login(personas[persona])
    status = expect(persona, allowed, "post", sees)
    before = effect(case, submission)
    with unchanged(case) if status != 302 else nullcontext():
        response = client.post(url(case, submission), data(case, on))
    assert response.status_code == status, (name, persona, response.status_code, response.content[:300])
    assert effect(case, submission) == (before + 1 if status == 302 else before), (name, persona)


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
    assert client.post(reverse("reviews:forward", args=[submission.pk])).status_code == 404

    client.force_login(reviewer)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    assert client.get(reverse("cases:edit", args=[case.pk])).status_code == 403
    assert client.get(reverse("cases:step", args=[case.pk, "activist_filing"])).status_code == 403
    client.post(reverse("reviews:forward", args=[submission.pk]), {"opinion": "同意"})
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
    assert client.post(reverse("reviews:return", args=[submission.pk]), {"reason": "x"}).status_code == 404
    assert not CaseEvent.objects.filter(case=case, kind="return").exists()


# Opening a case: only a branch's secretary, and only at their branch. (name, status of the form,
# may open at 城关一支部)
OPENERS = {
    "secretary": (200, True),
    "secretary_under_reviewer": (200, False),  # a secretary, of another branch: not in the choices
    "outsider": (200, False),
    "officer": (403, False),
    "auditor": (403, False),
    "reviewer": (403, False),
    "officer_b": (403, False),
}


@pytest.mark.parametrize("persona", PERSONAS)
def test_a_case_is_opened_only_by_the_branch_s_secretary_and_the_list_offers_it_as_the_form_does(
    client, personas, county, persona
):
    user = personas[persona]
    status, opens_here = OPENERS[persona]
    answer = permissions.opening_answer(user, county.branch)
    assert bool(answer) == opens_here
    client.force_login(user)
    listed = client.get(reverse("cases:list")).content.decode()
    assert ("新建案例" in listed) == (status == 200), persona  # offered exactly where the form opens
    assert client.get(reverse("cases:create")).status_code == status, persona
    response = client.post(reverse("cases:create"), f.case_form_data(county.branch))
    assert response.status_code == (302 if opens_here else status), persona
    assert Case.objects.filter(branch=county.branch).count() == (1 if opens_here else 0), persona


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("body", ["branch_committee", "party_committee"])
def test_a_meeting_is_recorded_only_by_whom_the_policy_allows(personas, county, persona, body):
    user = personas[persona]
    org = county.branch if body == "branch_committee" else county.town
    may = {"branch_committee": {"secretary"}, "party_committee": {"officer"}}[body]
    answer = permissions.meeting_answer(user, org, body)
    assert bool(answer) == (persona in may), persona
    on = dt.date(2023, 3, 1)
    with nullcontext() if answer else pytest.raises(PermissionDenied, match=answer.reason):
        services.record_meeting(org=org, body=body, held_on=on, entitled=7, present=6, actor=user)
    assert Meeting.objects.filter(org=org, body=body).count() == (1 if answer else 0)
