"""A name cell holding a line break (Alt+Enter in Excel) or an invisible character is a cell problem
of its row, named with its column, and that row is not imported."""

import pytest

from cases.models import Person
from imports.importer import check_file, import_batch, store_path
from tests.imports.conftest import full_row, person

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("header", "value"),
    [("姓名", "张建\n国"), ("姓名", "张\u200b建国"), ("培养联系人", "城关一党员0\n城关一党员1")],
)
def test_a_cell_that_is_not_one_line_is_refused_with_its_column(
    county, secretary, book, today, header, value
):
    path = book([full_row(**{header: value}), person(1)])
    refused, clean = check_file(path, user=secretary).reports
    assert refused.has_problems and not clean.has_problems
    assert any(f"「{header}」" in m and "只能填写一行文字" in m for m in refused.messages), refused.messages
    import_batch(store_path(path), user=secretary, mode="valid_only", warning_reason="")
    assert list(Person.objects.values_list("name", flat=True)) == [person(1)["姓名"]]
