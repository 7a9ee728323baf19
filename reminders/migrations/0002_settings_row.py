from django.db import migrations


def create_settings(apps, schema_editor):
    ReminderSettings = apps.get_model("reminders", "ReminderSettings")
    if not ReminderSettings.objects.exists():
        ReminderSettings.objects.create(escalate_committee_days=30, escalate_department_days=90)


class Migration(migrations.Migration):
    dependencies = [("reminders", "0001_initial")]
    operations = [migrations.RunPython(create_settings, migrations.RunPython.noop)]
