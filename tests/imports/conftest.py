"""Workbooks built in the tests with openpyxl, and one realistic row: a person in 城关一支部 who
went all the way to 归档 under the 2014 rules. Tests change one cell and watch one code."""

import datetime as dt
from types import SimpleNamespace

import openpyxl
import pytest
from django.utils import timezone

from cases import idcard
from imports.importer.template import HEADERS

TODAY = dt.date(2026, 11, 25)  # after every date used here, 2026 rules in force since 2026-05-11
d = dt.date


def full_row(**changes) -> dict:
    """A valid row, header → value; pass header=None to blank a cell."""
    row = {
        "姓名": "张建国",
        "性别": "男",
        "民族": "汉族",
        "出生日期": d(1995, 3, 15),
        "公民身份号码": idcard.make("330102", d(1995, 3, 15), 12, "M"),
        "学历": "本科",
        "是否团员": "否",
        "是否生产工作一线": "是",
        "所在党支部": "城关镇第一党支部",
        "申请入党日期": d(2021, 1, 5),
        "谈话日期": d(2021, 1, 20),
        "确定积极分子日期": d(2021, 3, 1),
        "积极分子备案日期": d(2021, 3, 10),
        "培养联系人": "城关一党员0、城关一党员1",
        "确定发展对象日期": d(2022, 3, 7),
        "发展对象备案日期": d(2022, 3, 15),
        "入党介绍人": "城关一党员2、城关一党员3",
        "政审结论": "合格",
        "政审日期": d(2022, 4, 1),
        "集中培训学时": 24,
        "集中培训结业日期": d(2022, 4, 10),
        "支委会审查日期": d(2022, 4, 20),
        "预审日期": d(2022, 5, 6),
        "接收大会日期": d(2022, 5, 20),
        "接收大会应到人数": 8,
        "接收大会实到人数": 8,
        "接收大会赞成票数": 8,
        "党委谈话日期": d(2022, 6, 1),
        "党委审批日期": d(2022, 6, 15),
        "入党宣誓日期": d(2022, 7, 1),
        "转正申请日期": d(2023, 5, 10),
        "转正大会日期": d(2023, 5, 22),
        "转正大会应到人数": 8,
        "转正大会实到人数": 8,
        "转正大会赞成票数": 8,
        "转正审批日期": d(2023, 6, 10),
        "归档日期": d(2023, 6, 20),
    }
    row.update(changes)
    return {k: v for k, v in row.items() if v is not None}


AFTER = list(HEADERS)


def until(header: str, **changes) -> dict:
    """The full row with every date column after `header` blanked (a case still under way)."""
    row = full_row(**changes)
    cut = AFTER.index(header)
    for later in AFTER[cut + 1 :]:
        if later in row and later not in changes:
            row.pop(later)
    return row


BIRTH = d(1995, 3, 15)


def person(n: int, birth=BIRTH, gender="M", **changes) -> dict:
    """full_row for the n-th distinct person."""
    return full_row(
        姓名="张" + "甲乙丙丁戊己庚辛壬癸"[n % 10] + ("" if n < 10 else "子丑寅卯辰巳午未申酉"[n // 10 % 10]),
        出生日期=birth,
        公民身份号码=idcard.make("330102", birth, n, gender),
        性别="男" if gender == "M" else "女",
        **changes,
    )


def write_xlsx(path, rows: list[dict], headers=HEADERS, date_format="yyyy-mm-dd"):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "导入模板"
    sheet.append(list(headers))
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    for cells in sheet.iter_rows(min_row=2):
        for cell in cells:
            if isinstance(cell.value, dt.date):
                cell.number_format = date_format
    workbook.save(path)
    return path


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


@pytest.fixture
def book(tmp_path):
    """book(rows) → path of a fresh .xlsx holding those rows under the template's headers."""
    counter = iter(range(10_000))

    def make(rows, **kwargs):
        return write_xlsx(tmp_path / f"import-{next(counter)}.xlsx", rows, **kwargs)

    return make


@pytest.fixture
def rows():
    return SimpleNamespace(full=full_row, until=until, person=person)
