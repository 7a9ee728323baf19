"""The desk and the case file meet only at public faces.

The desk reaches the case file through the services package (never its modules: the desk does not
lock cases or write their events), cases.web for view helpers and form fields, and cases.panels to
contribute to its pages (never cases.views or cases.forms). The case file never names the desk: no
module under cases/ imports reviews, and no template of the case file includes a desk template or
reverses a desk URL — the desk's panels (reviews.panels) and the queue home bring them in."""

import ast
import re
from pathlib import Path

from django.conf import settings

import cases
from tests.module_imports import imported_modules

DESK = sorted(Path(settings.BASE_DIR, "reviews").rglob("*.py"))
INTERNALS = re.compile(r"^\s*(from|import) cases\.(views|forms|services\.\w+)\b", re.MULTILINE)
CASE_FILE = sorted(Path(cases.__file__).parent.rglob("*.py"))
CASE_TEMPLATES = sorted(Path(settings.BASE_DIR, "templates", "cases").rglob("*.html"))
NAMES_THE_DESK = re.compile(r"""['"]reviews[:/][^'"]*['"]""")


def test_it_imports_no_view_form_or_service_module_of_the_case_file():
    assert len(DESK) > 10  # the desk's modules were found
    borrowing = {p.relative_to(settings.BASE_DIR).as_posix(): INTERNALS.findall(p.read_text()) for p in DESK}
    assert {path: found for path, found in borrowing.items() if found} == {}


def test_the_case_file_imports_nothing_of_the_desk():
    assert len(CASE_FILE) > 50  # the whole package, migrations included, was scanned
    offenders = {
        path.relative_to(settings.BASE_DIR).as_posix(): found
        for path in CASE_FILE
        if (
            found := [
                m
                for m in imported_modules(ast.parse(path.read_text(encoding="utf-8")))
                if m == "reviews" or m.startswith("reviews.")
            ]
        )
    }
    assert offenders == {}


def test_the_case_file_s_templates_name_no_desk_template_or_url():
    assert len(CASE_TEMPLATES) >= 5
    assert NAMES_THE_DESK.findall("{% url 'reviews:forward' report.pk %} {% include \"reviews/_x.html\" %}")
    offenders = {
        path.name: found for path in CASE_TEMPLATES if (found := NAMES_THE_DESK.findall(path.read_text()))
    }
    assert offenders == {}
