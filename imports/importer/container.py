"""Look inside an uploaded .xlsx before openpyxl opens it, so that a hostile file costs next to nothing.

In order, each check stopping at the first limit passed (imports.importer.limits):
1. the file's bytes, and its first bytes (old .xls, encrypted, PDF, not a zip);
2. the zip's members: their number and the unzipped sizes they declare. zipfile never yields more
   than a member declares (more fails its CRC), so the declared sizes bound everything openpyxl can
   read: a zip bomb is refused here, unread;
3. the first sheet's XML, streamed through expat without building a tree: its declared
   <dimension>, then every row as it streams (blank rows count, by row number and by number of
   rows), every cell's column, the number of cells, and the merged ranges (which read-only openpyxl
   hides); a DOCTYPE, which no workbook has, is refused;
4. the number of shared strings (openpyxl loads them all when it opens the file).
"""

import functools
import posixpath
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path
from xml.etree import ElementTree
from xml.parsers import expat

from openpyxl.utils.cell import (
    column_index_from_string,
    coordinate_from_string,
    get_column_letter,
    range_boundaries,
)
from openpyxl.utils.exceptions import CellCoordinatesException

from imports.importer.limits import Limits, UnreadableFile

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ENCRYPTED_MARKER = "EncryptionInfo".encode("utf-16-le")
NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
CHUNK = 1 << 16
HEARTBEAT_ROWS = 1000
DIGITS = "0123456789"
DAMAGED = "文件已损坏，不是有效的 Excel 工作簿（.xlsx）"

Heartbeat = Callable[[], None]


def inspect(path: Path, limits: Limits, heartbeat: Heartbeat | None = None) -> None:
    """Raise UnreadableFile for a file that must not reach openpyxl; return quietly otherwise."""
    _check_bytes(path, limits)
    try:
        with zipfile.ZipFile(path) as archive:
            _check_members(archive, limits)
            part = _first_sheet_part(archive)
            if part is None or part not in archive.NameToInfo:
                raise UnreadableFile("工作簿中没有工作表")
            merged = _scan(archive, part, _SheetScan(limits, heartbeat)).merged
            for name in archive.namelist():
                if name.lower().endswith("sharedstrings.xml"):
                    _scan(archive, name, _StringCount(limits))
    except (zipfile.BadZipFile, zlib.error, EOFError, KeyError, ElementTree.ParseError) as exc:
        raise UnreadableFile(DAMAGED) from exc
    if merged:
        shown = "、".join(merged[:10]) + ("等" if len(merged) > 10 else "")
        raise UnreadableFile(f"工作表含合并单元格 {shown}：请取消合并、每个单元格分别填写后再导入")


def _check_bytes(path: Path, limits: Limits) -> None:
    size = path.stat().st_size
    if size > limits.file_bytes:
        raise limits.file_too_big(size)
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


def _check_members(archive: zipfile.ZipFile, limits: Limits) -> None:
    members = archive.infolist()
    if len(members) > limits.zip_members:
        raise UnreadableFile(f"文件含 {len(members)} 个部件，不像正常的导入表格，已拒绝")
    if "xl/workbook.xml" not in archive.NameToInfo:
        raise UnreadableFile("不是 Excel 工作簿（可能是 Word 或其他压缩文件）：请使用导入模板（.xlsx）")
    unzipped = sum(info.file_size for info in members)
    if unzipped > limits.unzipped_bytes:
        raise limits.unzips_too_big(unzipped)


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


def _scan(archive: zipfile.ZipFile, part: str, scan):
    """Stream one part through expat, calling scan.start(name, attrs) for each element as it opens."""
    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler = scan.start
    parser.StartDoctypeDeclHandler = _refuse_doctype
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                parser.Parse(chunk, False)
            parser.Parse(b"", True)
    except expat.ExpatError as exc:
        raise UnreadableFile(DAMAGED) from exc
    return scan


def _refuse_doctype(*args) -> None:
    raise UnreadableFile("文件含文档类型声明（DOCTYPE），正常的 Excel 工作簿没有，已拒绝")


class _SheetScan:
    def __init__(self, limits: Limits, heartbeat: Heartbeat | None):
        self.limits, self.heartbeat = limits, heartbeat
        self.row = self.rows_seen = self.column = self.cells = 0
        self.merged: list[str] = []

    def start(self, name: str, attrs: dict) -> None:
        tag = _local(name)
        if tag == "c":
            self._cell(attrs.get("r"))
        elif tag == "row":
            self._row(attrs.get("r"))
        elif tag == "dimension":
            self._dimension(attrs.get("ref", ""))
        elif tag == "mergeCell":
            self.merged.append(attrs.get("ref", ""))

    def _dimension(self, ref: str) -> None:
        try:
            _, _, columns, rows = range_boundaries(ref)
        except (TypeError, ValueError):
            return  # no or a malformed <dimension>: the rows are counted as they stream anyway
        if rows and rows > self.limits.rows + 1:
            raise self.limits.too_many_rows(f"的数据区域为 {ref}，共 {rows} 行")
        if columns and columns > self.limits.columns:
            raise self.limits.too_many_columns(f"工作表的数据区域为 {ref}，共 {columns} 列")

    def _row(self, ref: str | None) -> None:
        self.rows_seen += 1
        self.row = _number(ref) if ref else self.row + 1
        self.column = 0
        if max(self.row, self.rows_seen) > self.limits.rows + 1:
            raise self.limits.too_many_rows(f"超过 {self.limits.rows + 1} 行")
        if self.heartbeat and self.rows_seen % HEARTBEAT_ROWS == 0:
            self.heartbeat()

    def _cell(self, ref: str | None) -> None:
        self.cells += 1
        self.column = _column(ref) if ref else self.column + 1
        if self.column > self.limits.columns:
            letter = get_column_letter(min(self.column, 18278))
            raise self.limits.too_many_columns(f"第{self.row}行有第 {self.column} 列（{letter} 列）的单元格")
        if self.cells > self.limits.cells:
            raise self.limits.too_many_cells()


class _StringCount:
    def __init__(self, limits: Limits):
        self.limits, self.strings = limits, 0

    def start(self, name: str, attrs: dict) -> None:
        if _local(name) == "si":
            self.strings += 1
            if self.strings > self.limits.cells:
                raise UnreadableFile(
                    f"文件中的文字条目超过 {self.limits.cells} 条，不像正常的导入表格，已拒绝"
                )


@functools.cache
def _local(name: str) -> str:
    """An element's name without its namespace (expat gives "namespace name")."""
    return name.rpartition(" ")[2]


def _number(ref: str) -> int:
    if not ref.isdigit() or len(ref) > 9:
        raise UnreadableFile(DAMAGED)
    return int(ref)


def _column(ref: str) -> int:
    """The column of a cell reference such as "AB12" (refused unless openpyxl reads it so)."""
    letters = ref.rstrip(DIGITS)
    row = ref[len(letters) :]
    if not row.isdigit() or not int(row):  # openpyxl: "There is no row 0"
        raise UnreadableFile(DAMAGED)
    return _column_of(letters)


@functools.cache
def _column_of(letters: str) -> int:
    try:
        letters, _ = coordinate_from_string(letters + "1")
        return column_index_from_string(letters)
    except (ValueError, CellCoordinatesException) as exc:
        raise UnreadableFile(DAMAGED) from exc
