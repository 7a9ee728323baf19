"""The letters added after GB/T 9704: the organization department's 备案回执 for step 18 and the
公示 notices a branch posts — both issued through issue_letter (numbered, recorded on each case,
rendered after commit) and allowed by the one policy, cases.permissions.letter_answer."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from cases import permissions
from cases import services as case_services
from cases.models import CaseEvent
from demo.journey import advance
from reviews import selectors, services
from reviews.models import Letter, LetterKind, LetterStatus
from reviews.queues import BY_SLUG
from reviews.services.issuing import publicity_end

pytestmark = pytest.mark.django_db


def test_the_department_files_step_18_and_answers_the_committee_with_a_receipt(
    county, secretary, auditor, crew, scene, django_capture_on_commit_callbacks
):
    [case] = scene.new_cases(county, secretary, 1, names=["张三"])
    advance(case, crew, until="admission_approval")
    queue = BY_SLUG["admission_filing"]
    [item] = list(selectors.queue_items(auditor, queue))
    on = scene.meeting_on(case, "admission_approval") + dt.timedelta(days=7)

    with django_capture_on_commit_callbacks(execute=True):
        result = services.decide_batch(queue=queue, action="file", items=[item], actor=auditor, on=on)

    letter = Letter.objects.get(step="admission_filing")
    assert result.succeeded[0].letter_id == letter.pk
    assert letter.kind == LetterKind.FILING and letter.issuer == county.dept
    assert letter.title == "关于张三同志预备党员备案的回执"
    # 主送 the committee that approved, 抄送 the branch; the branch still finds it among its letters.
    assert (letter.addressee_name, letter.copy_to) == ("城关镇党委", "城关镇第一党支部")
    assert letter.addressee == county.branch
    assert letter.status == LetterStatus.RENDERED and letter.pdf
    assert CaseEvent.objects.filter(case=case, kind="letter", step="admission_filing").exists()


def test_a_committee_letter_copies_the_general_branch_that_forwarded_it(
    county, secretary_under_reviewer, general_crew, officer, scene
):
    [case] = scene.new_cases(county, secretary_under_reviewer, 1, branch=county.branch_under_reviewer)
    scene.waiting_at_step(case, general_crew, "activist_filing")
    queue = BY_SLUG["activist_filing"]
    services.decide_batch(
        queue=queue,
        action="acknowledge",
        items=list(selectors.queue_items(officer, queue)),
        actor=officer,
        on=scene.meeting_on(case, "activist_selection") + dt.timedelta(days=2),
    )
    letter = Letter.objects.get()
    assert (letter.addressee_name, letter.copy_to) == ("社区第二党支部", "城关社区党总支")


@pytest.fixture
def agreed(county, secretary, crew, scene):
    """Two cases of the branch whose listing as 发展对象 the committee has agreed (step 8)."""
    cases = scene.new_cases(county, secretary, 2, names=["王五", "赵六"])
    for case in cases:
        advance(case, crew, until="target_filing")
    return cases


def test_the_branch_posts_a_publicity_notice_for_the_agreed_targets(
    agreed, secretary, county, django_capture_on_commit_callbacks
):
    start = dt.date(2026, 11, 23)
    with django_capture_on_commit_callbacks(execute=True):
        letter = services.issue_publicity_notice(
            cases=agreed, step="target_selection", start_on=start, actor=secretary
        )

    letter.refresh_from_db()
    assert letter.kind == LetterKind.PUBLICITY and letter.issuer == county.branch
    assert letter.title == "关于王五等2名同志拟列为发展对象的公示"
    assert publicity_end(start) == dt.date(2026, 11, 27)  # five working days on the calendar (E14's)
    assert "公示时间：2026年11月23日至2026年11月27日。" in letter.closing
    assert [e.name for e in letter.entries.all()] == ["王五", "赵六"]
    assert letter.status == LetterStatus.RENDERED
    for case in agreed:
        assert CaseEvent.objects.filter(case=case, kind="letter", step="target_selection").exists()


def test_a_notice_is_issued_once_and_only_after_the_committee_agreed(agreed, secretary, county, crew, scene):
    services.issue_publicity_notice(
        cases=agreed[:1], step="target_selection", start_on=dt.date(2026, 11, 23), actor=secretary
    )
    with pytest.raises(case_services.InvalidInput, match="王五的公示已出具"):
        services.issue_publicity_notice(
            cases=agreed[:1], step="target_selection", start_on=dt.date(2026, 11, 30), actor=secretary
        )
    [early] = scene.new_cases(county, secretary, 1, names=["钱七"])
    advance(early, crew, until="target_selection")
    with pytest.raises(case_services.InvalidInput, match="上级党委尚未同意将钱七列为发展对象"):
        services.issue_publicity_notice(
            cases=[early], step="target_selection", start_on=dt.date(2026, 11, 23), actor=secretary
        )
    assert Letter.objects.count() == 1


def test_the_conversion_notice_names_the_probationers(county, secretary, crew, scene):
    [case] = scene.new_cases(county, secretary, 1, names=["孙八"])
    advance(case, crew, until="conversion_application")
    letter = services.issue_publicity_notice(
        cases=[case], step="conversion_application", start_on=dt.date(2026, 11, 23), actor=secretary
    )
    assert letter.title == "关于孙八同志拟转为正式党员的公示"
    assert "预备期已满" in letter.body


@pytest.mark.parametrize("persona", ["officer", "auditor", "outsider", "reviewer"])
def test_only_the_branch_secretary_issues_its_notice(agreed, request, persona):
    user = request.getfixturevalue(persona)
    assert not permissions.letter_answer(user, agreed[0].branch, "target_selection")
    with pytest.raises(PermissionDenied):
        services.issue_publicity_notice(
            cases=agreed, step="target_selection", start_on=dt.date(2026, 11, 23), actor=user
        )
    assert not Letter.objects.exists()


def test_the_policy_names_who_issues_each_letter(county, secretary, officer, auditor):
    branch = county.branch
    assert permissions.letter_answer(officer, branch) and not permissions.letter_answer(secretary, branch)
    assert permissions.letter_answer(auditor, branch, "admission_filing")
    assert not permissions.letter_answer(officer, branch, "admission_filing")
    refusal = permissions.letter_answer(officer, branch, "conversion_application")
    assert not refusal and "党支部书记" in refusal.reason
    assert permissions.letter_answer(secretary, branch, "conversion_application")


# ---- the case page offers 出具公示 to the branch, and the view issues it ---------------------------


def _notice(client, user, case, step="target_selection", start_on="2026-11-23"):
    client.force_login(user)
    url = reverse("reviews:publicity_notice", args=[case.pk])
    return client.post(url, {"step": step, "start_on": start_on})


def test_the_case_page_offers_the_notice_to_the_branch_secretary_only(client, agreed, secretary, officer):
    client.force_login(secretary)
    assert "出具公示" in client.get(agreed[0].get_absolute_url()).content.decode()
    client.force_login(officer)
    assert "出具公示" not in client.get(agreed[0].get_absolute_url()).content.decode()


def test_the_secretary_issues_the_notice_from_the_case_page(client, agreed, secretary):
    response = _notice(client, secretary, agreed[0])
    letter = Letter.objects.get()
    assert response.status_code == 302 and response.url == reverse("reviews:letter", args=[letter.pk])
    assert letter.kind == LetterKind.PUBLICITY and [e.case for e in letter.entries.all()] == agreed[:1]
    assert "张贴公示" in client.get(response.url).content.decode()
    # Once issued it is no longer offered; a second post is refused with the reason, nothing issued.
    client.get(agreed[0].get_absolute_url())
    response = _notice(client, secretary, agreed[0])
    assert response.status_code == 302 and Letter.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("officer", 403), ("auditor", 403)])
def test_the_notice_view_refuses_others(client, request, agreed, persona, status):
    assert _notice(client, request.getfixturevalue(persona), agreed[0]).status_code == status
    assert not Letter.objects.exists()


def test_a_bad_date_or_kind_loses_nothing(client, agreed, secretary):
    for step, start_on in (("target_selection", "2026-13-40"), ("oath", "2026-11-23")):
        response = _notice(client, secretary, agreed[0], step, start_on)
        assert response.status_code == 302
    assert not Letter.objects.exists()


def test_the_case_page_queries_do_not_grow_with_its_letters(
    client, agreed, secretary, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(secretary)
    url = agreed[0].get_absolute_url()
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    services.issue_publicity_notice(
        cases=agreed, step="target_selection", start_on=dt.date(2026, 11, 23), actor=secretary
    )
    with django_assert_max_num_queries(len(before.captured_queries)):
        assert client.get(url).status_code == 200
