"""The desk's lists each read their filters through one FilterSet (reviews.filters): a queue's page
and its item pages narrow the queue the same way, the department's filing queue by the approval
date, the letter list by kind, status and search; an invalid value is an error the page shows,
with nothing listed, never dropped or a 500."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases.models import StepRecord
from demo.journey import advance
from reviews import selectors
from reviews.models import Letter, LetterKind
from reviews.queues import BY_SLUG

pytestmark = pytest.mark.django_db


def names(response) -> list[str]:
    assert response.status_code == 200
    return sorted(row.person.name for row in response.context["page"].object_list)


@pytest.fixture
def two_branches(county, secretary, secretary_under_reviewer, crew, general_crew, scene):
    """A report of each branch in the 积极分子备案 queue."""
    [here] = scene.new_cases(county, secretary, 1, names=["本支甲"])
    scene.waiting_at_step(here, crew, "activist_filing")
    [there] = scene.new_cases(
        county, secretary_under_reviewer, 1, branch=county.branch_under_reviewer, names=["社区乙"]
    )
    scene.waiting_at_step(there, general_crew, "activist_filing")
    return here, there


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"since": "2024-13-01"}, "报送日期自："),
        ({"until": "昨天"}, "至："),
        ({"since": "9999-01-01"}, "报送日期自："),
        ({"branch": str(2**64)}, "党支部：所选党支部不存在或不在您的范围内"),
        ({"branch": "1\x00"}, "党支部：所选党支部不存在或不在您的范围内"),
    ],
)
def test_a_queue_shows_an_invalid_filter_as_an_error_and_lists_nothing(
    client, officer, two_branches, query, error
):
    client.force_login(officer)
    response = client.get(reverse("reviews:queue", args=["activist_filing"]), query)
    body = response.content.decode()
    assert names(response) == [] and response.context["total"] == 0
    assert "筛选条件有误" in body and error in body
    assert "is-invalid" in body  # the field itself is marked


def test_a_queue_s_item_pages_follow_the_same_filters_as_its_page(client, county, officer, two_branches):
    here, _ = two_branches
    client.force_login(officer)
    query = {"branch": county.branch.pk}
    assert names(client.get(reverse("reviews:queue", args=["activist_filing"]), query)) == ["本支甲"]
    [row] = [
        r
        for r in selectors.queue_rows(officer, BY_SLUG["activist_filing"], today=dt.date.today())
        if r.case == here
    ]
    item = client.get(reverse("reviews:item", args=["activist_filing", row.pk]), query)
    assert item.context["total"] == 1 and item.context["query"] == f"branch={county.branch.pk}"
    # An invalid filter narrows to nothing: the item page navigates the whole queue instead.
    whole = client.get(reverse("reviews:item", args=["activist_filing", row.pk]), {"since": "x"})
    assert whole.status_code == 200 and whole.context["total"] == 2


def test_the_filing_queue_is_filtered_by_the_approval_date(client, county, secretary, auditor, crew, scene):
    [case] = scene.new_cases(county, secretary, 1, names=["备案丙"])
    advance(case, crew, until="admission_approval")
    approved = StepRecord.objects.get(case=case, step="admission_approval", is_current=True).on
    day = dt.timedelta(days=1)
    url = reverse("reviews:queue", args=["admission_filing"])
    client.force_login(auditor)

    assert names(client.get(url, {"since": approved.isoformat(), "until": approved.isoformat()})) == [
        "备案丙"
    ]
    assert names(client.get(url, {"since": (approved + day).isoformat()})) == []
    assert names(client.get(url, {"until": (approved - day).isoformat()})) == []
    assert names(client.get(url, {"branch": county.branch.pk})) == ["备案丙"]
    assert "审批日期自" in client.get(url).content.decode()


def test_the_letter_list_filters_by_kind_status_and_search(client, secretary, letter):
    client.force_login(secretary)
    url = reverse("reviews:letters")
    shown = lambda query: [x.pk for x in client.get(url, query).context["page"].object_list]  # noqa: E731
    assert letter.kind == LetterKind.FILING
    assert shown({}) == [letter.pk]
    assert shown({"kind": LetterKind.FILING, "status": letter.status}) == [letter.pk]
    assert shown({"kind": LetterKind.ADMISSION}) == []
    assert shown({"q": letter.number}) == [letter.pk]
    assert shown({"q": "没有这个文号"}) == []


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"kind": "memo"}, "文种：没有这一项，请从列表中选择"),
        ({"status": "\x00"}, "状态：没有这一项，请从列表中选择"),
        ({"q": "城" * 51}, "文号、标题或姓名：不能超过 50 个字"),
    ],
)
def test_the_letter_list_shows_an_invalid_filter_as_an_error_and_lists_nothing(
    client, secretary, letter, query, error
):
    client.force_login(secretary)
    response = client.get(reverse("reviews:letters"), query)
    assert response.status_code == 200
    assert list(response.context["page"].object_list) == []
    assert error in response.content.decode()
    assert Letter.objects.count() == 1  # listed as nothing, not lost


def test_an_item_outside_the_filters_costs_no_more_queries_than_one_inside(
    client, county, officer, two_branches
):
    here, _ = two_branches
    client.force_login(officer)
    [row] = [
        r
        for r in selectors.queue_rows(officer, BY_SLUG["activist_filing"], today=dt.date.today())
        if r.case == here
    ]
    url = reverse("reviews:item", args=["activist_filing", row.pk])
    counted = {}
    for label, query in (("inside", {"branch": county.branch.pk}), ("outside", {"since": "2030-01-01"})):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url, query)
        assert response.status_code == 200 and response.context["row"].pk == row.pk
        counted[label] = len(ctx.captured_queries)
    assert counted["outside"] == counted["inside"]  # the rows are built once, of the whole queue
