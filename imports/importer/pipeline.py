"""Read → plan → check, for a whole file: the dry run, and the first half of every real import."""

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cases.models import EventSource
from cases.services.actors import Actor
from imports.importer.checker import check_plan
from imports.importer.context import build_context
from imports.importer.plan import RowPlan, plan_row
from imports.importer.reader import read_workbook
from imports.importer.report import Counts, RowReport, count


@dataclass
class CheckResult:
    rows: list[tuple[RowPlan, RowReport]]

    @property
    def reports(self) -> list[RowReport]:
        return [report for _, report in self.rows]

    @property
    def counts(self) -> Counts:
        return count(self.reports)

    def as_json(self) -> list[dict]:
        return [report.as_json() for report in self.reports]


def check_file(
    path: str | Path,
    *,
    user=None,
    default_branch=None,
    today=None,
    progress: Callable[[int, int], None] | None = None,
    label: str = "",
    warning_reason: str = "",
) -> CheckResult:
    """Raises reader.UnreadableFile for a file that cannot be imported at all. `progress(checked,
    total)` hears how far the check has got (total 0 while the file is still being read). A real
    import passes its `label` and `warning_reason`, so its rows are decided as they will be written."""
    sheet_rows = read_workbook(path, heartbeat=progress and (lambda: progress(0, 0)))
    ids = {row.get("公民身份号码", "") for row in sheet_rows}
    ctx = build_context(user=user, default_branch=default_branch, id_numbers=ids, today=today)
    actor = Actor(user=user, source=EventSource.IMPORT)
    seen: dict[str, int] = {}
    checked = []
    for number, sheet_row in enumerate(sheet_rows, start=1):
        plan = plan_row(sheet_row, ctx, seen)
        report = check_plan(plan, ctx, actor, label=label, warning_reason=warning_reason)
        checked.append((plan, report))
        if progress:
            progress(number, len(sheet_rows))
    return CheckResult(checked)
