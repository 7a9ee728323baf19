"""The plan pages: who sees and sets which plan (the one answer: cases.permissions.plan_answer),
the form's history and its refusals, the export, and a constant number of queries."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import OrgKind
from plans.models import Plan
from plans.services import save_plan
from tests import factories as f
from tests.plans.conftest import YEAR, admit

pytestmark = pytest.mark.django_db


def detail(org, year=YEAR):
    return reverse("plans:detail", args=[org.pk, year])


def edit(org, year=YEAR):
    return reverse("plans:edit", args=[org.pk, year])


def export(org, year=YEAR):
    return reverse("plans:export", args=[org.pk, year])


FORM = {
    "quota": "6",
    "float_percent": "10",
    "youth_mode": "at_least",
    "youth_percent": "70",
    "women_mode": "",
    "women_percent": "",
    "college_mode": "",
    "college_percent": "",
    "frontline_mode": "about",
    "frontline_percent": "30",
    "minority_mode": "",
    "minority_percent": "",
    "activists_per_admission": "3",
    "min_admissions_per_branch": "1",
    "min_activists_per_branch": "3",
    "max_activists_per_branch": "5",
    "note": "",
}


# Each persona × the town's page, the other town's page, a branch's plan form.
@pytest.mark.parametrize(
    ("persona", "town", "other_town", "branch_form", "town_form"),
    [
        ("officer", 200, 404, 200, 403),  # sets its branches' plans, not its own
        ("officer_b", 404, 200, 404, 404),
        ("auditor", 200, 200, 200, 200),  # the department sets the committees' plans
        ("secretary", 404, 404, 403, 404),  # sees its own branch's page only
        ("reviewer", 404, 404, 404, 404),  # 城关一 is not under its 党总支
        ("outsider", 404, 404, 404, 404),
    ],
)
def test_scope_of_pages_and_forms(
    client, county, personas, persona, town, other_town, branch_form, town_form
):
    client.force_login(personas[persona])
    assert client.get(detail(county.town)).status_code == town
    assert client.get(export(county.town)).status_code == town
    assert client.get(detail(county.other_town)).status_code == other_town
    assert client.get(export(county.other_town)).status_code == other_town
    assert client.get(edit(county.branch)).status_code == branch_form
    assert client.post(edit(county.branch), FORM).status_code in (branch_form, 302)
    assert client.get(edit(county.town)).status_code == town_form
    saved = Plan.objects.filter(org=county.branch).exists()
    assert saved == (branch_form == 200)


def test_secretary_reads_its_branch_plan(client, county, secretary):
    client.force_login(secretary)
    assert client.get(detail(county.branch)).status_code == 200
    assert client.get(detail(county.branch_under_reviewer)).status_code == 404


def test_a_committee_never_sees_another_committees_numbers(client, county, crafted, officer_b):
    client.force_login(officer_b)
    page = client.get(detail(county.other_town)).content.decode()
    assert "城关" not in page
    book = load_workbook(io.BytesIO(client.get(export(county.other_town)).content))
    text = " ".join(str(c) for row in book.active.iter_rows(values_only=True) for c in row if c is not None)
    assert "城关" not in text
    assert "已发展" in text


def test_officer_sets_a_plan_and_the_history_says_who_and_what(client, county, officer):
    client.force_login(officer)
    response = client.post(edit(county.branch), FORM)
    assert response.status_code == 302
    client.post(edit(county.branch), {**FORM, "quota": "7", "youth_percent": "75"})
    plan = Plan.objects.get(org=county.branch, year=YEAR)
    assert plan.quota == 7
    versions = list(plan.history.order_by("history_date"))
    assert [v.history_user for v in versions] == [officer, officer]
    assert [v.quota for v in versions] == [6, 7]
    page = client.get(detail(county.branch)).content.decode()
    assert "计划修改记录" in page
    assert "计划发展党员数 6 → 7" in page
    assert "35岁以下占比（%） 70 → 75" in page
    assert officer.first_name in page
    client.post(edit(county.branch), {**FORM, "quota": "7", "youth_percent": "75"})  # no change: no version
    assert plan.history.count() == 2


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"youth_percent": ""}, "youth_percent", "请填写占比"),
        ({"youth_percent": "101"}, "youth_percent", "100"),
        ({"quota": "-1"}, "quota", "0"),
        ({"quota": "十"}, "quota", "整数"),
        ({"min_activists_per_branch": "6"}, "max_activists_per_branch", "不能少于"),
        ({"float_percent": "60"}, "float_percent", "50"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_nothing_saved(client, county, officer, change, field, message):
    client.force_login(officer)
    response = client.post(edit(county.branch), {**FORM, **change})
    assert response.status_code == 200
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    assert not Plan.objects.exists()


def test_year_out_of_range_is_404(client, county, auditor):
    client.force_login(auditor)
    assert client.get(reverse("plans:detail", args=[county.town.pk, 1999])).status_code == 404
    assert client.get(f"/plans/{county.town.pk}/99999999999999999999/").status_code == 404


def test_export_has_the_page_figures(client, county, crafted, town_plan, auditor):
    client.force_login(auditor)
    response = client.get(export(county.town))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[rows.index(("计划数", "允许浮动", "完成区间", "已发展", "完成情况", None, None)) + 1][:5] == (
        10,
        "±10%",
        "9–11",
        9,
        "完成（在浮动范围内）",
    )
    assert ("35岁以下", "不低于70%", 7, "77.8%", "达到") in [r[:5] for r in rows]


def test_page_shows_figures_and_help(client, county, crafted, town_plan, auditor):
    client.force_login(auditor)
    page = client.get(detail(county.town)).content.decode()
    for text in (
        "完成（在浮动范围内）",
        "77.8%",
        "上级党委审批",
        "恰好等于下限也算完成",
        "E12",
        "尚未制定2026年计划的下级组织",
    ):
        assert text in page, text


# Measured: session, user, grants (own, by group, their organizations, delegations in force), the
# organization, then the page's own reads (rule settings, subtree, plans, admissions, activists ×2,
# projection ×3, history) and the bell's unread count.
PAGE_QUERIES = 18


def _queries(client, url, django_assert_max_num_queries, ceiling):
    with django_assert_max_num_queries(ceiling) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize("persona", ["officer", "auditor"])
def test_constant_queries(
    client, county, crafted, town_plan, personas, persona, django_assert_max_num_queries
):
    user = personas[persona]
    client.force_login(user)
    small = _queries(client, detail(county.town), django_assert_max_num_queries, PAGE_QUERIES)
    recorder = f.user("more")
    for branch in (county.branch, county.branch_under_reviewer):
        for _ in range(5):
            admit(branch, dt.date(2026, 6, 1), recorder)
    f.org("新党支部", OrgKind.BRANCH, county.town)
    auditor = personas["auditor"]
    save_plan(org=county.branch, year=YEAR, values={"quota": 3}, actor=auditor)
    for quota in (11, 12):  # the town's history grows
        save_plan(org=county.town, year=YEAR, values={"quota": quota}, actor=auditor)
    large = _queries(client, detail(county.town), django_assert_max_num_queries, PAGE_QUERIES)
    assert large == small, (small, large)
    assert _queries(client, export(county.town), django_assert_max_num_queries, 20) <= 20


def test_the_page_links_up_only_within_scope(client, county, officer, auditor):
    client.force_login(officer)
    assert county.dept.name not in client.get(detail(county.town)).content.decode()
    assert f'href="{detail(county.town)}"' in client.get(detail(county.branch)).content.decode()
    client.force_login(auditor)
    assert f'href="{detail(county.dept)}"' in client.get(detail(county.town)).content.decode()


def test_an_empty_post_shows_the_form_errors(client, county, officer):
    client.force_login(officer)
    response = client.post(edit(county.branch), {})
    assert response.status_code == 200
    assert "quota" in response.context["form"].errors
    assert not Plan.objects.exists()


def test_the_plan_history_cannot_be_changed(county, officer):
    from django.db import DatabaseError, transaction

    plan = save_plan(org=county.branch, year=YEAR, values={"quota": 2}, actor=officer)
    version = plan.history.get()
    assert version.seal  # sealed when written (audit.SealedRow)
    with pytest.raises(DatabaseError), transaction.atomic():
        type(version).objects.filter(pk=version.pk).update(quota=9)
    with pytest.raises(DatabaseError), transaction.atomic():
        type(version).objects.filter(pk=version.pk).delete()
