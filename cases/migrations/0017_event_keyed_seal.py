"""Events are numbered per case (`seq`) and sealed with a key from the environment (HMAC,
audit.keys) instead of a plain SHA-256 that anyone with database access could recompute.

Existing trails are adopted: each is read in its recorded order, numbered and sealed under the
current signing key (a trail whose old SHA-256 chain was already broken is logged at ERROR first).
The append-only triggers are lifted for this one rewrite and re-installed (an AlterField on SQLite
rebuilds the table and drops them anyway, see 0007)."""

import hashlib
import importlib
import logging
from itertools import groupby
from operator import attrgetter

from django.db import migrations, models

append_only = importlib.import_module("cases.migrations.0002_events_append_only")
logger = logging.getLogger(__name__)


def adopt_trails(apps, schema_editor):
    from cases.models import CaseEvent as Live  # the live model has the payload and the seal

    append_only.backwards(apps, schema_editor)
    Event = apps.get_model("cases", "CaseEvent")
    names = [f.attname for f in Event._meta.concrete_fields]
    rows = Event.objects.order_by("case_id", "pk").values(*names).iterator(chunk_size=2000)
    for case_id, trail in groupby(rows, key=lambda row: row["case_id"]):
        previous_old, previous_new, broken = "", "", False
        for seq, row in enumerate(trail, start=1):
            event = Live(**{k: v for k, v in row.items() if k not in ("seq", "key_id")})
            old = hashlib.sha256(_legacy_payload(event).encode()).hexdigest()
            broken = broken or event.prev_hash != previous_old or old != event.hash
            previous_old = event.hash
            event.seq, event.prev_hash = seq, previous_new
            event.apply_seal()
            previous_new = event.hash
            Event.objects.filter(pk=event.pk).update(
                seq=event.seq, prev_hash=event.prev_hash, key_id=event.key_id, hash=event.hash
            )
        if broken:
            logger.error("案例 %s 的事件链在加密封印之前已经断开（已按现状封印）", case_id)


def _legacy_payload(event) -> str:
    """The payload the SHA-256 chain covered (before seq)."""
    import json

    payload = json.loads(event.payload())
    payload.pop("seq", None)
    return json.dumps(payload, ensure_ascii=False, sort_keys=True)


def reinstall_append_only_triggers(apps, schema_editor):
    append_only.backwards(apps, schema_editor)
    append_only.forwards(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("cases", "0016_deadline_index_by_kind")]

    operations = [
        migrations.AddField(
            model_name="caseevent",
            name="seq",
            field=models.PositiveIntegerField(null=True, verbose_name="序号"),
        ),
        migrations.AddField(
            model_name="caseevent",
            name="key_id",
            field=models.CharField(default="", editable=False, max_length=20, verbose_name="封印密钥"),
            preserve_default=False,
        ),
        migrations.RunPython(adopt_trails, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="caseevent",
            name="seq",
            field=models.PositiveIntegerField(verbose_name="序号"),
        ),
        migrations.AddConstraint(
            model_name="caseevent",
            constraint=models.UniqueConstraint(fields=("case", "seq"), name="one_event_per_case_seq"),
        ),
        migrations.RunPython(reinstall_append_only_triggers, migrations.RunPython.noop),
    ]
