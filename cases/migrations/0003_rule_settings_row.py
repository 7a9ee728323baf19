import datetime as dt

from django.db import migrations


def create_settings(apps, schema_editor):
    RuleSettings = apps.get_model("cases", "RuleSettings")
    if not RuleSettings.objects.exists():
        RuleSettings.objects.create(rules_2026_effective=dt.date(2026, 5, 11), rules_2026_confirmed=False)


class Migration(migrations.Migration):
    dependencies = [("cases", "0002_events_append_only")]
    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
