"""The import/export app depends on the case file, never the reverse: no module under cases/
imports it, no model of cases points at one of its models, no migration of cases waits for one of
its migrations."""

import ast
from pathlib import Path

from django.apps import apps
from django.db.migrations.loader import MigrationLoader

import cases
from tests.module_imports import imported_modules

CASES_DIR = Path(cases.__file__).parent


def _imports_of_the_io_app(source: str) -> list[str]:
    return [m for m in imported_modules(ast.parse(source)) if m == "imports" or m.startswith("imports.")]


def test_it_finds_an_import_of_the_io_app_in_every_spelling():
    """The scanner itself: each way a module could reach the app is caught, a look-alike is not."""
    source = "\n".join(
        [
            "import imports",
            "import imports.models as m",
            "from imports.exports import sheets",
            "from imports import views",
            "def f():\n    from imports.importer import check_batch",
            "import importlib\nimportlib.import_module('imports.tasks')",
            "from cases import importer_notes",  # not the app
            "import importlib_metadata",  # not the app
        ]
    )
    assert _imports_of_the_io_app(source) == [
        "imports",
        "imports.models",
        "imports.exports",
        "imports",
        "imports.importer",
        "imports.tasks",
    ]


def test_it_keeps_every_module_of_cases_free_of_the_io_app():
    modules = sorted(CASES_DIR.rglob("*.py"))
    assert len(modules) > 50  # the whole package, migrations included, was scanned
    offenders = {
        str(path.relative_to(CASES_DIR.parent)): found
        for path in modules
        if (found := _imports_of_the_io_app(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}


def test_it_keeps_the_models_of_cases_pointing_only_inside_what_cases_depends_on():
    io_models = set(apps.get_app_config("imports").get_models())
    assert {m.__name__ for m in io_models} >= {"ImportBatch", "ExportLog"}
    pointing_out = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_app_config("cases").get_models(include_auto_created=True)
        for field in model._meta.get_fields(include_hidden=True)
        if field.is_relation and field.concrete and field.related_model in io_models
    ]
    assert pointing_out == []


def test_it_keeps_the_migrations_of_cases_independent_of_the_io_app():
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    waits_for_io = [
        key
        for key in graph.nodes
        if key[0] == "cases" and any(parent.key[0] == "imports" for parent in graph.node_map[key].parents)
    ]
    assert waits_for_io == []
    assert ("imports", "0001_import_export_from_cases") in graph.nodes
