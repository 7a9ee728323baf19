"""The 党内统计 facts as optional columns of the import template: a file made before them (without
the columns) keeps importing and records 待补充; a file with them records the chosen values; a blank
cell is 待补充, never 否 or 其他; the export writes them back as the import reads them."""

import pytest

from cases.models import Case, Education, Person
from imports.importer import import_batch, store_path
from imports.importer.template import HEADERS, PERSON_STATISTICS_COLUMNS, REQUIRED_HEADERS
from imports.models import ImportStatus
from tests.imports.conftest import full_row, person
from tests.imports.test_roundtrip import export_to

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(book, today):
    def go(rows, user, headers=HEADERS):
        batch, _ = import_batch(store_path(book(rows, headers=headers)), user=user, mode="all_or_nothing")
        return batch

    return go


NEW = ("人员类别", *PERSON_STATISTICS_COLUMNS, "特殊情况下发展")


def test_the_new_columns_are_optional_and_at_the_end():
    assert set(NEW) == set(HEADERS) - set(REQUIRED_HEADERS)
    assert HEADERS[-len(set(NEW)) :] == tuple(dict.fromkeys(NEW))


def test_a_file_without_the_new_columns_imports_as_to_be_completed(county, secretary, run):
    batch = run([full_row(学历="高中/中专")], secretary, headers=REQUIRED_HEADERS)
    assert (batch.status, batch.rows_imported) == (ImportStatus.IMPORTED, 1), batch.report
    p = Person.objects.get()
    assert (p.category, p.frontline_kind, p.title_level, p.honour_level) == ("", "", "", "")
    assert (p.is_migrant_worker, p.is_dispatched, p.is_taiwanese) == (None, None, None)
    assert p.education == Education.SENIOR  # the first template's 「高中/中专」: to be split
    assert Case.objects.get().special_development is False


def test_the_new_columns_record_the_chosen_values(county, secretary, run):
    row = person(
        1,
        学历="中专",
        人员类别="非公有制单位—企业专业技术人员",
        一线类型="企业生产一线",
        专业技术职务="初级",
        先进模范人物="是（省部级以上）",
        劳务派遣工="是",
        台湾省籍="否",
        特殊情况下发展="是",
    )
    row["农民工/外出务工经商人员"] = "否"
    batch = run([row], secretary)
    assert batch.status == ImportStatus.IMPORTED, batch.report
    p = Person.objects.get()
    assert (p.education, p.category, p.frontline_kind, p.title_level, p.honour_level) == (
        Education.TECHNICAL,
        "prv_ent_pro",
        "enterprise",
        "junior",
        "provincial",
    )
    assert (p.is_migrant_worker, p.is_dispatched, p.is_taiwanese) == (False, True, False)
    assert Case.objects.get().special_development is True


def test_an_unknown_category_is_refused_with_the_allowed_names(county, secretary, run):
    batch = run([person(2, 人员类别="个体户")], secretary)
    assert batch.rows_imported == 0
    assert "「个体户」不是人员类别" in str(batch.report)


def test_the_export_writes_the_facts_as_the_import_reads_them(county, secretary, run, tmp_path):
    run([person(3, 人员类别="学生", 台湾省籍="是", 学历="高中/中技")], secretary)
    header, row = export_to(tmp_path / "out.xlsx", secretary)[:2]
    values = dict(zip(header, row, strict=False))
    assert (values["人员类别"], values["台湾省籍"], values["学历"]) == ("学生", "是", "高中/中技")
    assert values["劳务派遣工"] is None and values["特殊情况下发展"] == "否"
