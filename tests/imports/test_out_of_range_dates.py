"""A date outside the product's range in a workbook is that cell's error; the check of the other
rows goes on (a birth year of 9982 used to crash the whole check)."""

import datetime as dt

import pytest

from cases import dates, idcard
from imports.importer import check_file
from tests.imports.conftest import full_row, person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("birth", "cell"),
    [
        (dt.date(9982, 3, 15), dt.date(9982, 3, 15)),  # an Excel date
        (dt.date(1899, 12, 31), "1899-12-31"),  # text: Excel itself has no dates before 1900
    ],
)
def test_it_reports_a_birth_date_out_of_range_and_checks_the_other_rows(secretary, book, today, birth, cell):
    bad = full_row(出生日期=cell, 公民身份号码=idcard.make("330102", birth, 12, "M"))
    good = person(1)
    first, second = check_file(book([bad, good]), user=secretary).reports
    assert first.invalid
    assert any("「出生日期」" in m and dates.RANGE_TEXT in m for m in first.messages), first.messages
    assert not second.invalid, second.messages


def test_it_reports_a_step_date_out_of_range_typed_as_text(secretary, book, today):
    [report] = check_file(book([full_row(谈话日期="9999-12-31")]), user=secretary).reports
    assert report.invalid
    assert any("「谈话日期」" in m and "超出可填写的范围" in m for m in report.messages), report.messages
