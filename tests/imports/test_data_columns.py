"""The template's data columns (政审结论, 集中培训学时) are read through the step declarations of
cases.steps: what a row gives is stored under the declared keys, and a data column without its
step, or a step without its required data, is named in the row's report."""

import pytest

from imports.importer import check_file
from imports.importer.template import DATA_COLUMNS
from tests.imports.conftest import until, write_xlsx

pytestmark = pytest.mark.django_db


def messages(importer, tmp_path, row) -> list[str]:
    return check_file(write_xlsx(tmp_path / "f.xlsx", [row]), user=importer).reports[0].messages


def test_the_data_columns_are_the_declared_ones():
    assert {header: (code, f.key) for header, (code, f) in DATA_COLUMNS.items()} == {
        "政审结论": ("political_review", "conclusion"),
        "集中培训学时": ("intensive_training", "hours"),
    }


def test_it_names_a_review_date_without_its_conclusion(county, secretary, today, tmp_path):
    said = messages(secretary, tmp_path, until("政审日期", 政审结论=None))
    assert "第2行「政审结论」：填写了「政审日期」，须同时填写政审结论（合格或不合格）" in said


def test_it_names_a_data_column_whose_step_is_blank(county, secretary, today, tmp_path):
    said = messages(secretary, tmp_path, until("集中培训学时"))
    assert "第2行「集中培训学时」：已填写，但「集中培训结业日期」为空" in said
