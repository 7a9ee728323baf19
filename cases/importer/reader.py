"""Open an uploaded workbook safely and read its rows as typed values.

File-level problems (not an .xlsx, encrypted, too big, wrong headers, merged cells, too many rows)
raise UnreadableFile with a Chinese message: such a file is rejected as a whole and nothing is
written. Cell-level problems (text in a date cell, a formula) stay with their row.
"""

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import openpyxl
from openpyxl.utils import get_column_letter

from cases.importer import cells
from cases.importer.template import BY_HEADER, HEADERS, MAX_FILE_BYTES, MAX_ROWS

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARKER = "EncryptionInfo".encode("utf-16-le")
MAX_UNZIPPED_BYTES = 300 * 1024 * 1024  # a 10 MB .xlsx of text unzips to far less; more is a zip bomb
MERGE_PATTERN = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+\d+(?::[A-Z]+\d+)?)\"")
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class UnreadableFile(Exception):
    """The file as a whole cannot be imported; str(exc) is the Chinese message for the user."""


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


def read_workbook(path: str | Path) -> list[SheetRow]:
    """The data rows of the first sheet, blank rows skipped (row numbers kept)."""
    path = Path(path)
    _check_container(path)
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for damaged files
        raise UnreadableFile(
            "文件已损坏或不是有效的 Excel 工作簿（.xlsx），请在 Excel 中打开后重新保存"
        ) from exc
    try:
        if not workbook.worksheets:
            raise UnreadableFile("工作簿中没有工作表")
        return _read_rows(workbook.worksheets[0])
    finally:
        workbook.close()


def _check_container(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise UnreadableFile(
            f"文件大小 {size / 1048576:.1f} MB，超过上限 {MAX_FILE_BYTES // 1048576} MB，请分成多个文件导入"
        )
    if size == 0:
        raise UnreadableFile("文件是空的")
    with path.open("rb") as handle:
        head = handle.read(8)
        if head.startswith(OLE_MAGIC):
            handle.seek(0)
            if ENCRYPTED_MARKER in handle.read():
                raise UnreadableFile(
                    "文件设置了打开密码（已加密），无法读取：请在 Excel 中取消密码后另存为 .xlsx 再导入"
                )
            raise UnreadableFile(
                "这是旧版 Excel（.xls）或其他 Office 文件：请在 Excel 中「另存为」Excel 工作簿（.xlsx）后再导入"
            )
    if head.startswith(b"%PDF"):
        raise UnreadableFile("这是 PDF 文件，不是 Excel 工作簿：请使用导入模板（.xlsx）")
    if not head.startswith(ZIP_MAGIC):
        raise UnreadableFile("不是 Excel 工作簿（.xlsx）文件：请使用导入模板填写后上传")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" not in names:
                raise UnreadableFile(
                    "不是 Excel 工作簿（可能是 Word 或其他压缩文件）：请使用导入模板（.xlsx）"
                )
            if sum(info.file_size for info in archive.infolist()) > MAX_UNZIPPED_BYTES:
                raise UnreadableFile("文件解压后过大，不像正常的导入表格，已拒绝")
            merged = _merged_ranges(archive)
    except zipfile.BadZipFile as exc:
        raise UnreadableFile("文件已损坏，不是有效的 Excel 工作簿（.xlsx）") from exc
    if merged:
        shown = "、".join(merged[:10]) + ("等" if len(merged) > 10 else "")
        raise UnreadableFile(f"工作表含合并单元格 {shown}：请取消合并、每个单元格分别填写后再导入")


def _first_sheet_part(archive: zipfile.ZipFile) -> str | None:
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    sheet = workbook.find(f"{NS_MAIN}sheets/{NS_MAIN}sheet")
    if sheet is None:
        return None
    rel_id = sheet.get(f"{NS_REL}id")
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    for rel in rels.iter(f"{NS_PKG_REL}Relationship"):
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            return target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
    return None


def _merged_ranges(archive: zipfile.ZipFile) -> list[str]:
    """Merged ranges of the first sheet, found by streaming its XML (read-only mode hides them)."""
    try:
        part = _first_sheet_part(archive)
    except (KeyError, ElementTree.ParseError):
        return []
    if part is None or part not in archive.namelist():
        return []
    found, tail = [], b""
    with archive.open(part) as stream:
        while chunk := stream.read(1 << 20):
            buffer = tail + chunk
            found += [m.decode() for m in MERGE_PATTERN.findall(buffer)]
            cut = buffer.rfind(b"<")
            tail = buffer[cut:] if cut >= 0 and b">" not in buffer[cut:] else b""
    return list(dict.fromkeys(found))


def _read_rows(sheet) -> list[SheetRow]:
    sheet.reset_dimensions()  # some tools write a wrong <dimension>; read what is really there
    values = sheet.iter_rows(values_only=True)
    header_row = next(values, None)
    columns = _header_columns(header_row or ())
    rows: list[SheetRow] = []
    for number, raw in enumerate(values, start=2):
        if raw is None or all(cells.is_blank(v) for v in raw):
            continue
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(
                f"数据超过每个文件 {MAX_ROWS} 行的上限：请分成多个文件导入（每个不超过 {MAX_ROWS} 行）"
            )
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
    missing = [h for h in HEADERS if h not in seen]
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
        where = f"第{number}行「{header}」（单元格 {get_column_letter(index + 1)}{number}）"
        if cells.is_formula(value):
            row.problems.append(
                f"{where}：是公式 {value[:40]}，请改为直接填写数值（复制后「选择性粘贴—数值」）"
            )
            continue
        column = BY_HEADER[header]
        parse = cells.COLUMN_PARSERS.get(header) or cells.PARSERS[column.kind]
        try:
            row.values[header] = parse(value)
        except cells.CellNotice as notice:
            row.values[header] = notice.value
            row.notices.append(f"{where}：提示 {notice.message}")
        except cells.CellProblem as problem:
            row.problems.append(f"{where}：{problem}")
            row.unreadable.add(header)
    return row
