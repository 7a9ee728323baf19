"""A meeting is entered once: one 支委会 / 支部大会 / 党委会 per organization and day.

Meetings recorded twice before (each step recorded its own) are merged first: where the copies
agree on 应到 and 实到, the steps, votes and letters of the later copies point to the first, and
the copies go. Copies that disagree are not merged by guesswork — the migration stops and names
them, so that an administrator corrects the counts (admin 会议) and migrates again."""

from django.db import migrations, models
from django.db.models import Count, Min


def merge_copies(apps, schema_editor):
    Meeting = apps.get_model("cases", "Meeting")
    StepRecord = apps.get_model("cases", "StepRecord")
    Vote = apps.get_model("cases", "Vote")
    Letter = apps.get_model("reviews", "Letter")
    groups = (
        Meeting.objects.values("org_id", "body", "held_on")
        .annotate(n=Count("pk"), first=Min("pk"))
        .filter(n__gt=1)
        .order_by()
    )
    conflicts = []
    for group in groups.iterator():
        copies = list(
            Meeting.objects.filter(org_id=group["org_id"], body=group["body"], held_on=group["held_on"])
            .order_by("pk")
            .values("pk", "entitled", "present")
        )
        if len({(c["entitled"], c["present"]) for c in copies}) > 1:
            conflicts.append(copies)
            continue
        first, later = copies[0]["pk"], [c["pk"] for c in copies[1:]]
        StepRecord.objects.filter(meeting_id__in=later).update(meeting_id=first)
        Vote.objects.filter(meeting_id__in=later).update(meeting_id=first)
        Letter.objects.filter(meeting_id__in=later).update(meeting_id=first)
        Meeting.objects.filter(pk__in=later).delete()
    if schema_editor.connection.vendor == "postgresql":
        # the deferred foreign-key checks of the rows repointed above run now, not at commit:
        # PostgreSQL refuses to alter a table with trigger events still pending
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    if conflicts:
        named = "；".join(
            "、".join(f"#{c['pk']}（应到{c['entitled']}，实到{c['present']}）" for c in copies)
            for copies in conflicts[:20]
        )
        raise RuntimeError(
            f"同一组织同一天的同类会议有 {len(conflicts)} 组记录人数不一致，无法自动合并：{named}。"
            "请先核对更正人数后再迁移。"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0025_steprecord_counted_index"),
        ("reviews", "0004_letter_copy_to_and_publicity"),
    ]

    operations = [
        migrations.RunPython(merge_copies, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="meeting",
            constraint=models.UniqueConstraint(
                fields=("org", "body", "held_on"), name="one_meeting_per_body_per_day"
            ),
        ),
    ]
