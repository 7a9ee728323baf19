"""Every kind of tampering by someone with write access to the database (but not the seal key)
is found by verify_audit, which names the first broken link; an intact trail verifies and is
checkpointed, so the end of a trail or a whole case cannot later vanish unnoticed."""

import hashlib

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction

from audit.models import CheckpointEntry, SealCheckpoint, VerifyResult, VerifyRun
from audit.verify import verify_audit
from cases.models import CaseEvent
from demo.journey import advance

pytestmark = pytest.mark.django_db

EVENT_TABLES = ["cases_caseevent", "audit_checkpointentry", "audit_sealcheckpoint"]


@pytest.fixture
def trail(case, crew):
    """open, application, talk, activist: four sealed events, checkpointed by a clean run."""
    advance(case, crew, until="activist_selection")
    report = verify_audit()
    assert report.ok and report.checkpoint == 1
    return list(CaseEvent.objects.filter(case=case).order_by("seq"))


def lift_triggers(tables=EVENT_TABLES):
    """What a forger with raw database access does first (rolled back with the test)."""
    with connection.cursor() as cursor:
        for table in tables:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT tgname FROM pg_trigger WHERE tgrelid = %s::regclass AND NOT tgisinternal", [table]
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f'DROP TRIGGER "{name}" ON "{table}"')
            else:
                cursor.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s", [table]
                )
                for (name,) in cursor.fetchall():
                    cursor.execute(f'DROP TRIGGER "{name}"')


def first_broken() -> str:
    report = verify_audit()
    assert not report.ok
    assert report.checkpoint is None  # nothing tampered is sealed into a checkpoint
    return str(report.first)


def test_an_intact_trail_verifies_and_a_second_run_adds_no_checkpoint(case, trail):
    report = verify_audit()
    assert report.ok and report.checkpoint is None
    assert report.checked["案例事件"] == 4
    assert list(CheckpointEntry.objects.values_list("case_id", "count", "last_mac")) == [
        (case.pk, 4, trail[-1].hash)
    ]
    assert VerifyRun.objects.latest().result == VerifyResult.INTACT


def test_a_grown_trail_is_checkpointed_again(case, crew, trail):
    advance(case, crew, until="contacts_assigned")
    report = verify_audit()
    assert report.ok and report.checkpoint == 2
    assert SealCheckpoint.objects.get(number=2).prev_mac == SealCheckpoint.objects.get(number=1).mac


def test_an_edited_event_is_found(case, trail):
    lift_triggers()
    CaseEvent.objects.filter(pk=trail[2].pk).update(summary="2. 党组织派人谈话（2023-02-01）")
    assert first_broken() == f"案例 {case.pk} 第 3 条事件（#{trail[2].pk}）：内容与封印不符（被改动）"


def test_an_edited_event_resealed_without_the_key_is_found(case, trail):
    lift_triggers()
    forged = CaseEvent.objects.get(pk=trail[1].pk)
    forged.note = "补记"
    CaseEvent.objects.filter(pk=forged.pk).update(
        note=forged.note, hash=hashlib.sha256(forged.payload().encode()).hexdigest()
    )
    assert first_broken() == f"案例 {case.pk} 第 2 条事件（#{trail[1].pk}）：内容与封印不符（被改动）"


def test_an_inserted_event_is_found(case, trail):
    lift_triggers()
    forged = CaseEvent.objects.get(pk=trail[-1].pk)
    forged.pk, forged.seq, forged.prev_hash, forged.summary = None, 5, trail[-1].hash, "伪造的审批"
    forged.hash = hashlib.sha256(forged.payload().encode()).hexdigest()
    CaseEvent.objects.bulk_create([forged])
    assert first_broken() == f"案例 {case.pk} 第 5 条事件（#{forged.pk}）：内容与封印不符（被改动）"


def test_a_removed_event_in_the_middle_is_found(case, trail):
    lift_triggers()
    CaseEvent.objects.filter(pk=trail[1].pk).delete()
    assert first_broken() == f"案例 {case.pk} 第 2 条事件（#{trail[2].pk}）：序号为 3：此前的事件被删除"


def test_a_removed_and_renumbered_event_is_found_by_its_link(case, trail):
    lift_triggers()
    CaseEvent.objects.filter(pk=trail[1].pk).delete()
    for event in trail[2:]:
        CaseEvent.objects.filter(pk=event.pk).update(seq=event.seq - 1)
    assert first_broken() == (
        f"案例 {case.pk} 第 2 条事件（#{trail[2].pk}）：与上一条事件的链接断开（有事件被插入、删除或改动）"
    )


def test_removed_last_events_are_found(case, trail):
    lift_triggers()
    CaseEvent.objects.filter(pk__in=[trail[2].pk, trail[3].pk]).delete()
    assert first_broken() == f"案例 {case.pk}：末尾 2 条事件缺失（检查点 1 时有 4 条，现有 2 条）"


def test_reordered_events_are_found(case, trail):
    lift_triggers()
    CaseEvent.objects.filter(pk=trail[1].pk).update(seq=99)
    CaseEvent.objects.filter(pk=trail[2].pk).update(seq=2)
    CaseEvent.objects.filter(pk=trail[1].pk).update(seq=3)
    assert first_broken() == (
        f"案例 {case.pk} 第 2 条事件（#{trail[2].pk}）：与上一条事件的链接断开（有事件被插入、删除或改动）"
    )


def test_a_case_whose_whole_trail_was_removed_is_found(case, trail):
    lift_triggers()
    CaseEvent.objects.filter(case=case).delete()
    assert first_broken() == f"案例 {case.pk}：全部事件缺失（检查点 1 时有 4 条）：案例或其历史被删除"


def test_a_rolled_back_checkpoint_entry_is_found(case, trail):
    lift_triggers()
    CheckpointEntry.objects.filter(case_id=case.pk).update(count=2, last_mac=trail[1].hash)
    assert first_broken() == "检查点 1：条目被改动、增加或删除"


def test_a_removed_checkpoint_in_the_chain_is_found(case, crew, trail):
    advance(case, crew, until="contacts_assigned")
    assert verify_audit().checkpoint == 2
    lift_triggers()
    SealCheckpoint.objects.filter(number=1).delete()
    assert first_broken() == "检查点 1：缺失（被删除）"


def test_a_rotated_key_keeps_old_seals_valid(case, crew, trail, settings):
    settings.AUDIT_HMAC_KEYS = {"2027": "n" * 48, **settings.AUDIT_HMAC_KEYS}
    advance(case, crew, until="contacts_assigned")
    newest = CaseEvent.objects.filter(case=case).latest("seq")
    assert newest.key_id == "2027" and trail[0].key_id != "2027"
    assert verify_audit().ok


def test_a_seal_whose_key_was_dropped_is_reported(case, trail, settings):
    settings.AUDIT_HMAC_KEYS = {"2027": "n" * 48}
    report = verify_audit()
    assert [str(p) for p in report.problems[:2]] == [
        "检查点 1：内容与封印不符",
        f"案例 {case.pk} 第 1 条事件（#{trail[0].pk}）：未知封印密钥「dev」",
    ]


def test_the_command_exits_1_naming_the_first_broken_link(case, trail, capsys):
    lift_triggers()
    CaseEvent.objects.filter(pk=trail[2].pk).update(note="x")
    with pytest.raises(SystemExit) as exit_:
        call_command("verify_audit")
    assert exit_.value.code == 1
    assert f"第一处：案例 {case.pk} 第 3 条事件" in capsys.readouterr().err
    run = VerifyRun.objects.latest()
    assert run.result == VerifyResult.BROKEN and run.first_broken.startswith(f"案例 {case.pk} 第 3 条事件")


def test_the_command_verifies_one_case(case, trail, capsys):
    call_command("verify_audit", "--case", str(case.pk))
    assert "审计记录完好（案例" in capsys.readouterr().out


@pytest.mark.parametrize("table", ["audit_checkpointentry", "audit_sealcheckpoint", "audit_verifyrun"])
def test_the_database_refuses_to_change_or_remove_audit_rows(trail, table):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'UPDATE "{table}" SET id = id')
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{table}"')


def _history_tables():
    from audit.verify import sealed_models

    return [m._meta.db_table for m in sealed_models()]


def test_an_edited_field_history_row_is_found(case, trail):
    lift_triggers(_history_tables())
    row = case.history.earliest("history_date")
    type(row).objects.filter(pk=row.pk).update(stage="full_member")
    assert first_broken() == f"发展党员案例的历史 #{row.pk}：内容与封印不符（被改动或伪造）"


def test_an_edited_read_log_row_is_found(case, crew, trail):
    from cases.models import SensitiveAccess
    from cases.services.records import reveal_id_number

    reveal_id_number(case=case, actor=crew.secretary)
    lift_triggers(_history_tables())
    SensitiveAccess.objects.update(user=crew.officer)
    assert (
        first_broken()
        == f"敏感信息查看记录 #{SensitiveAccess.objects.get().pk}：内容与封印不符（被改动或伪造）"
    )


def test_the_database_refuses_to_change_history_and_read_logs(case):
    row = case.history.earliest("history_date")
    with pytest.raises(DatabaseError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).update(stage="full_member")
    with pytest.raises(DatabaseError), transaction.atomic():
        type(row).objects.filter(pk=row.pk).delete()
