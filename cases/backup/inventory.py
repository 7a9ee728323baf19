"""What a manifest records about the database as one snapshot sees it: the migrations applied, each
table's row count, and the media files the rows refer to (with the SHA-256 a row recorded, if any)."""

from django.apps import apps
from django.db import connection, models
from django.db.migrations.recorder import MigrationRecorder
from simple_history.models import HistoricalChanges

# Models that record the SHA-256 of their file's content: (file field, hash field).
RECORDED_SHA256 = {"cases.material": ("file", "sha256"), "reviews.letter": ("pdf", "sha256")}


def applied_migrations() -> list[str]:
    return sorted(f"{app}.{name}" for app, name in MigrationRecorder(connection).applied_migrations())


def row_counts(tables=None) -> dict[str, int]:
    """Rows in each table (every table of the database unless named)."""
    names = sorted(tables if tables is not None else connection.introspection.table_names())
    counts = {}
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(name)}")
            counts[name] = cursor.fetchone()[0]
    return counts


def referenced_files() -> dict[str, str]:
    """Every file a current row names → the SHA-256 its row recorded ("" when it records none).
    History rows are left out: they may name a file since replaced (a letter rendered again)."""
    files: dict[str, str] = {}
    for model in apps.get_models():
        if issubclass(model, HistoricalChanges):
            continue
        recorded = RECORDED_SHA256.get(model._meta.label_lower)
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.FileField):
                continue
            rows = model._base_manager.exclude(**{field.name: ""}).exclude(**{f"{field.name}__isnull": True})
            if recorded and recorded[0] == field.name:
                files.update(rows.values_list(field.name, recorded[1]))
            else:
                files.update(dict.fromkeys(rows.values_list(field.name, flat=True), ""))
    return files
