"""The filtered audit as .csv or .xlsx: rows read a chunk at a time (audit.feed.every_row) and
written to a temporary file, so a million rows never sit in memory; every text cell passes the
exports' one formula guard (imports.exports.workbook.neutralised); the export is logged with its
filters and row count (imports.exports.log_export) before the file is served — if the log cannot
be written, the export is refused."""

import csv
import io
import tempfile

from audit.feed import every_row
from audit.tabs import AuditRow, Tab
from imports.exports import log_export
from imports.exports.workbook import XLSX, Sheet, neutralised, write_workbook
from imports.models import ExportKind

HEADERS = [
    "时间",
    "操作人",
    "角色",
    "组织",
    "IP",
    "来源",
    "类型",
    "对象",
    "案例编号",
    "步骤",
    "内容",
    "变更",
    "预警及说明",
]
TYPES = {"csv": "text/csv; charset=utf-8", "xlsx": XLSX}  # the formats offered, by suffix
SPOOL = 16 * 1024 * 1024


def cells(row: AuditRow) -> list:
    changes = "；".join(f"{label}：{old} → {new}" for label, old, new in row.changes)
    warnings = "；".join(
        f"{w.get('code', '')} {w.get('message', '')}（说明：{w.get('reason', '') or '无'}）"
        for w in row.warnings
    )
    return [
        row.at_text,
        row.who,
        row.role,
        row.org,
        row.ip,
        row.source,
        row.kind,
        row.subject,
        row.case_id,
        row.step,
        row.summary,
        changes,
        warnings,
    ]


class _Counted:
    def __init__(self, rows):
        self.rows, self.count = rows, 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield cells(row)


def write(tab: Tab, filters: dict, fmt: str):
    """(file rewound for reading, rows written)."""
    counted = _Counted(every_row(tab.sources, filters))
    if fmt == "xlsx":
        stream = write_workbook([Sheet(tab.label, HEADERS, counted)])
        return stream, counted.count
    stream = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 - a FileResponse closes it
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")  # the BOM: Excel reads UTF-8
    writer = csv.writer(text)
    writer.writerow(HEADERS)
    for line in counted:
        writer.writerow([neutralised(value) for value in line])
    text.flush()
    text.detach()
    stream.seek(0)
    return stream, counted.count


def export(user, tab: Tab, filters: dict, applied: dict, fmt: str, ip=None):
    """Write the export, then log it (DatabaseError when the log fails: the caller refuses)."""
    stream, rows = write(tab, filters, fmt)
    try:
        log_export(user, ExportKind.AUDIT, rows=rows, filters=applied | {"format": fmt}, ip=ip)
    except Exception:
        stream.close()
        raise
    return stream, rows
