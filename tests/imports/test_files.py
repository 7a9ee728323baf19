"""Bad files: each gets a clear Chinese message, and nothing is written."""

import datetime as dt
import os
import zipfile

import openpyxl
import pytest

from cases.models import Case, CaseEvent, Person
from imports.importer import UnreadableFile, check_batch, check_file, import_batch, store_path
from imports.importer.template import HEADERS
from imports.models import ImportBatch, ImportStatus
from tests.imports.conftest import full_row, person, write_xlsx

pytestmark = pytest.mark.django_db
d = dt.date


def rejected(path, user) -> str:
    """Check and then try to import the file; both must refuse it, write nothing, and audit it."""
    with pytest.raises(UnreadableFile) as caught:
        check_file(path, user=user)
    batch, result = import_batch(store_path(path), user=user, mode="valid_only", source="command")
    assert result is None and batch.status == ImportStatus.REJECTED
    assert batch.error == str(caught.value)
    assert not Case.objects.exists() and not Person.objects.exists() and not CaseEvent.objects.exists()
    return str(caught.value)


@pytest.fixture
def importer(county, secretary, today):
    return secretary


def test_an_old_xls_file(importer, tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 4000 + "Workbook".encode("utf-16-le"))
    assert "旧版 Excel（.xls）" in rejected(path, importer)


def test_a_password_protected_file(importer, tmp_path):
    path = tmp_path / "secret.xlsx"  # Excel encrypts an .xlsx into an OLE file with an EncryptionInfo stream
    body = (
        b"\x00" * 1000
        + "EncryptionInfo".encode("utf-16-le")
        + b"\x00" * 1000
        + "EncryptedPackage".encode("utf-16-le")
    )
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + body)
    assert "设置了打开密码" in rejected(path, importer)


def test_a_pdf_renamed_xlsx(importer, tmp_path):
    path = tmp_path / "scan.xlsx"
    path.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")
    assert "PDF 文件" in rejected(path, importer)


def test_random_bytes(importer, tmp_path):
    path = tmp_path / "noise.xlsx"
    path.write_bytes(os.urandom(5000))
    assert "不是 Excel 工作簿" in rejected(path, importer)


def test_ten_megabytes_of_junk(importer, tmp_path):
    path = tmp_path / "junk.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(10 * 1024 * 1024))
    assert "超过上限 10 MB" in rejected(path, importer)


def test_a_damaged_zip(importer, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + os.urandom(3000))
    assert "已损坏" in rejected(path, importer)


def test_another_office_file(importer, tmp_path):
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "不是 Excel 工作簿" in rejected(path, importer)


def test_an_empty_file(importer, tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "空的" in rejected(path, importer)


def test_missing_headers_are_named(importer, tmp_path):
    headers = [h for h in HEADERS if h not in ("谈话日期", "归档日期")]
    message = rejected(write_xlsx(tmp_path / "f.xlsx", [full_row()], headers=headers), importer)
    assert "缺少列：「谈话日期」、「归档日期」" in message


def test_a_renamed_header_is_named(importer, tmp_path):
    headers = ["身份证号" if h == "公民身份号码" else h for h in HEADERS]
    message = rejected(write_xlsx(tmp_path / "f.xlsx", [full_row()], headers=headers), importer)
    assert "缺少列：「公民身份号码」" in message
    assert "无法识别的列：E1「身份证号」（列名被修改了吗？）" in message


def test_an_empty_header_row(importer, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append([])
    workbook.active.append(["张三"])
    workbook.save(tmp_path / "f.xlsx")
    assert "第1行（表头）是空的" in rejected(tmp_path / "f.xlsx", importer)


def test_columns_may_come_in_another_order(importer, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [full_row()], headers=list(reversed(HEADERS)))
    assert check_file(path, user=importer).as_json() == [
        {"row": 2, "errors": [], "warnings": [], "messages": []}
    ]


def test_merged_cells_are_named(importer, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [full_row(), full_row()])
    workbook = openpyxl.load_workbook(path)
    workbook.active.merge_cells("I2:I3")
    workbook.save(path)
    assert "合并单元格 I2:I3" in rejected(path, importer)


def test_empty_rows_are_skipped_and_row_numbers_kept(importer, tmp_path):
    path = write_xlsx(
        tmp_path / "f.xlsx", [full_row(), {}, {"姓名": "  "}, person(2, 谈话日期=d(2021, 2, 6))]
    )
    reports = check_file(path, user=importer).as_json()
    assert [r["row"] for r in reports] == [2, 5]
    assert reports[1]["warnings"] == ["W01"] and reports[1]["messages"][0].startswith("第5行「谈话日期」")


def bad_cell(importer, tmp_path, header, value):
    path = write_xlsx(tmp_path / "f.xlsx", [full_row(**{header: value})])
    report = check_file(path, user=importer).reports[0]
    assert report.invalid or report.messages
    return report


def test_a_formula_is_named_by_its_cell(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "谈话日期", "=J2+15")
    assert report.invalid
    assert any("第2行「谈话日期」（单元格 K2）：是公式 =J2+15" in m for m in report.messages)


def test_text_in_a_date_cell_is_named_by_its_cell(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "谈话日期", "去年春天")
    assert report.invalid
    assert any("第2行「谈话日期」（单元格 K2）：「去年春天」不是日期" in m for m in report.messages)


def test_dates_as_text_are_accepted(importer, tmp_path):
    row = full_row(谈话日期="2021-01-20", 确定积极分子日期="2021/3/1", 积极分子备案日期="2021年3月10日")
    report = check_file(write_xlsx(tmp_path / "f.xlsx", [row]), user=importer).reports[0]
    assert report.as_json()["messages"] == []


def test_an_impossible_date_is_refused(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "谈话日期", "2021-02-30")
    assert report.invalid and any("不是有效日期" in m for m in report.messages)


def test_excel_serial_numbers_in_a_date_column_are_read_with_a_notice(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "谈话日期", 44216)  # 2021-01-20 as Excel counts days
    assert not report.invalid
    assert report.messages == [
        "第2行「谈话日期」（单元格 K2）：提示 数字 44216 已按 Excel 日期序列号读作 2021-01-20，请核对（建议改为日期格式）"
    ]


def test_yyyymmdd_numbers_are_read_with_a_notice(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "谈话日期", 20210120)
    assert not report.invalid and "已按年月日读作 2021-01-20" in report.messages[0]


def test_other_numbers_in_a_date_column_are_refused(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "谈话日期", 123)
    assert report.invalid and "数字 123 不是日期" in report.messages[0]


def test_an_id_number_typed_as_a_number(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "公民身份号码", 330102199503150000)
    assert report.invalid and "把本列设为「文本」格式" in report.messages[0]


@pytest.mark.parametrize(
    ("header", "value", "says"),
    [
        ("性别", "未知", "请填「男」或「女」"),
        ("学历", "幼儿园", "不是可识别的学历"),
        ("是否团员", "也许", "请填「是」或「否」"),
        ("政审结论", "基本合格", "请填「合格」或「不合格」"),
        ("接收大会应到人数", "八", "不是整数"),
        ("集中培训学时", "很多", "不是数字"),
        ("民族", "Han", "不是民族的中文名称"),
        ("姓名", "张3", "姓名只能包含汉字"),
    ],
)
def test_bad_values_are_named(importer, tmp_path, header, value, says):
    report = bad_cell(importer, tmp_path, header, value)
    assert report.invalid
    assert any(f"「{header}」" in m and says in m for m in report.messages), report.messages


def test_common_spellings_are_understood(importer, tmp_path):
    row = full_row(学历="大学本科", 是否团员="否", 性别="男", 集中培训学时="24")
    assert (
        check_file(write_xlsx(tmp_path / "f.xlsx", [row]), user=importer).reports[0].as_json()["messages"]
        == []
    )


def test_required_columns(importer, tmp_path):
    report = bad_cell(importer, tmp_path, "民族", None)
    assert report.invalid and "第2行「民族」：必填，不能为空" in report.messages


def test_the_dry_run_writes_only_its_audit_row(importer, tmp_path):
    path = write_xlsx(tmp_path / "f.xlsx", [full_row()])
    batch, result = check_batch(store_path(path), user=importer, source="command")
    assert batch.status == ImportStatus.CHECKED and batch.dry_run
    assert (batch.rows_total, batch.rows_valid, batch.size) == (1, 1, path.stat().st_size)
    assert len(batch.sha256) == 64 and batch.user == importer
    assert not Case.objects.exists() and ImportBatch.objects.count() == 1
