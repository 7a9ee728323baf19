"""The event's time is part of its hash, so it is set before the row is written.

On SQLite an AlterField rebuilds the table and silently drops its triggers: every migration that
touches cases_caseevent must re-install the append-only triggers (see 0002) afterwards, as here.
"""

import importlib

import django.utils.timezone
from django.db import migrations, models

append_only = importlib.import_module("cases.migrations.0002_events_append_only")


def reinstall_append_only_triggers(apps, schema_editor):
    append_only.backwards(apps, schema_editor)
    append_only.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("cases", "0006_case_list_indexes")]

    operations = [
        migrations.AlterField(
            model_name="caseevent",
            name="created_at",
            field=models.DateTimeField(default=django.utils.timezone.now, editable=False, verbose_name="记录时间"),
        ),
        migrations.RunPython(reinstall_append_only_triggers, migrations.RunPython.noop),
    ]
