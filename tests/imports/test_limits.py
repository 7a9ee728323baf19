"""The workbook bombs of the attack (issue 8 item 5), kept as tests: each is refused while the file
streams, quickly, with a Chinese message naming the limit, and nothing is written — through the
reader, the audited batch and manage.py import_cases alike (one place for the limits: settings)."""

import io
import struct
import time
import zipfile

import openpyxl
import pytest
from django.core.management import CommandError, call_command

from cases.models import Case, CaseEvent, Person
from imports.importer import UnreadableFile, check_file, import_batch, store_path
from imports.importer.template import HEADERS
from imports.models import ImportBatch, ImportStatus
from tests.imports.conftest import full_row, person, write_xlsx

pytestmark = pytest.mark.django_db

QUICKLY = 3.0  # seconds; before the limits, openpyxl alone read the 1.5-million-row file for 10 s, then every row was checked


@pytest.fixture
def importer(county, secretary, today):
    return secretary


def with_sheet_xml(path, sheet_data: bytes, *, dimension: bytes | None = None, extra=None) -> None:
    """Replace the first sheet's <sheetData> of a template workbook (and, optionally, its
    <dimension>, or add members), the way a hostile tool would write it."""
    source = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active.append(list(HEADERS))
    workbook.save(source)
    with zipfile.ZipFile(source) as inside, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in inside.infolist():
            data = inside.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                head, rest = data.split(b"<sheetData>", 1)
                header_row, tail = rest.split(b"</row>", 1)
                data = (
                    head
                    + b"<sheetData>"
                    + header_row
                    + b"</row>"
                    + sheet_data
                    + tail[tail.index(b"</sheetData>") :]
                )
                if dimension is not None:
                    start = data.index(b"<dimension")
                    data = data[:start] + dimension + data[data.index(b"/>", start) + 2 :]
            out.writestr(info.filename, data, compresslevel=9)
        for name, data in (extra or {}).items():
            out.writestr(name, data, compresslevel=9)


def refused(path, user) -> tuple[str, float]:
    """Check the file and import it (as the command line does); both refuse it, quickly, write
    nothing, and the audit row says why."""
    started = time.monotonic()
    with pytest.raises(UnreadableFile) as caught:
        check_file(path, user=user)
    took = time.monotonic() - started
    batch, result = import_batch(store_path(path), user=user, mode="valid_only", source="command")
    assert result is None and batch.status == ImportStatus.REJECTED and batch.error == str(caught.value)
    assert not Case.objects.exists() and not Person.objects.exists() and not CaseEvent.objects.exists()
    return str(caught.value), took


BLANK_ROWS = 1_500_000


@pytest.mark.parametrize(
    "sheet_data",
    [
        pytest.param(b"<row/>" * BLANK_ROWS, id="rows-without-numbers"),
        pytest.param(b'<row><c s="1"/></row>' * BLANK_ROWS, id="styled-blank-cells"),
        pytest.param(b'<row r="1500001"><c r="A1500001"/></row>', id="one-row-far-below"),
    ],
)
def test_it_refuses_a_workbook_of_a_million_and_a_half_blank_rows_quickly(importer, tmp_path, sheet_data):
    path = tmp_path / "blank.xlsx"
    with_sheet_xml(path, sheet_data)
    assert path.stat().st_size < 400 * 1024  # as small as the attack's 359 KB workbook
    message, took = refused(path, importer)
    assert "超过每个文件 10000 行的上限（表头以下的行，空白行也计算在内）" in message
    assert took < QUICKLY


def test_it_refuses_a_sheet_that_declares_a_huge_range_before_reading_a_row(importer, tmp_path):
    path = tmp_path / "declared.xlsx"
    with_sheet_xml(path, b"", dimension=b'<dimension ref="A1:AN1500001"/>')
    message, took = refused(path, importer)
    assert "数据区域为 A1:AN1500001，共 1500001 行，超过每个文件 10000 行的上限" in message
    assert took < QUICKLY


def test_it_refuses_a_zip_bomb_before_unzipping_it(importer, tmp_path):
    path = tmp_path / "bomb.xlsx"
    with_sheet_xml(path, b"", extra={"xl/media/padding.bin": b"\0" * (70 * 1024 * 1024)})
    assert path.stat().st_size < 1024 * 1024  # 70 MB of zeros deflate to about 70 KB
    message, took = refused(path, importer)
    assert "文件解压后 70 MB，超过上限 64 MB" in message
    assert took < QUICKLY


def test_it_refuses_a_zip_bomb_that_hides_its_size(importer, tmp_path):
    """A member declaring 1 KB that unzips to 70 MB: zipfile stops at the declared size and fails
    the CRC, so the hidden bytes are never produced."""
    path = tmp_path / "liar.xlsx"
    strings = b"<sst>" + b" " * (70 * 1024 * 1024) + b"</sst>"  # well-formed: only its size is hidden
    with_sheet_xml(path, b"", extra={"xl/sharedStrings.xml": strings})
    data = bytearray(path.read_bytes())
    name = b"xl/sharedStrings.xml"
    for signature, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):  # local, central
        start = 0
        while (start := data.find(signature, start)) >= 0:
            if data[start + name_at : start + name_at + len(name)] == name:
                struct.pack_into("<I", data, start + size_at, 1024)  # the uncompressed size it declares
            start += 4
    path.write_bytes(bytes(data))
    message, took = refused(path, importer)
    assert "文件已损坏" in message and took < QUICKLY


def test_it_refuses_a_cell_far_to_the_right(importer, tmp_path):
    path = tmp_path / "wide.xlsx"
    with_sheet_xml(path, b'<row r="2"><c r="A2" t="inlineStr"><is><t>x</t></is></c><c r="XFD2"/></row>')
    message, took = refused(path, importer)
    assert "第2行有第 16384 列（XFD 列）的单元格，超过每个文件 60 列的上限" in message
    assert took < QUICKLY


def test_it_refuses_a_row_of_a_million_cells_without_addresses(importer, tmp_path):
    path = tmp_path / "long-row.xlsx"
    with_sheet_xml(path, b"<row>" + b"<c/>" * 1_000_000 + b"</row>")
    message, took = refused(path, importer)
    assert "第2行有第 61 列（BI 列）的单元格，超过每个文件 60 列的上限" in message
    assert took < QUICKLY


@pytest.mark.parametrize("ref", [b"A0", b"1", b"ZZZZ2", b"A2B"])
def test_it_refuses_a_cell_whose_address_is_not_one_as_damaged(importer, tmp_path, ref):
    path = tmp_path / "address.xlsx"
    with_sheet_xml(path, b'<row r="2"><c r="' + ref + b'"/></row>')
    message, _ = refused(path, importer)
    assert "文件已损坏" in message


def test_it_refuses_a_doctype_an_xml_bomb_needs(importer, tmp_path):
    path = tmp_path / "laughs.xlsx"
    with_sheet_xml(path, b"")
    data = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>' + data[data.index(b"<worksheet") :]
    rebuilt = tmp_path / "laughs2.xlsx"
    with zipfile.ZipFile(path) as inside, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as out:
        for info in inside.infolist():
            out.writestr(
                info.filename, bomb if info.filename == "xl/worksheets/sheet1.xml" else inside.read(info)
            )
    message, _ = refused(rebuilt, importer)
    assert "文档类型声明（DOCTYPE）" in message


def test_blank_rows_count_toward_the_row_limit_set_in_settings(importer, tmp_path, settings):
    settings.IMPORT_MAX_ROWS = 5
    rows = [full_row(), {}, {}, person(2), {}]  # rows 2–6; the blank ones still count
    path = write_xlsx(tmp_path / "five.xlsx", rows)
    openpyxl_book = openpyxl.load_workbook(path)
    openpyxl_book.active.cell(row=6, column=1).number_format = "yyyy-mm-dd"  # a formatted blank row 6
    openpyxl_book.save(path)
    assert [r["row"] for r in check_file(path, user=importer).as_json()] == [2, 5]

    openpyxl_book.active.cell(row=7, column=1).number_format = "yyyy-mm-dd"  # one formatted blank row more
    openpyxl_book.save(path)
    message, _ = refused(path, importer)
    assert "超过每个文件 5 行的上限（表头以下的行，空白行也计算在内）" in message


def test_cells_are_limited_in_settings_styled_blanks_included(importer, tmp_path, settings):
    settings.IMPORT_MAX_CELLS = 100
    path = write_xlsx(tmp_path / "cells.xlsx", [full_row(), person(2)])  # 40 + 2 × 37 cells
    message, _ = refused(path, importer)
    assert "单元格超过 100 个的上限" in message


def test_the_command_line_applies_the_same_limits(county, secretary, tmp_path, today):
    path = tmp_path / "blank.xlsx"
    with_sheet_xml(path, b"<row/>" * BLANK_ROWS)
    for extra in (["--dry-run", "--json"], ["--as", "secretary"]):
        with pytest.raises(CommandError, match="超过每个文件 10000 行的上限"):
            call_command("import_cases", str(path), *extra, stdout=io.StringIO())
    assert list(ImportBatch.objects.values_list("status", flat=True)) == [ImportStatus.REJECTED] * 2
    assert not Case.objects.exists()
