"""ImportBatch and ExportLog move to the imports app (imports/migrations/0001 takes them over in the
state); their tables stay as they are. SensitiveAccess.export becomes a plain id (export_id), so the
case file does not depend on the import/export app: the foreign-key constraint is dropped first, then
the state swaps the field for a BigIntegerField on the same column (same index, data untouched)."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0013_event_kind_choices"),
    ]

    operations = [
        migrations.AlterField(
            model_name="sensitiveaccess",
            name="export",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="unmasked_rows",
                to="cases.exportlog",
            ),
        ),
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(model_name="sensitiveaccess", name="export"),
                migrations.AddField(
                    model_name="sensitiveaccess",
                    name="export_id",
                    field=models.BigIntegerField(blank=True, db_index=True, null=True, verbose_name="导出记录编号"),
                ),
                migrations.DeleteModel(name="ImportBatch"),
                migrations.DeleteModel(name="ExportLog"),
            ],
            database_operations=[],
        ),
    ]
