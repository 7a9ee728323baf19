"""manage.py backup_data DEST — one .tar.gz with the database and the media files (see cases/backup)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cases.backup import BackupError
from cases.backup.create import make_backup


class Command(BaseCommand):
    help = (
        "备份数据库和全部媒体文件（材料、批复 PDF 等）到一个 .tar.gz 文件：先在一个快照中导出数据库"
        "（PostgreSQL 用 pg_dump，SQLite 用在线备份），再复制 MEDIA_ROOT，并写入清单（时间、已应用的迁移、"
        "各表行数、每个文件的 SHA-256）。DEST 为已存在的目录时，文件名为 dangyuan-日期-时间.tar.gz。"
        "用 restore_data 恢复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("dest", help="备份文件（以 .tar.gz 结尾）或存放备份的目录")

    def handle(self, *args, dest, **options):
        try:
            report = make_backup(Path(dest))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"已备份到 {report.path}（{report.size / 1048576:.1f} MB）："
            f"{report.tables} 张表、{sum(report.rows.values())} 行，{report.files} 个媒体文件"
        )
