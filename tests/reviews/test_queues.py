"""The queues: scoped to the user's organizations, overdue first, filterable, navigable."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.dates import add_months
from cases.models import StepRecord
from reviews import selectors, services
from reviews.models import Letter
from reviews.queues import BY_SLUG, QUEUES

pytestmark = pytest.mark.django_db

COMMITTEE_QUEUES = [q.slug for q in QUEUES if q.role == "committee_officer"]


@pytest.fixture
def waiting(county, secretary, officer, crew, scene, django_capture_on_commit_callbacks):
    """Two cases of 城关一支部 waiting for admission approval, and one letter already issued."""
    cases = scene.new_cases(county, secretary, 3, names=["张三", "李四", "王五"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    first = list(selectors.queue_items(officer, BY_SLUG["admission_approval"]).filter(case=cases[2]))
    held = scene.meeting_on(cases[2], "admission_meeting") + dt.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_batch(
            queue=BY_SLUG["admission_approval"],
            action="approve",
            items=first,
            actor=officer,
            new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=7),
            votes=scene.tallies(first, 7),
        )
    return cases


def test_an_officer_of_another_township_sees_nothing_of_these_branches(client, waiting, officer, officer_b):
    [submission] = [
        r.submission
        for r in selectors.queue_rows(officer, BY_SLUG["admission_approval"], today=dt.date.today())
    ][:1]
    letter = Letter.objects.get()
    client.force_login(officer_b)

    for slug in COMMITTEE_QUEUES:
        response = client.get(reverse("reviews:queue", args=[slug]))
        assert response.status_code == 200
        assert response.context["total"] == 0, slug
        assert "张三" not in response.content.decode()
    assert all(n == 0 for _, n, _ in selectors.queue_counts(officer_b, dt.date.today()))
    assert client.get(reverse("reviews:item", args=["admission_approval", submission.pk])).status_code == 404
    assert client.get(reverse("reviews:letter", args=[letter.pk])).status_code == 404
    assert client.get(reverse("reviews:letter_pdf", args=[letter.pk])).status_code == 404
    assert client.post(reverse("reviews:letter_regenerate", args=[letter.pk])).status_code == 404
    assert "城组" not in client.get(reverse("reviews:letters")).content.decode()
    # Posting an id of another township decides nothing and says only that it is not in the queue.
    response = client.post(
        reverse("reviews:decide", args=["admission_approval"]),
        {"action": "return", "ids": [submission.pk], "reason": "试图越权"},
        follow=True,
    )
    assert "不在本队列的待办事项中" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == "pending"


@pytest.mark.parametrize(
    ("persona", "url", "status"),
    [
        ("secretary", ("reviews:desk", ()), 403),
        ("secretary", ("reviews:queue", ("admission_approval",)), 403),
        ("auditor", ("reviews:queue", ("admission_approval",)), 403),
        ("auditor", ("reviews:queue", ("admission_filing",)), 200),
        ("officer", ("reviews:queue", ("admission_filing",)), 403),
        ("officer", ("reviews:queue", ("nonexistent",)), 404),
        ("reviewer", ("reviews:queue", ("review",)), 200),
        ("reviewer", ("reviews:queue", ("pre_review",)), 403),
        ("officer_b", ("reviews:desk", ()), 200),
    ],
)
def test_each_role_gets_its_status_on_the_desk_and_the_queues(client, personas, persona, url, status):
    client.force_login(personas[persona])
    assert client.get(reverse(url[0], args=url[1])).status_code == status


def test_the_branch_and_the_committee_download_the_letter(
    client, waiting, secretary, officer, auditor, outsider
):
    letter = Letter.objects.get()
    for user in (secretary, officer, auditor):
        client.force_login(user)
        response = client.get(reverse("reviews:letter_pdf", args=[letter.pk]))
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
        assert b"".join(response.streaming_content).startswith(b"%PDF")
    client.force_login(outsider)
    assert client.get(reverse("reviews:letter_pdf", args=[letter.pk])).status_code == 404


def test_rows_show_due_dates_from_the_branch_meeting_overdue_first(officer, waiting, scene):
    rows = selectors.queue_rows(officer, BY_SLUG["admission_approval"], today=dt.date(2026, 11, 25))
    assert [r.person.name for r in rows] == ["张三", "李四"]
    for row in rows:
        met = scene.meeting_on(row.case, "admission_meeting")
        assert row.due == add_months(met, 3) and row.hard_due == add_months(met, 6)
        assert row.records["committee_talk"].data["talker"]
    # Looking from a day before anything is due, nothing is overdue; the order stays by due date.
    early = selectors.queue_rows(
        officer, BY_SLUG["admission_approval"], today=rows[0].due - dt.timedelta(days=1)
    )
    assert not any(r.overdue for r in early)


def test_overdue_items_come_first(county, secretary, officer, crew, scene):
    # The fresh case is opened first (the lower id) but applied two months later.
    [fresh] = scene.new_cases(county, secretary, 1, applied_on=dt.date(2024, 8, 5), names=["新乙"])
    [late] = scene.new_cases(county, secretary, 1, names=["旧甲"])
    scene.waiting_for_admission(fresh, crew)
    scene.waiting_for_admission(late, crew)
    late_due = add_months(scene.meeting_on(late, "admission_meeting"), 3)
    fresh_due = add_months(scene.meeting_on(fresh, "admission_meeting"), 3)
    judged_on = late_due + dt.timedelta(days=1)
    assert fresh_due > judged_on
    # Judged on the day after the first due date: exactly the late case is overdue, and it leads.
    rows = selectors.queue_rows(officer, BY_SLUG["admission_approval"], today=judged_on)
    assert [r.overdue for r in rows] == [True, False]
    assert rows[0].case == late and rows[1].case == fresh
    assert [r.due for r in rows] == [late_due, fresh_due]


def test_filters_by_branch_and_date(
    client, county, secretary, secretary_under_reviewer, officer, crew, general_crew, scene
):
    [here] = scene.new_cases(county, secretary, 1, names=["本支甲"])
    scene.waiting_at_step(here, crew, "activist_filing")
    [there] = scene.new_cases(  # applied a month later: its report goes up on a later day
        county,
        secretary_under_reviewer,
        1,
        applied_on=dt.date(2024, 7, 3),
        branch=county.branch_under_reviewer,
        names=["社区乙"],
    )
    scene.waiting_at_step(there, general_crew, "activist_filing")
    client.force_login(officer)
    url = reverse("reviews:queue", args=["activist_filing"])

    names = lambda r: [row.person.name for row in r.context["page"].object_list]  # noqa: E731
    assert sorted(names(client.get(url))) == ["本支甲", "社区乙"]
    assert names(client.get(url, {"branch": county.branch.pk})) == ["本支甲"]
    rows = selectors.queue_rows(officer, BY_SLUG["activist_filing"], today=dt.date.today())
    submitted = {row.person.name: row.submitted_on for row in rows}
    early, later = submitted["本支甲"], submitted["社区乙"]
    assert early < later
    on = lambda day: {"since": day.isoformat(), "until": day.isoformat()}  # noqa: E731
    assert names(client.get(url, on(early))) == ["本支甲"]  # 社区乙, reported later, is left out
    assert names(client.get(url, on(later))) == ["社区乙"]  # 本支甲, reported earlier, is left out
    assert names(client.get(url, {"since": later.isoformat()})) == ["社区乙"]
    assert names(client.get(url, {"until": early.isoformat()})) == ["本支甲"]
    assert sorted(names(client.get(url, {"since": early.isoformat(), "until": later.isoformat()}))) == [
        "本支甲",
        "社区乙",
    ]
    assert names(client.get(url, {"since": "2030-01-01"})) == []


def test_the_item_page_navigates_through_the_queue(client, county, secretary, officer, crew, scene):
    cases = scene.new_cases(county, secretary, 3, names=["甲一", "乙二", "丙三"])
    for case in cases:
        scene.waiting_at_step(case, crew, "activist_filing")
    rows = selectors.queue_rows(officer, BY_SLUG["activist_filing"], today=dt.date.today())
    client.force_login(officer)

    middle = client.get(reverse("reviews:item", args=["activist_filing", rows[1].pk]))
    assert middle.status_code == 200
    assert middle.context["before"].pk == rows[0].pk and middle.context["after"].pk == rows[2].pk
    assert "第 2 / 3 项" in middle.content.decode()
    last = client.get(reverse("reviews:item", args=["activist_filing", rows[2].pk]))
    assert last.context["after"] is None and "已是最后一项" in last.content.decode()


def test_a_decided_item_leads_back_to_the_case(client, county, secretary, officer, crew, scene):
    [case] = scene.new_cases(county, secretary, 1)
    scene.waiting_at_step(case, crew, "activist_filing")
    [row] = selectors.queue_rows(officer, BY_SLUG["activist_filing"], today=dt.date.today())
    services.decide_batch(
        queue=BY_SLUG["activist_filing"],
        action="acknowledge",
        items=[row.submission],
        actor=officer,
        on=scene.meeting_on(case, "activist_selection"),
    )
    client.force_login(officer)
    response = client.get(reverse("reviews:item", args=["activist_filing", row.pk]))
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()


def test_the_desk_and_the_dashboard_count_each_queue(client, waiting, officer):
    client.force_login(officer)
    desk = client.get(reverse("reviews:desk"))
    counts = {q.slug: (n, late) for q, n, late in desk.context["counts"]}
    assert counts["admission_approval"][0] == 2
    assert set(counts) == set(COMMITTEE_QUEUES)
    html = client.get(reverse("cases:dashboard")).content.decode()  # the desk's panel (cases.panels)
    assert "接收审批" in html and reverse("reviews:queue", args=["admission_approval"]) in html


def test_the_case_page_lists_its_letters(client, waiting, secretary):
    letter = Letter.objects.get()
    case = letter.entries.get().case
    client.force_login(secretary)
    page = client.get(case.get_absolute_url()).content.decode()
    assert letter.number in page and reverse("reviews:letter_pdf", args=[letter.pk]) in page
    assert selectors.letters_for_case(case) == [letter]


def test_the_old_inbox_address_leads_to_the_desk(client, officer):
    client.force_login(officer)
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302 and response["Location"] == reverse("reviews:desk")


@pytest.mark.parametrize(("persona", "status"), [("secretary", 403), ("auditor", 403), ("reviewer", 403)])
def test_a_role_that_may_not_decide_gets_403_and_nothing_changes(
    client, personas, waiting, officer, persona, status
):
    [row] = selectors.queue_rows(officer, BY_SLUG["admission_approval"], today=dt.date.today())[:1]
    client.force_login(personas[persona])
    response = client.post(
        reverse("reviews:decide", args=["admission_approval"]),
        {"action": "return", "ids": [row.pk], "reason": "x"},
    )
    assert response.status_code == status
    row.submission.refresh_from_db()
    assert row.submission.status == "pending"


def test_a_letter_is_issued_once_per_decision(waiting, officer):
    letter = Letter.objects.get()
    decided = list(StepRecord.objects.filter(meeting=letter.meeting, step="admission_approval"))
    assert decided and services.issue_letters(records=decided, actor=officer) == []
    assert Letter.objects.count() == 1


def test_downloading_a_letter_not_yet_rendered_explains_instead_of_failing(client, waiting, officer):
    letter = Letter.objects.get()
    Letter.objects.filter(pk=letter.pk).update(status="pending", pdf="")
    client.force_login(officer)
    response = client.get(reverse("reviews:letter_pdf", args=[letter.pk]), follow=True)
    assert response.status_code == 200 and "尚未生成" in response.content.decode()
