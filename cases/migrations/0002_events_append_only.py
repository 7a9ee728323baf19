"""History cannot be edited by anyone, admins included: the database itself refuses UPDATE and
DELETE on the event trail (the model refuses too, but raw SQL and bulk calls bypass models)."""

from django.db import migrations

POSTGRES = """
CREATE OR REPLACE FUNCTION cases_event_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '案例事件只能追加，不能修改或删除';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER cases_event_no_update BEFORE UPDATE OR DELETE ON cases_caseevent
    FOR EACH ROW EXECUTE FUNCTION cases_event_append_only();
"""
POSTGRES_REVERSE = """
DROP TRIGGER IF EXISTS cases_event_no_update ON cases_caseevent;
DROP FUNCTION IF EXISTS cases_event_append_only();
"""
SQLITE = [
    """CREATE TRIGGER cases_event_no_update BEFORE UPDATE ON cases_caseevent
       BEGIN SELECT RAISE(ABORT, '案例事件只能追加，不能修改或删除'); END;""",
    """CREATE TRIGGER cases_event_no_delete BEFORE DELETE ON cases_caseevent
       BEGIN SELECT RAISE(ABORT, '案例事件只能追加，不能修改或删除'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER IF EXISTS cases_event_no_update;", "DROP TRIGGER IF EXISTS cases_event_no_delete;"]


def forwards(apps, schema_editor):
    statements = [POSTGRES] if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = [POSTGRES_REVERSE] if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
