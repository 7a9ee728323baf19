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
