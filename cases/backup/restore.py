"""Restore a backup into the configured database and MEDIA_ROOT: refuse a damaged archive, another kind
of database, a newer program's migrations, or a target that already holds data (unless replacing is
asked for); then load, compare the row counts, bring the schema up to date, put the files in place,
check every file the rows refer to, and verify the hash chain of every case's event trail."""

import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.management import call_command
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from cases.backup import BackupError, archive, database, inventory
from cases.digests import sha256_of
from cases.services.events import verify_all_chains

# What the report counts, by model.
COUNTED = {
    "cases": "cases.Case",
    "events": "cases.CaseEvent",
    "letters": "reviews.Letter",
    "materials": "cases.Material",
}


@dataclass
class RestoreReport:
    created_at: str
    tables: int
    rows: int
    files: int
    counts: dict[str, int]
    migrated: list[str] = field(default_factory=list)
    broken: dict[int, list[int]] = field(default_factory=dict)  # case id → ids of events that fail


def restore_backup(path: Path, *, replace: bool = False) -> RestoreReport:
    if not path.is_file():
        raise BackupError(f"备份文件不存在：{path}")
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix="dangyuan-restore-") as tmp:
        unpacked = Path(tmp)
        manifest = archive.unpack(path, unpacked)
        check_target(manifest, media_root, replace=replace)
        database.load(unpacked / manifest["database"]["file"], replace=replace)
        check_rows(manifest["rows"])
        migrated = migrate_if_behind()
        for name in manifest["media"]:
            if not _same(media_root / name, manifest["media"][name]["sha256"]):
                (media_root / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(unpacked / archive.MEDIA / name, media_root / name)
    check_files(manifest["media"], media_root)
    rows = manifest["rows"]
    return RestoreReport(
        created_at=manifest["created_at"],
        tables=len(rows),
        rows=sum(rows.values()),
        files=len(manifest["media"]),
        counts={key: rows.get(apps.get_model(label)._meta.db_table, 0) for key, label in COUNTED.items()},
        migrated=migrated,
        broken=broken_chains(),
    )


def check_target(manifest: dict, media_root: Path, *, replace: bool) -> None:
    vendor = manifest["database"]["vendor"]
    if vendor != connection.vendor:
        names = database.VENDOR_NAMES
        raise BackupError(
            f"备份来自 {names.get(vendor, vendor)}，不能恢复到 {names.get(connection.vendor, connection.vendor)}"
        )
    known = {
        f"{app}.{name}" for app, name in MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    }
    if unknown := sorted(set(manifest["migrations"]) - known):
        raise BackupError(f"备份来自更新版本的程序（本程序没有迁移 {'、'.join(unknown[:5])}），请先升级程序")
    if replace:
        return
    if tables := database.table_names():
        raise BackupError(
            f"目标数据库不是空的（已有 {len(tables)} 张表），恢复会覆盖其中全部数据；确需覆盖，请加 --force"
        )
    clashes = [
        n
        for n, e in manifest["media"].items()
        if (media_root / n).exists() and not _same(media_root / n, e["sha256"])
    ]
    if clashes:
        raise BackupError(
            f"MEDIA_ROOT 中已有 {len(clashes)} 个同名而内容不同的文件（如 {clashes[0]}）；确需覆盖，请加 --force"
        )


def check_rows(expected: dict[str, int]) -> None:
    try:
        found = inventory.row_counts(expected)
    except DatabaseError as exc:
        raise BackupError(f"恢复后的数据库缺少备份中的表：{exc}") from exc
    if differ := [name for name in expected if found[name] != expected[name]]:
        raise BackupError(f"恢复后的行数与备份清单不符：{'、'.join(differ[:10])}")


def migrate_if_behind() -> list[str]:
    """A backup taken by an older version of the program: apply the newer migrations after loading it."""
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        call_command("migrate", interactive=False, verbosity=0)
    return [f"{migration.app_label}.{migration.name}" for migration, _ in plan]


def check_files(media: dict[str, dict], media_root: Path) -> None:
    """Every file in place as backed up, and every file a restored row names among them."""
    problems = [name for name, entry in media.items() if not _same(media_root / name, entry["sha256"])]
    problems += [name for name in inventory.referenced_files() if name not in media]
    if problems:
        raise BackupError(f"恢复后核对文件失败（{len(problems)} 个）：{'、'.join(problems[:10])}")


def broken_chains() -> dict[int, list[int]]:
    return verify_all_chains()


def _same(path: Path, sha256: str) -> bool:
    return path.is_file() and sha256_of(path) == sha256
