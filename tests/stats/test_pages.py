"""The statistics pages: scope for each persona (another committee's organization is a 404, in pages
and exports), follow-ups (who may write, bad input kept with a Chinese message), constant queries."""

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from stats.models import BranchColour, FollowUp
from stats.services import judge_colours
from tests.stats.conftest import TODAY

pytestmark = pytest.mark.django_db
PAGES = ("stats:stages", "stats:dormant", "stats:board")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("persona", "own", "foreign"),
    [
        ("officer", "town", "other_town"),
        ("officer_b", "other_town", "town"),
        ("secretary", "branch", "other_branch"),
        ("reviewer", "general", "branch"),
        ("outsider", "other_branch", "town"),
    ],
)
def test_each_role_reads_its_own_organization_and_never_another(
    client, crafted, personas, page, persona, own, foreign
):
    client.force_login(personas[persona])
    county = crafted.county
    assert client.get(reverse(page), {"org": getattr(county, own).pk}).status_code == 200
    assert client.get(reverse(page), {"org": getattr(county, foreign).pk}).status_code == 404
    assert (
        client.get(reverse(page), {"org": getattr(county, foreign).pk, "format": "xlsx"}).status_code == 404
    )


def test_the_department_reads_the_county(client, crafted, auditor):
    client.force_login(auditor)
    r = client.get(reverse("stats:dormant"))
    assert r.status_code == 200 and r.context["root"] == crafted.county.dept
    assert [row.branch for row in r.context["rows"]] == [crafted.hk01, crafted.cg03]


def test_a_committee_never_sees_another_committees_numbers(client, crafted, officer):
    client.force_login(officer)
    r = client.get(reverse("stats:dormant"))
    assert [row.branch for row in r.context["rows"]] == [crafted.cg03]
    assert "河口" not in r.content.decode()
    sheet = load_workbook(
        io.BytesIO(b"".join(client.get(reverse("stats:dormant"), {"format": "xlsx"}).streaming_content))
    ).active
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["城关镇第三党支部"]
    judge_colours(on=TODAY)
    book = b"".join(client.get(reverse("stats:board"), {"format": "xlsx"}).streaming_content)
    names = [row[0] for row in load_workbook(io.BytesIO(book)).active.iter_rows(min_row=2, values_only=True)]
    assert "河口镇第一党支部" not in names and "城关镇第三党支部" in names


def test_a_branch_page_of_another_committee_is_a_404(client, crafted, officer):
    client.force_login(officer)
    assert client.get(reverse("stats:branch", args=[crafted.hk01.pk])).status_code == 404
    assert client.get(reverse("stats:branch", args=[crafted.cg03.pk])).status_code == 200


def test_the_officer_records_a_follow_up_and_marks_it_done(client, crafted, officer):
    client.force_login(officer)
    url = reverse("stats:branch", args=[crafted.cg03.pk])
    data = {"colour": "red", "action": "accountability", "what": "约谈支部书记", "on": "2026-06-10"}
    assert client.post(url, data).status_code == 302
    item = FollowUp.objects.get()
    assert (item.by, item.done, item.action, item.branch) == (officer, False, "accountability", crafted.cg03)
    done = reverse("stats:follow_up_done", args=[item.pk])
    assert client.post(done, {"on": "2026-06-12"}).status_code == 302
    item.refresh_from_db()
    assert item.done and str(item.done_on) == "2026-06-12"
    assert item.history.count() == 2  # who recorded, who marked it done


def test_bad_follow_up_input_is_refused_in_chinese_and_nothing_is_written(client, crafted, officer):
    client.force_login(officer)
    url = reverse("stats:branch", args=[crafted.cg03.pk])
    r = client.post(url, {"colour": "red", "action": "accountability", "what": "  ", "on": "2026-07-01"})
    assert r.status_code == 200
    assert "请填写具体内容" in r.content.decode() and "日期不能晚于今天" in r.content.decode()
    assert not FollowUp.objects.exists()


@pytest.mark.parametrize("persona", ["secretary", "officer"])
def test_the_way_back_from_a_branch_page_is_a_board_the_user_may_read(client, crafted, personas, persona):
    client.force_login(personas[persona])
    page = client.get(reverse("stats:branch", args=[crafted.cg01.pk])).content.decode()
    back = re.search(r'href="([^"]+)">返回四色研判', page).group(1).replace("&amp;", "&")
    assert back.endswith(f"?org={crafted.cg01.parent_id}") == (persona == "officer")
    assert client.get(back).status_code == 200


@pytest.mark.parametrize("persona", ["secretary", "reviewer"])
def test_a_branch_or_reviewer_may_read_but_not_record(client, crafted, personas, persona):
    client.force_login(personas[persona])
    branch = crafted.cg01 if persona == "secretary" else crafted.cg02
    data = {"colour": "red", "action": "warning", "what": "x", "on": "2026-06-10"}
    assert client.post(reverse("stats:branch", args=[branch.pk]), data).status_code == 403
    assert client.post(reverse("stats:judge")).status_code == 403
    assert not FollowUp.objects.exists()


def test_judging_on_demand_covers_the_officers_scope_only(client, crafted, officer):
    client.force_login(officer)
    assert client.post(reverse("stats:judge")).status_code == 302
    assert set(BranchColour.objects.values_list("branch_id", flat=True)) == {
        crafted.cg01.pk,
        crafted.cg02.pk,
        crafted.cg03.pk,
        crafted.cg04.pk,
    }


def test_a_bad_period_is_explained_and_the_default_shown(client, crafted, officer):
    client.force_login(officer)
    r = client.get(reverse("stats:stages"), {"start": "2026-13", "end": "x"})
    assert r.status_code == 200 and "请按“年-月”填写" in r.content.decode()
    assert len(r.context["flow"]) == 12


def test_the_board_filters_by_colour(client, crafted, auditor):
    judge_colours(on=TODAY)
    client.force_login(auditor)
    r = client.get(reverse("stats:board"), {"colour": "red"})
    assert [t.branch for t in r.context["tiles"]] == [crafted.cg03, crafted.hk01]


@pytest.mark.parametrize("page", [*PAGES, "branch"])
def test_pages_run_a_constant_number_of_queries(
    client, crafted, auditor, django_assert_max_num_queries, page
):
    from tests import factories as f
    from tests.stats.conftest import _case

    judge_colours(on=TODAY)
    client.force_login(auditor)
    url = reverse("stats:branch", args=[crafted.cg01.pk]) if page == "branch" else reverse(page)
    client.get(url)
    with django_assert_max_num_queries(20) as before:
        client.get(url)
    for n in range(6):  # more branches, cases and follow-ups: no more queries
        extra = f.org(f"新增第{n}党支部", "branch", crafted.town)
        _case(extra, auditor, {"application": TODAY, "activist_selection": TODAY}, "activist")
        FollowUp.objects.create(
            branch=crafted.cg01, colour="blue", action="warning", what="x", on=TODAY, by=auditor
        )
    judge_colours(on=TODAY)
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get(url)


@pytest.mark.parametrize(
    ("persona", "root", "linked", "unlinked"),
    [
        ("secretary", "branch", [], ["dept", "town"]),
        ("officer", "branch", ["town"], ["dept"]),
        ("auditor", "branch", ["dept", "town"], []),
    ],
)
def test_the_breadcrumb_links_only_organizations_the_user_reads(
    client, crafted, personas, auditor, persona, root, linked, unlinked
):
    client.force_login(auditor if persona == "auditor" else personas[persona])
    county = crafted.county
    page = client.get(reverse("stats:stages"), {"org": getattr(county, root).pk}).content.decode()
    crumbs = page[page.index('class="breadcrumb') : page.index("</ol>", page.index('class="breadcrumb'))]
    for name in linked:
        assert f'href="?org={getattr(county, name).pk}"' in crumbs
        assert client.get(reverse("stats:stages"), {"org": getattr(county, name).pk}).status_code == 200
    for name in unlinked:
        assert f'?org={getattr(county, name).pk}"' not in crumbs
