"""manage.py import_cases / export_cases."""

import datetime as dt
import io
import json

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from cases.models import Case
from imports.models import ExportKind, ExportLog, ImportBatch, ImportStatus
from tests.imports.conftest import full_row, person, until

pytestmark = pytest.mark.django_db
d = dt.date


def command(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_dry_run_json_prints_the_report_and_exits_0(county, book, today):
    path = book([full_row(), person(2, 谈话日期=d(2021, 2, 6), 集中培训学时=8, 接收大会赞成票数=4)])
    report = json.loads(command("import_cases", str(path), "--dry-run", "--json"))
    assert report[0] == {"row": 2, "errors": [], "warnings": [], "messages": []}
    assert list(report[1]) == ["row", "errors", "warnings", "messages"]
    assert report[1]["row"] == 3
    assert report[1]["errors"] == ["E08", "E09"] and report[1]["warnings"] == ["W01"]
    assert all(isinstance(m, str) and m.startswith("第3行") for m in report[1]["messages"])
    assert not Case.objects.exists()
    assert ImportBatch.objects.get().source == "command"


def test_dry_run_without_a_user_checks_every_branch(county, secretary, book, today):
    row = person(
        1,
        所在党支部="HK01",
        培养联系人="河口一党员0",
        入党介绍人="河口一党员1、河口一党员2",
        接收大会应到人数=4,
        接收大会实到人数=4,
        接收大会赞成票数=4,
        转正大会应到人数=4,
        转正大会实到人数=4,
        转正大会赞成票数=4,
    )
    path = str(book([row]))
    assert json.loads(command("import_cases", path, "--dry-run", "--json"))[0]["messages"] == []
    scoped = json.loads(command("import_cases", path, "--dry-run", "--json", "--as", "secretary"))
    assert "不在您的管理范围内" in scoped[0]["messages"][0]


def test_a_real_import_needs_a_user(county, book, today):
    with pytest.raises(CommandError, match="--as"):
        command("import_cases", str(book([full_row()])))
    assert not Case.objects.exists()


def test_a_real_import_with_a_default_branch(county, secretary, book, today):
    path = book([person(1, 所在党支部=None), person(2, 所在党支部=None)])
    out = command("import_cases", str(path), "--as", "secretary", "--branch", "城关一")
    assert "实际导入 2 行" in out
    assert Case.objects.filter(branch=county.branch).count() == 2
    batch = ImportBatch.objects.get()
    assert (batch.user, batch.default_branch, batch.dry_run, batch.mode) == (
        secretary,
        county.branch,
        False,
        "all_or_nothing",
    )


def test_an_import_refused_for_errors_exits_non_zero_after_the_report(county, secretary, book, today):
    path = book([person(1), person(2, 集中培训学时=8)])
    out = io.StringIO()
    with pytest.raises(CommandError, match="未导入"):
        call_command("import_cases", str(path), "--as", "secretary", "--json", stdout=out)
    assert json.loads(out.getvalue())[1]["errors"] == ["E08"]
    assert not Case.objects.exists()
    command("import_cases", str(path), "--as", "secretary", "--mode", "valid")
    assert Case.objects.count() == 1


def test_warnings_need_a_reason_on_the_command_line(county, secretary, book, today):
    path = str(book([full_row(谈话日期=d(2021, 2, 6))]))
    with pytest.raises(CommandError, match="预警说明"):
        command("import_cases", path, "--as", "secretary")
    command("import_cases", path, "--as", "secretary", "--reason", "按档案补录")
    assert Case.objects.count() == 1


def test_a_bad_file_is_a_clear_error(county, tmp_path, today):
    path = tmp_path / "x.xlsx"
    path.write_bytes(b"%PDF-1.7 not a workbook")
    with pytest.raises(CommandError, match="PDF 文件"):
        command("import_cases", str(path), "--dry-run", "--json")
    assert ImportBatch.objects.get().status == ImportStatus.REJECTED
    with pytest.raises(CommandError, match="文件不存在"):
        command("import_cases", str(tmp_path / "missing.xlsx"), "--dry-run")


def test_unknown_user_and_branch(county, book, today):
    path = str(book([full_row()]))
    with pytest.raises(CommandError, match="用户不存在"):
        command("import_cases", path, "--dry-run", "--as", "nobody")
    with pytest.raises(CommandError, match="未找到党支部"):
        command("import_cases", path, "--dry-run", "--branch", "没有这个支部")


def sheet_rows(path) -> list[list]:
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [list(r) for r in workbook.worksheets[0].iter_rows(values_only=True)]


def test_export_the_member_roster(county, tmp_path):
    path = tmp_path / "roster.xlsx"
    out = command("export_cases", "--roster", str(path))
    rows = sheet_rows(path)
    assert rows[0] == ["党支部", "组织代码", "姓名", "党员类别"]
    assert ["社区第二党支部", "CG02", "社区二预备0", "预备党员"] in rows
    assert ["城关镇第一党支部", "CG01", "城关一党员0", "正式党员"] in rows
    assert len(rows) == 1 + 8 + 6 + 4
    assert "已导出 18 行" in out
    assert ExportLog.objects.get().kind == ExportKind.MEMBER_ROSTER


def test_export_as_a_user_is_scoped_and_masked(county, secretary, auditor, outsider, book, tmp_path, today):
    command("import_cases", str(book([person(1), person(2)])), "--as", "secretary")
    full = tmp_path / "full.xlsx"
    command("export_cases", str(full), "--as", "secretary")
    ids = [r[4] for r in sheet_rows(full)[1:]]
    assert sorted(ids) == sorted([person(1)["公民身份号码"], person(2)["公民身份号码"]])

    masked = tmp_path / "masked.xlsx"
    command("export_cases", str(masked), "--as", "auditor")
    assert all("*" in r[4] for r in sheet_rows(masked)[1:])
    assert ExportLog.objects.filter(user=auditor, full_id_numbers=False, row_count=2).exists()

    nothing = tmp_path / "none.xlsx"
    command("export_cases", str(nothing), "--as", "outsider")
    assert len(sheet_rows(nothing)) == 1  # headers only: no case of another branch


def test_export_a_stage_roster(county, secretary, book, tmp_path, today):
    command("import_cases", str(book([until("积极分子备案日期"), person(2)])), "--as", "secretary")
    path = tmp_path / "activists.xlsx"
    command("export_cases", str(path), "--stage", "activist")
    rows = sheet_rows(path)
    assert rows[0][:3] == ["序号", "姓名", "性别"] and "培养联系人" in rows[0]
    assert [r[1] for r in rows[1:]] == ["张建国"]


def test_closed_cases_are_left_out_of_the_template_export_and_counted(
    county, secretary, book, tmp_path, today
):
    from cases import services

    command(
        "import_cases",
        str(book([person(1), until("谈话日期", **{k: person(2)[k] for k in ("姓名", "公民身份号码")})])),
        "--as",
        "secretary",
    )
    withdrawn = Case.objects.get(person__name=person(2)["姓名"])
    services.close_case(
        case=withdrawn, outcome="withdrawn", on=d(2021, 3, 1), reason="本人撤回", actor=secretary
    )
    out = command("export_cases", str(tmp_path / "all.xlsx"))
    assert "已导出 1 行" in out and "另有 1 个已结束的案例" in out
