"""The desk reaches the case file only through its public faces: the services package (never its
modules: the desk does not lock cases or write their events), cases.web for view helpers and form
fields (never cases.views or cases.forms)."""

import re
from pathlib import Path

from django.conf import settings

DESK = sorted(Path(settings.BASE_DIR, "reviews").rglob("*.py"))
INTERNALS = re.compile(r"^\s*(from|import) cases\.(views|forms|services\.\w+)\b", re.MULTILINE)


def test_it_imports_no_view_form_or_service_module_of_the_case_file():
    assert len(DESK) > 10  # the desk's modules were found
    borrowing = {p.relative_to(settings.BASE_DIR).as_posix(): INTERNALS.findall(p.read_text()) for p in DESK}
    assert {path: found for path, found in borrowing.items() if found} == {}
