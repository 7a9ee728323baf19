"""The move of ImportBatch and ExportLog from cases to imports keeps every row: a database at the
schema before the move (cases 0013), with a batch, its confirmed import, an export and the access
row the export wrote, comes out of `migrate` with all of them readable through the new models.
Runs on SQLite, and on PostgreSQL when DATABASE_URL points there."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from cases.models import SensitiveAccess
from imports.models import ExportKind, ExportLog, ImportBatch, ImportStatus
from tests import factories as f

BEFORE = [("cases", "0013_event_kind_choices")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_it_keeps_the_import_and_export_rows_through_the_move(county, secretary):
    case = f.new_case(county.branch, secretary)
    leaf = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate(BEFORE)
        OldBatch, OldExport = old.get_model("cases", "ImportBatch"), old.get_model("cases", "ExportLog")
        OldAccess = old.get_model("cases", "SensitiveAccess")
        checked = OldBatch.objects.create(
            user_id=secretary.pk,
            file_name="名册.xlsx",
            size=10,
            sha256="a" * 64,
            status="checked",
            report=[{"row": 2}],
        )
        done = OldBatch.objects.create(
            user_id=secretary.pk, file_name="名册.xlsx", size=10, sha256="a" * 64, status="imported",
            dry_run=False, preview_of=checked,
        )  # fmt: skip
        export = OldExport.objects.create(
            user_id=secretary.pk, kind="case_list", filters={"stage": "applicant"}, full_id_numbers=True
        )
        OldAccess.objects.create(case_id=case.pk, user_id=secretary.pk, purpose="export", export=export)
    finally:
        _migrate(leaf)

    assert ImportBatch.objects.get(pk=done.pk).preview_of == ImportBatch.objects.get(pk=checked.pk)
    assert ImportBatch.objects.get(pk=checked.pk).report == [{"row": 2}]
    assert ImportBatch.objects.get(pk=done.pk).status == ImportStatus.IMPORTED
    moved = ExportLog.objects.get(pk=export.pk)
    assert (moved.kind, moved.filters, moved.user) == (
        ExportKind.CASE_LIST,
        {"stage": "applicant"},
        secretary,
    )
    assert SensitiveAccess.objects.get(case=case).export_id == export.pk
    assert ContentType.objects.get_for_model(ImportBatch).app_label == "imports"
