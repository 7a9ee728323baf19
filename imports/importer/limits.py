"""The import's limits, in one place: settings.IMPORT_* read here, for the web upload, the worker's
check and manage.py import_cases alike; each refusal names the limit it passed, in Chinese.

Rows count every row of the sheet below the header, blank ones included (a blank row costs as much to
read as a full one: 1.5 million of them fit in a few hundred KB). Cells count every cell the sheet
stores, styled blanks included. Unzipped bytes are the sizes the zip declares for its members.
"""

from dataclasses import dataclass

from django.conf import settings

ZIP_MEMBERS = 1000  # an .xlsx from Excel or WPS has about 10–30 parts


class UnreadableFile(Exception):
    """The file as a whole cannot be imported; str(exc) is the Chinese message for the user."""


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    rows: int
    columns: int
    cells: int
    unzipped_bytes: int
    zip_members: int = ZIP_MEMBERS

    @property
    def megabytes(self) -> str:
        return f"{self.file_bytes / 1048576:g} MB"

    def file_too_big(self, size: int) -> UnreadableFile:
        return UnreadableFile(
            f"文件大小 {size / 1048576:.1f} MB，超过上限 {self.megabytes}，请分成多个文件导入"
        )

    def too_many_rows(self, seen: str) -> UnreadableFile:
        return UnreadableFile(
            f"工作表{seen}，超过每个文件 {self.rows} 行的上限（表头以下的行，空白行也计算在内）："
            "请删除表格下方多余的空白行（选中整行后右键「删除」，只清除内容不算删除），"
            f"或分成多个文件导入（每个不超过 {self.rows} 行）"
        )

    def too_many_columns(self, where: str) -> UnreadableFile:
        return UnreadableFile(
            f"{where}，超过每个文件 {self.columns} 列的上限（导入模板只有 40 列）："
            "请删除右侧多余的列（选中整列后右键「删除」）后再导入"
        )

    def too_many_cells(self) -> UnreadableFile:
        return UnreadableFile(
            f"工作表的单元格超过 {self.cells} 个的上限（有格式的空白单元格也计算在内）："
            "请删除多余的行和列，或分成多个文件导入"
        )

    def unzips_too_big(self, size: int) -> UnreadableFile:
        return UnreadableFile(
            f"文件解压后 {size / 1048576:.0f} MB，超过上限 {self.unzipped_bytes / 1048576:g} MB，"
            "不像正常的导入表格，已拒绝"
        )


def current() -> Limits:
    return Limits(
        file_bytes=settings.IMPORT_MAX_FILE_BYTES,
        rows=settings.IMPORT_MAX_ROWS,
        columns=settings.IMPORT_MAX_COLUMNS,
        cells=settings.IMPORT_MAX_CELLS,
        unzipped_bytes=settings.IMPORT_MAX_UNZIPPED_BYTES,
    )
