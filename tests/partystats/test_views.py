"""The pages: who reads the tables where (committee officers and the department, over their subtree:
cases.permissions.partystats_orgs), every cell linking to its people, the .xlsx, the help pages,
bad input, and a constant number of queries whatever the number of cases."""

import datetime as dt
import io

import openpyxl
import pytest
from django.urls import reverse

from partystats.tables import TABLES
from tests.partystats.conftest import admit, make_case

pytestmark = pytest.mark.django_db
Q = "year=2026&kind=year"


def url(name, key="development1", **query):
    base = reverse(f"partystats:{name}", args=[key]) if key else reverse(f"partystats:{name}")
    return base + "?" + "&".join(f"{k}={v}" for k, v in {"year": 2026, "kind": "year", **query}.items())


@pytest.mark.parametrize(
    ("persona", "org", "status"),
    [
        ("officer", "town", 200),
        ("officer", "branch", 200),
        ("officer", "other_town", 404),
        ("officer", "dept", 404),
        ("officer_b", "town", 404),
        ("officer_b", "other_town", 200),
        ("auditor", "dept", 200),
        ("auditor", "other_town", 200),
        ("secretary", "branch", 403),
        ("reviewer", "general", 403),
        ("outsider", "other_branch", 403),
    ],
)
def test_who_reads_where(client, county, personas, persona, org, status):
    client.force_login(personas[persona])
    target = getattr(county, org).pk
    for name, key in (("table", "development1"), ("people", "development1"), ("index", None)):
        extra = {"row": "total", "col": "total"} if name == "people" else {}
        assert client.get(url(name, key, org=target, **extra)).status_code == status, name


def test_a_committee_never_counts_anothers_cases(client, county, crafted, officer):
    client.force_login(officer)
    page = client.get(url("table"))  # the officer's own town by default
    assert page.context["root"] == county.town
    assert page.context["counted"].cells["total", "total"] == 4  # not 河口镇's A6
    listed = client.get(url("people", org=county.town.pk, row="farmer", col="total"))
    assert [c.pk for c in listed.context["cases"]] == [crafted["A1"].pk]
    assert crafted["A6"].person.name not in listed.content.decode()


def test_every_cell_links_to_its_people(client, county, crafted, officer):
    client.force_login(officer)
    html = client.get(url("table", org=county.town.pk)).content.decode()
    table = TABLES[0]
    assert html.count("/partystats/development1/people/?") == len(table.rows) * len(table.columns)
    assert "核对未通过：" not in html and "待补充" in html


def test_the_xlsx_is_the_table(client, county, crafted, auditor):
    client.force_login(auditor)
    response = client.get(url("table", "development1", org=county.town.pk, format="xlsx"))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("项目", "总数", "女", "少数民族")
    assert rows[1][:2] == ("总计", 4)
    assert len(rows) == 1 + len(TABLES[0].rows)


@pytest.mark.parametrize("key", [t.key for t in TABLES])
def test_each_table_has_its_help_and_page(client, county, crafted, auditor, key):
    client.force_login(auditor)
    help_page = client.get(reverse("partystats:help", args=[key])).content.decode()
    assert "截止日期" in help_page and "待补充" in help_page
    if key.startswith("development"):
        assert "上级党委审批" in help_page and "年龄计算日期" in help_page
    assert client.get(url("table", key, org=county.town.pk)).status_code == 200


def test_bad_input_is_a_message_or_404_never_a_500(client, county, officer):
    client.force_login(officer)
    assert "年度或报表期无效" in client.get(url("table", year="abc")).content.decode()
    assert client.get(url("table", kind="quarter")).status_code == 200
    assert client.get(url("table", "nope")).status_code == 404
    assert client.get(url("people", row="nope", col="total")).status_code == 404
    assert client.get(url("table", org="99999999999999999999")).status_code == 404
    assert client.get(url("table", org="abc")).status_code == 404


def test_constant_queries(client, county, officer, django_assert_max_num_queries):
    from tests import factories as f

    user = f.user("recorder")
    for n in range(3):
        admit(county.branch, dt.date(2026, 3, 1 + n), user, person={"category": "student"})
    client.force_login(officer)
    with django_assert_max_num_queries(20) as few:
        client.get(url("table", org=county.town.pk))
    with django_assert_max_num_queries(20) as few_people:
        client.get(url("people", org=county.town.pk, row="total", col="total"))
    for n in range(15):
        admit(county.branch_under_reviewer, dt.date(2026, 4, 1 + n), user, person={"category": "farmer"})
        make_case(county.branch, applied_on=dt.date(2026, 1, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("table", org=county.town.pk))
    with django_assert_max_num_queries(len(few_people.captured_queries)):
        client.get(url("people", org=county.town.pk, row="total", col="total"))


def test_a_frozen_report_does_not_change_when_a_case_is_edited(client, county, crafted, officer, secretary):
    from partystats.models import FrozenReport

    client.force_login(officer)
    response = client.post(
        reverse("partystats:freeze", args=["development1"]) + f"?org={county.town.pk}&{Q}",
        {"explanation": "人员类别待补充1人，正在核实"},
    )
    assert response.status_code == 302
    report = FrozenReport.objects.get()
    assert (report.frozen_by, report.cells["total|total"], report.cells["student|total"]) == (officer, 4, 1)
    person = crafted["A5"].person
    person.category = "farmer"
    person.save()
    page = client.get(url("table", org=county.town.pk))
    report.refresh_from_db()
    assert report.cells["student|total"] == 1  # as handed in
    assert page.context["counted"].cells["student", "total"] == 0
    changes = {(r, c): (a, b) for r, c, a, b in page.context["changes"]}
    assert changes[("学生", "总数")] == (1, 0) and changes[("农牧渔民", "总数")] == (1, 2)
    assert "人员类别待补充1人" in page.content.decode()


@pytest.mark.parametrize(("persona", "status"), [("secretary", 403), ("officer_b", 404)])
def test_only_a_reader_of_the_org_freezes(client, county, personas, persona, status):
    from partystats.models import FrozenReport

    client.force_login(personas[persona])
    response = client.post(reverse("partystats:freeze", args=["development1"]) + f"?org={county.town.pk}&{Q}")
    assert response.status_code == status and not FrozenReport.objects.exists()


def test_opening_stock_must_equal_last_years_closing_as_handed_in(client, county, crafted, officer):
    from partystats.models import FrozenReport

    client.force_login(officer)
    client.post(
        reverse("partystats:freeze", args=["activists"]) + f"?org={county.town.pk}&year=2025&kind=year"
    )
    assert FrozenReport.objects.get().cells["total|total"] == 2  # S2 and S3 on 31 December 2025
    assert "期初数" not in client.get(url("table", "activists", org=county.town.pk)).content.decode()
    make_case(county.branch, applied_on=dt.date(2025, 1, 1), activist_on=dt.date(2025, 6, 1))  # a late entry
    html = client.get(url("table", "activists", org=county.town.pk)).content.decode()
    assert "期初数 3 与上年已报送年报的期末数 2 不一致" in html


def test_an_explanation_the_database_cannot_store_is_refused_with_a_message(client, county, officer):
    from partystats.models import FrozenReport

    client.force_login(officer)
    url = reverse("partystats:freeze", args=["development1"]) + f"?org={county.town.pk}&{Q}"
    response = client.post(url, {"explanation": "说明\x00"}, follow=True)
    assert response.status_code == 200 and "无法保存的字符" in response.content.decode()
    assert not FrozenReport.objects.exists()
