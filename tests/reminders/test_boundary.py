"""The reminders depend on the case file, never the reverse: no module of cases/ imports reminders,
and no case-file template names its templates or URLs (the 工作台's lists come through cases.panels)."""

import ast
import re
from pathlib import Path

from tests.module_imports import imported_modules

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_case_file_never_imports_the_reminders():
    for path in (ROOT / "cases").rglob("*.py"):
        modules = imported_modules(ast.parse(path.read_text()))
        assert not [m for m in modules if m.split(".")[0] == "reminders"], path


def test_the_case_file_templates_never_name_the_reminders():
    pattern = re.compile(r"[\"']reminders[/:]")
    assert [
        p.name for p in (ROOT / "templates" / "cases").glob("*.html") if pattern.search(p.read_text())
    ] == []
