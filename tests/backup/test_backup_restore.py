"""Backup that restores (issue 8, item 12): `backup_data` writes the database and the media files,
consistent with each other, into one archive; `restore_data` puts them into an empty database and
finds every row, every file byte and every case's event chain as they were — and refuses a damaged
archive or a database that already holds data."""

import hashlib
import io
import json
import tarfile
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction

from cases.backup import inventory
from cases.models import Case, CaseEvent, Material
from cases.services.events import verify_chain
from reviews.models import Letter
from tests.backup.conftest import ALIAS

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump and the subprocess see committed rows only


def back_up(folder: Path) -> Path:
    folder.mkdir(exist_ok=True)
    call_command("backup_data", str(folder), stdout=io.StringIO())
    [archive] = folder.iterdir()
    return archive


def every_row(alias: str) -> dict[str, list[dict]]:
    return {
        model._meta.label: list(model._base_manager.using(alias).order_by("pk").values())
        for model in apps.get_models(include_auto_created=True)
    }


def manifest_of(archive: Path) -> dict:
    with tarfile.open(archive) as tar:
        return json.load(tar.extractfile("manifest.json"))


def rewritten(archive: Path, out: Path, change) -> Path:
    """A copy of the archive with each member's bytes passed through change(name, data)."""
    with tarfile.open(archive) as source, tarfile.open(out, "w:gz") as target:
        for member in source.getmembers():
            data = change(member.name, source.extractfile(member).read())
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    return out


def with_one_media_byte_changed(archive: Path, out: Path) -> str:
    """Copy the archive with the last byte of its first media file flipped; return that file's name."""
    changed = []

    def flip(name: str, data: bytes) -> bytes:
        if changed or not name.startswith("media/"):
            return data
        changed.append(name)
        return data[:-1] + bytes([data[-1] ^ 1])

    rewritten(archive, out, flip)
    return changed[0]


def with_manifest(archive: Path, out: Path, **entries) -> Path:
    def edit(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        for key, value in entries.items():
            manifest[key] = value(manifest[key])
        return json.dumps(manifest).encode()

    return rewritten(archive, out, edit)


def alter_event_summary(event: CaseEvent, summary: str) -> None:
    """What an attacker with database access does: lift the append-only trigger, edit, put it back."""
    append_only = __import__("importlib").import_module("cases.migrations.0002_events_append_only")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE cases_caseevent DISABLE TRIGGER cases_event_no_update")
        else:
            cursor.execute("DROP TRIGGER cases_event_no_update")
        cursor.execute("UPDATE cases_caseevent SET summary = %s WHERE id = %s", [summary, event.pk])
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE cases_caseevent ENABLE TRIGGER cases_event_no_update")
        else:
            cursor.execute(append_only.SQLITE[0])


def test_it_restores_every_row_file_and_the_append_only_trail_into_an_empty_database(
    county_with_files, media, empty_target, tmp_path
):
    archive = back_up(tmp_path / "backups")

    done = empty_target.restore(archive)

    assert done.returncode == 0, done.stderr
    assert "审计链：3 个案例的事件哈希链全部完整" in done.stdout
    source = every_row(DEFAULT_DB_ALIAS)
    for label in ("cases.Case", "cases.CaseEvent", "cases.Meeting", "cases.Material", "reviews.Letter"):
        assert source[label], f"nothing to compare in {label}"
    assert every_row(ALIAS) == source  # every case, event (with its hash), letter, … as it was
    files = inventory.referenced_files()
    assert {name.split("/")[0] for name in files} == {"materials", "letters"}
    for name in files:
        assert (empty_target.media / name).read_bytes() == (media / name).read_bytes(), name
    assert not any(verify_chain(case) for case in Case.objects.all())
    for statement in ("UPDATE cases_caseevent SET summary = 'x'", "DELETE FROM cases_caseevent"):
        with pytest.raises(DatabaseError), transaction.atomic(using=ALIAS), connections[ALIAS].cursor() as c:
            c.execute(statement)
    assert CaseEvent.objects.using(ALIAS).count() == CaseEvent.objects.count()


def test_the_manifest_records_migrations_row_counts_and_each_files_sha256(filed_case, media, tmp_path):
    manifest = manifest_of(back_up(tmp_path / "backups"))

    assert "cases.0002_events_append_only" in manifest["migrations"]
    assert manifest["rows"]["cases_caseevent"] == CaseEvent.objects.count() > 0
    assert manifest["rows"]["reviews_letter"] == 1
    on_disk = [p for p in media.rglob("*") if p.is_file()]
    assert manifest["media"] == {
        p.relative_to(media).as_posix(): {
            "sha256": hashlib.sha256(p.read_bytes()).hexdigest(),
            "size": p.stat().st_size,
        }
        for p in on_disk
    }
    letter, material = Letter.objects.get(), Material.objects.get()
    assert manifest["referenced"] == {letter.pdf.name: letter.sha256, material.file.name: material.sha256}


@pytest.mark.parametrize("damage", ["deleted", "replaced"])
def test_it_refuses_to_back_up_files_that_do_not_match_the_database(filed_case, media, tmp_path, damage):
    letter = Letter.objects.get()
    if damage == "deleted":
        (media / letter.pdf.name).unlink()
    else:
        (media / letter.pdf.name).write_bytes(b"%PDF-1.7 another letter")
    folder = tmp_path / "backups"
    folder.mkdir()

    with pytest.raises(CommandError, match=f"媒体文件与数据库不一致.*{letter.pdf.name}"):
        call_command("backup_data", str(folder), stdout=io.StringIO())

    assert list(folder.iterdir()) == []  # no archive, not even a partial one


def test_it_refuses_an_archive_with_one_media_byte_changed_and_restores_nothing(
    filed_case, media, empty_target, tmp_path
):
    tampered = tmp_path / "tampered.tar.gz"
    changed = with_one_media_byte_changed(back_up(tmp_path / "backups"), tampered)

    done = empty_target.restore(tampered)

    assert done.returncode == 1
    assert "备份文件已损坏或被改动，拒绝恢复" in done.stderr and f"{changed} 的内容与清单不符" in done.stderr
    assert connections[ALIAS].introspection.table_names() == []
    assert not empty_target.media.exists() or not any(empty_target.media.rglob("*"))


@pytest.mark.parametrize(
    ("entries", "refusal"),
    [
        ({"migrations": lambda applied: [*applied, "cases.9999_from_the_future"]}, "备份来自更新版本的程序"),
        ({"database": lambda db: {**db, "vendor": "oracle"}}, "备份来自 oracle，不能恢复到"),
    ],
    ids=["newer-program", "other-database"],
)
def test_it_refuses_an_archive_it_cannot_restore_before_touching_anything(
    county, media, tmp_path, entries, refusal
):
    archive = with_manifest(back_up(tmp_path / "backups"), tmp_path / "edited.tar.gz", **entries)
    before = every_row(DEFAULT_DB_ALIAS)

    with pytest.raises(CommandError, match=refusal):
        call_command("restore_data", str(archive), "--force", stdout=io.StringIO())

    assert every_row(DEFAULT_DB_ALIAS) == before


def test_it_refuses_a_database_that_holds_data_unless_forced_and_then_replaces_it(
    filed_case, media, empty_target, tmp_path
):
    archive = back_up(tmp_path / "backups")
    before = every_row(DEFAULT_DB_ALIAS)
    with pytest.raises(CommandError, match="目标数据库不是空的"):
        call_command("restore_data", str(archive), stdout=io.StringIO())
    assert every_row(DEFAULT_DB_ALIAS) == before

    assert empty_target.restore(archive).returncode == 0
    get_user_model().objects.db_manager(ALIAS).create_user("after_backup")
    again = empty_target.restore(archive)
    assert again.returncode == 1 and "目标数据库不是空的" in again.stderr
    assert get_user_model().objects.using(ALIAS).filter(username="after_backup").exists()

    forced = empty_target.restore(archive, "--force")

    assert forced.returncode == 0, forced.stderr
    assert not get_user_model().objects.using(ALIAS).filter(username="after_backup").exists()
    assert every_row(ALIAS) == before


def test_it_reports_the_case_whose_event_trail_was_altered_before_the_backup(
    filed_case, media, empty_target, tmp_path
):
    event = CaseEvent.objects.filter(case=filed_case).order_by("pk")[2]
    alter_event_summary(event, "改过的摘要")

    done = empty_target.restore(back_up(tmp_path / "backups"))

    assert done.returncode == 1
    assert f"审计链校验失败：案例 #{filed_case.pk} 的事件 #{event.pk}。" in done.stderr
