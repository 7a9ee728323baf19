"""The row 「乡（镇）、建制村」 of 发展党员情况（二）: a person developed by an organization marked 乡（镇） or
建制村 (the branch holding the case on the approval date — not where the person works or lives),
on both sides: marked 乡镇/村, marked neither, unmarked (待补充, flagged by the check before handing in,
never counted as neither); a case transferred across the cut-off counted once, by the branch that
developed it; roll-up; scope; the mark's history; the help page and the export's layout."""

import datetime as dt
import io

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from audit.verify import verify_audit
from branches import services as branch_services
from branches.models import Locality, Organization
from partystats import selectors
from partystats.selectors import YEAR, Period
from partystats.tables import BY_KEY
from tests import factories as f
from tests.partystats.conftest import admit, record, transfer

pytestmark = pytest.mark.django_db

ANNUAL = Period(2026, YEAR)
TABLE = BY_KEY["development2"]
ROWS = ("locality", "locality_unknown")
d = dt.date


def mark(org, locality):
    actor = get_user_model().objects.get_or_create(username="marker")[0]
    branch_services.mark_locality(Organization.objects.filter(pk=org.pk), locality=locality, actor=actor)
    org.refresh_from_db()


def cells(org, rows=ROWS):
    counted = selectors.count_table(TABLE, org, ANNUAL).cells
    return {(r, c): counted[r, c] for r in rows for c in ("total", "women", "youth")}


@pytest.fixture
def marked(county, crafted):
    """城关一 a 建制村 branch, 社区二 neither, 河口一 a 乡镇 one; the 党总支 and the townships unmarked
    (they hold no case: a committee's own mark does not reach its branches)."""
    mark(county.branch, Locality.VILLAGE)
    mark(county.branch_under_reviewer, Locality.NEITHER)
    mark(county.other_branch, Locality.TOWNSHIP)
    return crafted


def test_a_case_counts_by_the_mark_of_the_branch_that_developed_it(county, marked):
    # 城关一 (建制村): A1 (F, 35 on the day), A2 (36), A5 (30; transferred to 社区二 on 1 August,
    # counted once, here); 社区二 (neither): A3 — in no row of the two
    assert cells(county.town) == {
        ("locality", "total"): 3,
        ("locality", "women"): 1,
        ("locality", "youth"): 2,
        ("locality_unknown", "total"): 0,
        ("locality_unknown", "women"): 0,
        ("locality_unknown", "youth"): 0,
    }
    assert cells(county.branch_under_reviewer)["locality", "total"] == 0  # A5's copy is not counted again
    assert cells(county.other_town)["locality", "total"] == 1  # A6 at 河口一 (乡镇)
    listed = selectors.people(TABLE, county.town, ANNUAL, "locality", "total")
    assert {c.pk for c in listed} == {marked["A1"].pk, marked["A2"].pk, marked["A5"].pk}


def test_a_township_mark_counts_like_a_village_mark_and_a_committees_mark_reaches_no_branch(county, marked):
    mark(county.branch, Locality.TOWNSHIP)
    assert cells(county.town)["locality", "total"] == 3
    mark(county.town, Locality.TOWNSHIP)
    mark(county.branch_under_reviewer, Locality.UNKNOWN)
    assert cells(county.town)["locality", "total"] == 3  # not A3: 社区二's own mark decides
    assert cells(county.town)["locality_unknown", "total"] == 1


def test_an_unmarked_branch_is_to_be_completed_never_neither_and_the_check_names_it(county, marked):
    mark(county.branch_under_reviewer, Locality.UNKNOWN)
    assert cells(county.town)["locality_unknown", "total"] == 1  # A3
    assert cells(county.town)["locality_unknown", "youth"] == 1
    counted = selectors.count_table(TABLE, county.town, ANNUAL)
    assert counted.to_complete >= 1
    problem = selectors.locality_check(counted)
    assert "社区第二党支部 1 人" in problem and "城关镇第一党支部" not in problem
    mark(county.branch_under_reviewer, Locality.NEITHER)
    assert selectors.locality_check(selectors.count_table(TABLE, county.town, ANNUAL)) is None


def test_the_crafted_county_unmarked_counts_every_admission_as_to_complete(county, crafted):
    problem = selectors.locality_check(selectors.count_table(TABLE, county.town, ANNUAL))
    assert problem.count(" 人") == 2  # 城关一 3 人、社区二 1 人
    assert "城关镇第一党支部 3 人" in problem and "社区第二党支部 1 人" in problem
    assert (
        selectors.locality_check(selectors.count_table(BY_KEY["development1"], county.town, ANNUAL)) is None
    )


def test_a_transfer_on_the_cutoff_counts_where_the_case_was_developed(county, marked):
    user = f.user("recorder2")
    # developed at 社区二 (neither) in March, transferred to 城关一 (建制村) on the cut-off day
    case = admit(county.branch_under_reviewer, d(2026, 3, 1), user, person={"category": "farmer"})
    copy = transfer(case, county.branch, d(2026, 12, 31))
    record(copy, "admission_approval", d(2026, 3, 1), user)
    # developed at 城关一 (建制村) in May, transferred to 河口一 on the cut-off day
    case2 = admit(county.branch, d(2026, 5, 1), user, person={"category": "farmer"})
    copy2 = transfer(case2, county.other_branch, d(2026, 12, 31))
    record(copy2, "admission_approval", d(2026, 5, 1), user)
    assert cells(county.town)["locality", "total"] == 4  # A1, A2, A5 and case2; not case
    assert selectors.count_table(TABLE, county.town, ANNUAL).cells["total", "total"] == 6
    assert cells(county.other_town)["locality", "total"] == 1  # only A6: case2's copy is not counted
    assert cells(county.dept)["locality", "total"] == 5


def test_roll_up_equals_the_sum_of_the_children(county, marked):
    mark(county.branch_under_reviewer, Locality.UNKNOWN)
    dept = cells(county.dept)
    towns = cells(county.town), cells(county.other_town)
    assert dept == {k: towns[0][k] + towns[1][k] for k in dept}
    general = cells(county.general)
    assert cells(county.town) == {k: cells(county.branch)[k] + general[k] for k in general}


def test_a_frozen_report_keeps_its_row_when_a_branch_is_marked_later(county, crafted, officer):
    from partystats.services import freeze_report

    report = freeze_report(table=TABLE, org=county.town, period=ANNUAL, actor=officer)
    mark(county.branch, Locality.VILLAGE)
    assert report.cells["locality|total"] == 0 and report.cells["locality_unknown|total"] == 4
    assert cells(county.town)["locality", "total"] == 3


def test_marking_leaves_a_sealed_history_row_by_the_actor(county):
    actor = f.user("marker2")
    org = county.branch
    assert (
        branch_services.mark_locality(
            Organization.objects.filter(pk=org.pk), locality=Locality.VILLAGE, actor=actor
        )
        == 1
    )
    assert (
        branch_services.mark_locality(
            Organization.objects.filter(pk=org.pk), locality=Locality.VILLAGE, actor=actor
        )
        == 0
    )  # unchanged: no row
    last = org.history.order_by("-history_id").first()
    assert (last.locality, last.history_user, last.history_change_reason) == (
        Locality.VILLAGE,
        actor,
        "标注为「建制村」",
    )
    assert org.history.count() == 2  # created, marked
    assert verify_audit().ok


def test_the_admin_edits_the_mark_and_marks_many_at_once(admin_client, county):
    page = admin_client.get(reverse("admin:branches_organization_change", args=[county.branch.pk]))
    assert "乡（镇）、建制村属性" in page.content.decode()
    response = admin_client.post(
        reverse("admin:branches_organization_changelist"),
        {
            "action": "mark_village",
            "_selected_action": [county.branch.pk, county.branch_under_reviewer.pk],
        },
    )
    assert response.status_code == 302
    marked = Organization.objects.filter(locality=Locality.VILLAGE).values_list("pk", flat=True)
    assert set(marked) == {county.branch.pk, county.branch_under_reviewer.pk}
    listing = admin_client.get(reverse("admin:branches_organization_changelist") + "?locality=village")
    assert listing.context["cl"].result_count == 2


def test_the_help_page_says_how_the_row_is_counted(client, auditor):
    client.force_login(auditor)
    html = client.get(reverse("partystats:help", args=["development2"])).content.decode()
    assert "按发展该党员的党组织计" in html and "不看本人的工作或居住地点" in html
    assert "乡（镇）、建制村待补充" in html and "尚无数据来源" not in html


def test_the_export_has_the_row_where_the_official_table_has_it(client, county, marked, auditor):
    client.force_login(auditor)
    query = f"?org={county.town.pk}&year=2026&kind=year&format=xlsx"
    response = client.get(reverse("partystats:table", args=["development2"]) + query)
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    labels = [row[0].strip("　") for row in sheet.iter_rows(values_only=True)]
    at = labels.index("乡（镇）、建制村")
    assert labels[at - 4 : at] == ["高级", "中级", "初级", "专业技术职务待补充"]
    assert labels[at + 1 : at + 3] == ["乡（镇）、建制村待补充", "先进模范人物"]
    row = list(sheet.iter_rows(values_only=True))[at]
    assert row[1:] == (3, 1, 2)


def test_the_table_page_shows_the_check_and_the_row_in_scope(client, county, crafted, officer, officer_b):
    client.force_login(officer)
    page = client.get(reverse("partystats:table", args=["development2"]) + "?year=2026&kind=year")
    html = page.content.decode()
    assert "核对未通过：" in html and "未标注乡（镇）、建制村属性" in html and "城关镇第一党支部 3 人" in html
    assert "河口镇第一党支部" not in html  # another committee's branch is never named
    client.force_login(officer_b)
    other = client.get(
        reverse("partystats:people", args=["development2"])
        + f"?org={county.town.pk}&year=2026&kind=year&row=locality_unknown&col=total"
    )
    assert other.status_code == 404
    mine = client.get(reverse("partystats:table", args=["development2"]) + "?year=2026&kind=year")
    assert mine.context["counted"].cells["locality_unknown", "total"] == 1  # A6 only


def test_the_table_page_asks_a_constant_number_of_queries(
    client, county, officer, django_assert_max_num_queries
):
    user = f.user("recorder3")
    admit(county.branch, d(2026, 3, 1), user, person={"category": "student"})
    client.force_login(officer)
    page = reverse("partystats:table", args=["development2"]) + "?year=2026&kind=year"
    with django_assert_max_num_queries(25) as few:
        client.get(page)
    for n in range(10):
        branch = f.org(f"新支部{n}", "branch", county.general)  # unmarked: each named by the check
        admit(branch, d(2026, 4, 1 + n), user, person={"category": "farmer"})
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get(page).content.decode()
    assert "新支部9 1 人" in html


def test_history_rows_sealed_before_the_mark_existed_still_verify(county):
    """Rows of the organizations' history sealed before the column existed hold 「待补充」 now: their
    seals still match (audit.models.sealed_since); any other value is covered by the seal."""
    from audit.models import seal_payload

    model = Organization.history.model
    values = county.branch.history.first().seal_values()
    before = {k: v for k, v in values.items() if k != "locality"}
    assert values["locality"] == Locality.UNKNOWN
    assert seal_payload(model, before) == seal_payload(model, values)
    assert seal_payload(model, {**values, "locality": Locality.VILLAGE}) != seal_payload(model, before)


def test_the_check_names_two_branches_of_the_same_name_apart(county, officer):
    user = f.user("recorder4")
    for parent in (county.town, county.general):
        branch = f.org("村第一党支部", "branch", parent)
        admit(branch, d(2026, 3, 1), user, person={"category": "farmer"})
    problem = selectors.locality_check(selectors.count_table(TABLE, county.town, ANNUAL))
    assert problem.count("村第一党支部 1 人") == 2
