"""Take a backup: the database first, in one snapshot (with the facts the manifest records read in that
same snapshot), then the media files; then check that every file the snapshot refers to is in the
archive, with the content its row recorded."""

import datetime as dt
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection
from django.utils import timezone

from cases.backup import BackupError, archive, database, inventory


@dataclass
class BackupReport:
    path: Path
    size: int
    tables: int
    rows: dict[str, int]
    files: int


def archive_path(dest: Path, now: dt.datetime) -> Path:
    """`dest` itself, or a dated file name inside it when it is a folder; never inside MEDIA_ROOT."""
    if dest.is_dir():
        dest = dest / f"dangyuan-{timezone.localtime(now):%Y%m%d-%H%M%S}.tar.gz"
    elif not dest.name.endswith(".tar.gz"):
        raise BackupError(f"备份文件名须以 .tar.gz 结尾，或给出一个已存在的目录：{dest}")
    elif not dest.parent.is_dir():
        raise BackupError(f"目录不存在：{dest.parent}")
    if dest.resolve().is_relative_to(Path(settings.MEDIA_ROOT).resolve()):
        raise BackupError("备份不能存放在 MEDIA_ROOT 之内")
    if dest.exists():
        raise BackupError(f"文件已存在，不覆盖：{dest}")
    return dest


def make_backup(dest: Path) -> BackupReport:
    now = timezone.now()
    path = archive_path(dest, now)
    media_root = Path(settings.MEDIA_ROOT)
    with archive.Writer(path) as writer:
        with tempfile.TemporaryDirectory(prefix="dangyuan-backup-") as tmp:
            dump = Path(tmp) / database.dump_name()
            with database.snapshot(dump):
                migrations, rows, referenced = (
                    inventory.applied_migrations(),
                    inventory.row_counts(),
                    inventory.referenced_files(),
                )
            db_entry = {"file": dump.name, "vendor": connection.vendor, **writer.add_file(dump, dump.name)}
        media = {
            name: writer.add_file(media_root / name, f"{archive.MEDIA}/{name}")
            for name in archive.media_files(media_root)
        }
        check_references(referenced, media)
        writer.finish(
            {
                "format": archive.FORMAT,
                "created_at": now.isoformat(),
                "created_at_epoch": now.timestamp(),
                "database": db_entry,
                "migrations": migrations,
                "rows": rows,
                "referenced": referenced,
                "media": media,
            }
        )
    return BackupReport(path=path, size=path.stat().st_size, tables=len(rows), rows=rows, files=len(media))


def check_references(referenced: dict[str, str], media: dict[str, dict]) -> None:
    missing = sorted(name for name in referenced if name not in media)
    changed = sorted(
        name for name, sha in referenced.items() if sha and name in media and media[name]["sha256"] != sha
    )
    if missing or changed:
        listed = "、".join((missing + changed)[:10])
        raise BackupError(
            f"媒体文件与数据库不一致（缺少 {len(missing)} 个、内容不符 {len(changed)} 个：{listed}）；"
            "可能有文件在备份期间被替换，请重新备份；若再次出现，请检查 MEDIA_ROOT"
        )
