"""Open an uploaded workbook safely and read its rows as typed values.

File-level problems (not an .xlsx, encrypted, too big, wrong headers, merged cells, too many rows,
columns or cells) raise UnreadableFile with a Chinese message: such a file is rejected as a whole and
nothing is written. imports.importer.container looks inside the zip first, so openpyxl only ever opens
a file within the limits (imports.importer.limits). Cell-level problems (text in a date cell, a
formula) stay with their row.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._read_only import ReadOnlyWorksheet

from imports.importer import cells, container, limits
from imports.importer.limits import Limits, UnreadableFile
from imports.importer.template import BY_HEADER, REQUIRED_HEADERS

HEARTBEAT_ROWS = 500

__all__ = ["SheetRow", "UnreadableFile", "read_workbook"]


@dataclass
class SheetRow:
    number: int  # as Excel shows it: the header is row 1
    values: dict[str, object] = field(default_factory=dict)  # header → typed value, filled cells only
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    unreadable: set[str] = field(default_factory=set)  # headers whose cell has a problem

    def get(self, header: str, default=None):
        return self.values.get(header, default)

    def filled(self, header: str) -> bool:
        return header in self.values


def read_workbook(
    path: str | Path, *, heartbeat: Callable[[], None] | None = None, within: Limits | None = None
) -> list[SheetRow]:
    """The data rows of the first sheet, blank rows skipped (row numbers kept). `heartbeat` is
    called every few hundred rows, so a worker can show it is alive while it reads."""
    path = Path(path)
    within = within or limits.current()
    container.inspect(path, within, heartbeat)
    try:
        workbook = _open(path)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise UnreadableFile(
            "文件已损坏或不是有效的 Excel 工作簿（.xlsx），请在 Excel 中打开后重新保存"
        ) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableFile("工作簿中没有工作表")
        return _read_rows(workbook.worksheets[0], within, heartbeat)
    finally:
        workbook.close()


def _open(path: Path):
    """openpyxl.load_workbook(path, read_only=True), its sheets left unsized (_UnsizedSheet)."""
    reader = _Reader(path, read_only=True, data_only=False)
    reader.read()
    return reader.wb


class _UnsizedSheet(ReadOnlyWorksheet):
    """A read-only sheet that does not read its <dimension> when opened: its rows are read as
    they really are (some tools write a wrong one), and openpyxl's sizing scans the whole of a
    sheet that declares none — one more pass over the file before the one that reads it."""

    def _get_size(self) -> None:
        pass


class _Reader(ExcelReader):
    def read_worksheets(self) -> None:
        """As openpyxl's, read-only: each worksheet an _UnsizedSheet."""
        for sheet, rel in self.parser.find_sheets():
            if rel.target not in self.valid_files:
                continue
            if "chartsheet" in rel.Type:
                self.read_chartsheet(sheet, rel)
                continue
            worksheet = _UnsizedSheet(self.wb, sheet.name, rel.target, self.shared_strings)
            worksheet.sheet_state = sheet.state
            self.wb._sheets.append(worksheet)


def _read_rows(sheet, within: Limits, heartbeat) -> list[SheetRow]:
    values = sheet.iter_rows(values_only=True)
    header_row = next(values, None)
    columns = _header_columns(header_row or ())
    rows: list[SheetRow] = []
    for number, raw in enumerate(values, start=2):
        if number > within.rows + 1:  # container counted them already; this only keeps it so
            raise within.too_many_rows(f"超过 {within.rows + 1} 行")
        if heartbeat and number % HEARTBEAT_ROWS == 0:
            heartbeat()
        if raw is None or all(cells.is_blank(v) for v in raw):
            continue
        rows.append(_parse_row(number, raw, columns))
    return rows


def _header_columns(header_row) -> dict[str, int]:
    """header → 0-based index; raises with the missing, unknown and duplicated headers named."""
    seen: dict[str, int] = {}
    unknown, duplicated = [], []
    for index, raw in enumerate(header_row):
        if cells.is_blank(raw):
            continue
        name = str(raw).strip()
        if name not in BY_HEADER:
            unknown.append(f"{get_column_letter(index + 1)}1「{name}」")
        elif name in seen:
            duplicated.append(name)
        else:
            seen[name] = index
    missing = [h for h in REQUIRED_HEADERS if h not in seen]
    if not seen and not unknown:
        raise UnreadableFile("第1行（表头）是空的：请使用导入模板，第1行为表头、第2行起每行一人")
    problems = []
    if missing:
        problems.append("缺少列：" + "、".join(f"「{h}」" for h in missing))
    if unknown:
        hint = "（列名被修改了吗？）" if missing else ""
        problems.append("无法识别的列：" + "、".join(unknown) + hint)
    if duplicated:
        problems.append("重复的列：" + "、".join(f"「{h}」" for h in duplicated))
    if problems:
        raise UnreadableFile(
            "表头与导入模板不一致。" + "；".join(problems) + "。请下载导入模板，表头须与模板完全一致"
        )
    return seen


def _parse_row(number: int, raw: tuple, columns: dict[str, int]) -> SheetRow:
    row = SheetRow(number)
    for header, index in columns.items():
        value = raw[index] if index < len(raw) else None
        if cells.is_blank(value):
            continue
        if cells.is_formula(value):
            row.problems.append(
                f"{_where(number, header, index)}：是公式 {value[:40]}，"
                "请改为直接填写数值（复制后「选择性粘贴—数值」）"
            )
            continue
        column = BY_HEADER[header]
        parse = cells.COLUMN_PARSERS.get(header) or cells.PARSERS[column.kind]
        try:
            row.values[header] = parse(value)
        except cells.CellNotice as notice:
            row.values[header] = notice.value
            row.notices.append(f"{_where(number, header, index)}：提示 {notice.message}")
        except cells.CellProblem as problem:
            row.problems.append(f"{_where(number, header, index)}：{problem}")
            row.unreadable.add(header)
    return row


def _where(number: int, header: str, index: int) -> str:
    """A cell as a message names it (built only for a cell that has something to say)."""
    return f"第{number}行「{header}」（单元格 {get_column_letter(index + 1)}{number}）"
