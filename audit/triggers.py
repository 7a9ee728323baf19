"""Append-only tables: the database refuses UPDATE and DELETE of their rows (PostgreSQL and SQLite),
whoever asks — the model refuses too, but raw SQL and bulk calls bypass models. Migrations install
them per table (as cases/migrations/0002 does for the event trail); on SQLite a table rebuild drops
them, so a migration that alters such a table re-installs them."""

MESSAGE = "审计记录只能追加，不能修改或删除"

POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = '{MESSAGE}：' || TG_TABLE_NAME;
END;
$$ LANGUAGE plpgsql;
"""


def install(schema_editor, tables: list[str]) -> None:
    execute = schema_editor.execute
    if schema_editor.connection.vendor == "postgresql":
        execute(POSTGRES_FUNCTION)
        for table in tables:
            execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"')
            execute(
                f'CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON "{table}" '
                "FOR EACH ROW EXECUTE FUNCTION audit_append_only()"
            )
        return
    for table in tables:
        for action in ("update", "delete"):
            execute(f"DROP TRIGGER IF EXISTS {table}_no_{action}")
            execute(
                f'CREATE TRIGGER {table}_no_{action} BEFORE {action.upper()} ON "{table}" '
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            )


def remove(schema_editor, tables: list[str]) -> None:
    execute = schema_editor.execute
    for table in tables:
        if schema_editor.connection.vendor == "postgresql":
            execute(f'DROP TRIGGER IF EXISTS {table}_append_only ON "{table}"')
        else:
            execute(f"DROP TRIGGER IF EXISTS {table}_no_update")
            execute(f"DROP TRIGGER IF EXISTS {table}_no_delete")


def operations(tables: list[str]):
    """RunPython operations that install (and on reverse remove) the triggers of `tables`."""
    from django.db import migrations

    return migrations.RunPython(
        lambda apps, schema_editor: install(schema_editor, tables),
        lambda apps, schema_editor: remove(schema_editor, tables),
    )


def seal_and_protect(models: list[str]):
    """RunPython for tables that become sealed history ("app.Model" labels of live models): rows
    written before are sealed as they stand (adopted), then the append-only triggers go on."""
    from django.db import migrations

    def forwards(apps, schema_editor):
        from django.apps import apps as live

        from audit.models import seal_row

        tables = []
        for label in models:
            model = live.get_model(label)
            table = model._meta.db_table
            tables.append(table)
            remove(schema_editor, [table])
            then = apps.get_model(label)
            pk = model._meta.pk.attname
            # the columns the table has at this migration (the live model may have more since)
            names = [f.attname for f in then._meta.concrete_fields]
            for row in then.objects.filter(seal="").values(*names).iterator(chunk_size=2000):
                sealed = seal_row(model, row)
                then.objects.filter(**{pk: row[pk]}).update(seal_key=sealed["seal_key"], seal=sealed["seal"])
        install(schema_editor, tables)

    def backwards(apps, schema_editor):
        from django.apps import apps as live

        remove(schema_editor, [live.get_model(label)._meta.db_table for label in models])

    return migrations.RunPython(forwards, backwards)
