"""Write .xlsx files with openpyxl's write-only mode, so big exports stream instead of piling up
cells in memory. Dates get a date format and 公民身份号码 a text format, as a county expects.

Every exported cell passes `neutralised` (formula injection, OWASP "CSV injection"): text that
begins with = + - @, a tab or a carriage return (or their full-width forms, which a Chinese input
method types) is written with a leading single quote, so neither openpyxl nor Excel nor a later
CSV copy reads it as a formula. Numbers stay numbers (a negative count is not text), and valid data
never begins with those characters, so the import round trip is unchanged."""

import datetime as dt
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="B71C1C")
TEXT_COLUMNS = {"公民身份号码"}
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
WIDTHS = {"公民身份号码": 21, "所在党支部": 22, "党支部": 22, "培养联系人": 16, "入党介绍人": 16, "说明": 90}


@dataclass
class Sheet:
    title: str
    headers: list[str]
    rows: Iterable[list]
    print_title: str = ""  # printed at the top of every page (whose list, which filters, which day)


def write_workbook(sheets: list[Sheet], stream=None):
    """Write the sheets to `stream` (a spooled temporary file by default), rewound for reading."""
    workbook = Workbook(write_only=True)
    for sheet in sheets:
        _write_sheet(workbook.create_sheet(sheet.title[:31]), sheet)
    if stream is None:  # handed to the caller (a FileResponse closes it)
        stream = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # noqa: SIM115
    workbook.save(stream)
    stream.seek(0)
    return stream


def _write_sheet(worksheet, sheet: Sheet) -> None:
    for index, header in enumerate(sheet.headers, start=1):
        column = worksheet.column_dimensions[get_column_letter(index)]
        column.width = WIDTHS.get(header, max(10, len(header) * 2 + 2))
        if header in TEXT_COLUMNS:  # typed numbers stay text: an 18-digit number would lose digits
            column.number_format = "@"
        elif header.endswith("日期"):
            column.number_format = "yyyy-mm-dd"
    worksheet.freeze_panes = "A2"
    worksheet.print_title_rows = "1:1"  # the header row on every printed page
    if sheet.print_title:
        worksheet.oddHeader.center.text = sheet.print_title.replace("&", "&&")
    worksheet.append([_header_cell(worksheet, h) for h in sheet.headers])
    text_indexes = {i for i, h in enumerate(sheet.headers) if h in TEXT_COLUMNS}
    for row in sheet.rows:
        worksheet.append([_cell(worksheet, value, i in text_indexes) for i, value in enumerate(row)])


def _header_cell(worksheet, header: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(worksheet, value=header)
    cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def neutralised(value):
    """The value as an exported cell may hold it: text that a spreadsheet would run as a formula
    gets a protecting single quote in front; anything else is returned as it is."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(worksheet, value, as_text: bool):
    value = neutralised(value)
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        cell = WriteOnlyCell(worksheet, value=value)
        cell.number_format = "yyyy-mm-dd"
        return cell
    if as_text and value not in (None, ""):
        cell = WriteOnlyCell(worksheet, value=str(value))
        cell.number_format = "@"
        return cell
    return value
