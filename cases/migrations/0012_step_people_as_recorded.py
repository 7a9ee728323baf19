"""Step records keep their contacts and introducers as they were when recorded (issue 8, item 7).

StepRecord.people moves from Django's automatic link table to StepRecordPerson, which refers to
the roster member with PROTECT (a named member can no longer be deleted, only deactivated) and
copies the name, 党员类别 and 处分. The copy of each existing link is the member as the roster's own
history had them when the record was created, or the roster row as it is now where that history
has no row old enough (members written in bulk). The m2m history moves to HistoricalStepRecordPerson
the same way. The automatic link table and its history table are then dropped.
"""

import bisect

import django.db.models.deletion
import simple_history.models
from django.core.management.color import no_style
from django.db import migrations, models

SNAPSHOT = ("name", "status", "sanction", "sanction_until")
BATCH = 2000


def _roster_as_of(apps):
    """A function (member_id, when) → the member's snapshot values at that time, or None."""
    PartyMember = apps.get_model("branches", "PartyMember")
    HistoricalPartyMember = apps.get_model("branches", "HistoricalPartyMember")
    now = {m["id"]: tuple(m[f] for f in SNAPSHOT) for m in PartyMember.objects.values("id", *SNAPSHOT)}
    past: dict[int, tuple[list, list]] = {}
    rows = HistoricalPartyMember.objects.order_by("id", "history_date", "history_id").values_list(
        "id", "history_date", *SNAPSHOT
    )
    for member_id, at, *values in rows.iterator(chunk_size=BATCH):
        dates, states = past.setdefault(member_id, ([], []))
        dates.append(at)
        states.append(tuple(values))

    def as_of(member_id, when):
        dates, states = past.get(member_id, ((), ()))
        if when is not None and dates:
            i = bisect.bisect_right(dates, when)
            if i:
                return states[i - 1]
        if member_id in now:
            return now[member_id]
        return states[0] if states else None  # deleted before this migration: its first known state

    return as_of


def copy_links(apps, schema_editor):
    StepRecord = apps.get_model("cases", "StepRecord")
    StepRecordPerson = apps.get_model("cases", "StepRecordPerson")
    HistoricalLink = apps.get_model("cases", "HistoricalStepRecord_people")
    HistoricalStepRecordPerson = apps.get_model("cases", "HistoricalStepRecordPerson")
    HistoricalStepRecord = apps.get_model("cases", "HistoricalStepRecord")
    AutoLink = StepRecord._meta.get_field("people").remote_field.through
    as_of = _roster_as_of(apps)

    linked = StepRecord.objects.filter(pk__in=AutoLink.objects.values("steprecord_id"))
    created = dict(linked.values_list("id", "created_at"))
    batch = []
    links = AutoLink.objects.order_by("id").values_list("id", "steprecord_id", "partymember_id")
    for link_id, record_id, member_id in links.iterator(chunk_size=BATCH):
        values = as_of(member_id, created.get(record_id))
        batch.append(
            StepRecordPerson(id=link_id, record_id=record_id, member_id=member_id, **dict(zip(SNAPSHOT, values)))
        )
        if len(batch) >= BATCH:
            StepRecordPerson.objects.bulk_create(batch)
            batch = []
    StepRecordPerson.objects.bulk_create(batch)
    with schema_editor.connection.cursor() as cursor:  # the ids were kept: move the sequence past them
        for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [StepRecordPerson]):
            cursor.execute(sql)

    linked = HistoricalStepRecord.objects.filter(history_id__in=HistoricalLink.objects.values("history_id"))
    dated = dict(linked.values_list("history_id", "history_date"))
    batch = []
    old = HistoricalLink.objects.order_by("m2m_history_id").values_list(
        "id", "history_id", "steprecord_id", "partymember_id"
    )
    for link_id, history_id, record_id, member_id in old.iterator(chunk_size=BATCH):
        values = as_of(member_id, dated.get(history_id)) or ("（已删除的党员）", "full", "", None)
        batch.append(
            HistoricalStepRecordPerson(
                id=link_id,
                history_id=history_id,
                record_id=record_id,
                member_id=member_id,
                **dict(zip(SNAPSHOT, values)),
            )
        )
        if len(batch) >= BATCH:
            HistoricalStepRecordPerson.objects.bulk_create(batch)
            batch = []
    HistoricalStepRecordPerson.objects.bulk_create(batch)


def drop_auto_link_table(apps, schema_editor):
    StepRecord = apps.get_model("cases", "StepRecord")
    schema_editor.delete_model(StepRecord._meta.get_field("people").remote_field.through)


class Migration(migrations.Migration):
    dependencies = [
        ("branches", "0001_initial"),
        ("cases", "0011_import_check_in_worker_progress"),
    ]

    operations = [
        migrations.CreateModel(
            name="StepRecordPerson",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("name", models.CharField(max_length=50, verbose_name="姓名（记录时）")),
                (
                    "status",
                    models.CharField(
                        choices=[("full", "正式党员"), ("probationary", "预备党员")],
                        max_length=20,
                        verbose_name="党员类别（记录时）",
                    ),
                ),
                (
                    "sanction",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "无"),
                            ("warning", "警告"),
                            ("serious_warning", "严重警告"),
                            ("removal_from_post", "撤销党内职务"),
                            ("probation_in_party", "留党察看"),
                        ],
                        default="",
                        max_length=30,
                        verbose_name="党纪处分（记录时）",
                    ),
                ),
                ("sanction_until", models.DateField(blank=True, null=True, verbose_name="处分影响期至（记录时）")),
                (
                    "member",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="recorded_as",
                        to="branches.partymember",
                        verbose_name="党员",
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="recorded_people",
                        to="cases.steprecord",
                    ),
                ),
            ],
            options={
                "verbose_name": "步骤记录中的党员",
                "verbose_name_plural": "步骤记录中的党员",
                "ordering": ["name", "pk"],
                "constraints": [
                    models.UniqueConstraint(fields=("record", "member"), name="member_once_per_record"),
                    models.CheckConstraint(
                        condition=models.Q(("name", ""), _negated=True), name="recorded_person_has_name"
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("status__in", ["full", "probationary"])),
                        name="recorded_status_valid",
                    ),
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalStepRecordPerson",
            fields=[
                ("id", models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID")),
                ("name", models.CharField(max_length=50, verbose_name="姓名（记录时）")),
                (
                    "status",
                    models.CharField(
                        choices=[("full", "正式党员"), ("probationary", "预备党员")],
                        max_length=20,
                        verbose_name="党员类别（记录时）",
                    ),
                ),
                (
                    "sanction",
                    models.CharField(
                        blank=True,
                        choices=[
                            ("", "无"),
                            ("warning", "警告"),
                            ("serious_warning", "严重警告"),
                            ("removal_from_post", "撤销党内职务"),
                            ("probation_in_party", "留党察看"),
                        ],
                        default="",
                        max_length=30,
                        verbose_name="党纪处分（记录时）",
                    ),
                ),
                ("sanction_until", models.DateField(blank=True, null=True, verbose_name="处分影响期至（记录时）")),
                ("m2m_history_id", models.AutoField(primary_key=True, serialize=False)),
                (
                    "history",
                    models.ForeignKey(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        to="cases.historicalsteprecord",
                    ),
                ),
                (
                    "member",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="branches.partymember",
                        verbose_name="党员",
                    ),
                ),
                (
                    "record",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="cases.steprecord",
                    ),
                ),
            ],
            options={
                "verbose_name": "HistoricalStepRecordPerson",
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.RunPython(copy_links, migrations.RunPython.noop),
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunPython(drop_auto_link_table)],
            state_operations=[
                migrations.AlterField(
                    model_name="steprecord",
                    name="people",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="case_roles",
                        through="cases.StepRecordPerson",
                        to="branches.partymember",
                    ),
                ),
            ],
        ),
        migrations.DeleteModel(name="HistoricalStepRecord_people"),
    ]
