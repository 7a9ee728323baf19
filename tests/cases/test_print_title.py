"""A printed case list and the rosters carry a title line like a paper 花名册 — whose list, under
which filters, on which day — and on a phone a name in the list never breaks one character per line."""

import io
from pathlib import Path

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from tests import factories as f

pytestmark = pytest.mark.django_db


def test_the_printed_case_list_names_the_organization_the_filters_and_the_day(
    client, county, secretary, django_assert_max_num_queries
):
    f.new_case(county.branch, secretary, name="欧阳晓雯")
    client.force_login(secretary)
    with django_assert_max_num_queries(30):
        page = client.get(reverse("cases:list"), {"stage": "applicant", "overdue": "1"}).content.decode()
    title = page[page.index('id="print-title">') :].split("</p>")[0]
    assert county.branch.name in title
    assert "阶段：入党申请人" in title and "仅看逾期" in title and "状态：" in title
    assert f"{timezone.localdate():%Y年%m月%d日}" in title
    assert 'class="print-title d-none d-print-block"' in page  # shown on paper only


def test_the_htmx_rows_carry_the_title_too(client, county, secretary):
    client.force_login(secretary)
    rows = client.get(reverse("cases:list"), {"stage": "target"}, headers={"HX-Request": "true"})
    assert "阶段：发展对象" in rows.content.decode()


def test_a_name_cell_does_not_wrap(client, county, secretary):
    f.new_case(county.branch, secretary, name="欧阳晓雯")
    client.force_login(secretary)
    page = client.get(reverse("cases:list")).content.decode()
    assert '<td class="name-cell">' in page
    css = (Path(__file__).resolve().parents[2] / "static/css/app.css").read_text(encoding="utf-8")
    assert ".name-cell {\n    white-space: nowrap;" in css


@pytest.mark.parametrize(
    ("url", "args", "title"),
    [
        ("imports:export_roster", ["applicant"], "入党申请人花名册"),
        ("imports:export_members", [], "党员名册"),
        ("imports:export_cases", [], "案例列表"),
    ],
)
def test_the_rosters_print_their_title_line_on_every_page(client, county, secretary, url, args, title):
    f.new_case(county.branch, secretary)
    client.force_login(secretary)
    response = client.get(reverse(url, args=args))
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    header = sheet.oddHeader.center.text
    assert county.branch.name in header and title in header
    assert f"{timezone.localdate():%Y年%m月%d日}" in header
    assert sheet.print_title_rows == "$1:$1"


def test_an_outsider_sees_only_its_own_organization_in_the_title(client, county, secretary, outsider):
    f.new_case(county.branch, secretary)
    client.force_login(outsider)
    page = client.get(reverse("cases:list")).content.decode()
    title = page[page.index('id="print-title">') :].split("</p>")[0]
    assert county.branch.name not in title
