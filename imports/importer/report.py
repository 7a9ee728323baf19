"""The per-row report of an import, and its JSON form (product.md §6).

`errors` and `warnings` hold only the rule codes E01–E15 / W01–W09, sorted. Problems that are not
rules — an unreadable cell, an unknown branch or roster name, a branch outside the user's scope, a
公民身份号码 repeated in the file — appear only in `messages`, and make the row invalid just as an
error code does. A person who already has a case is reported in `messages` and skipped."""

from dataclasses import dataclass, field


class RowStatus:
    VALID = "valid"
    WARNED = "warned"
    INVALID = "invalid"
    SKIPPED = "skipped"  # already imported: the person has a case
    IMPORTED = "imported"
    # Valid when checked, refused when written: only a race, since the check and the write decide
    # the same history with the same decider (an ID number taken meanwhile, data changed since).
    FAILED = "failed"

    LABELS = {
        VALID: "可导入",
        WARNED: "有预警",
        INVALID: "有错误",
        SKIPPED: "已导入过（跳过）",
        IMPORTED: "已导入",
        FAILED: "写入失败",
    }


@dataclass
class RowReport:
    row: int
    name: str = ""
    branch: str = ""
    errors: set[str] = field(default_factory=set)
    warnings: set[str] = field(default_factory=set)
    messages: list[str] = field(default_factory=list)
    has_problems: bool = False
    skipped: bool = False
    outcome: str = ""  # RowStatus.IMPORTED or FAILED, once written
    decided: object = field(default=None, repr=False, compare=False)  # its DecidedHistory, for the write

    @property
    def invalid(self) -> bool:
        return bool(self.errors) or self.has_problems

    @property
    def importable(self) -> bool:
        return not self.invalid and not self.skipped

    @property
    def status(self) -> str:
        if self.outcome:
            return self.outcome
        if self.skipped:
            return RowStatus.SKIPPED
        if self.invalid:
            return RowStatus.INVALID
        return RowStatus.WARNED if self.warnings else RowStatus.VALID

    def as_json(self) -> dict:
        return {
            "row": self.row,
            "errors": sorted(self.errors),
            "warnings": sorted(self.warnings),
            "messages": list(self.messages),
        }

    def as_stored(self) -> dict:
        return {**self.as_json(), "status": self.status, "name": self.name, "branch": self.branch}


@dataclass
class Counts:
    total: int = 0
    valid: int = 0  # importable: no error (warnings allowed)
    invalid: int = 0
    skipped: int = 0
    warned: int = 0  # importable rows with warnings
    imported: int = 0
    failed: int = 0


def count(reports: list[RowReport]) -> Counts:
    counts = Counts(total=len(reports))
    for report in reports:
        if report.skipped:
            counts.skipped += 1
        elif report.invalid:
            counts.invalid += 1
        else:
            counts.valid += 1
            counts.warned += bool(report.warnings)
        counts.imported += report.outcome == RowStatus.IMPORTED
        counts.failed += report.outcome == RowStatus.FAILED
    return counts
