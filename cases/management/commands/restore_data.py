"""manage.py restore_data ARCHIVE [--force] — restore a backup_data archive and verify it (see cases/backup)."""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from cases.backup import BackupError
from cases.backup.restore import restore_backup


class Command(BaseCommand):
    help = (
        "把 backup_data 生成的备份恢复到当前配置的数据库和 MEDIA_ROOT：先核对备份文件中每个文件的 SHA-256，"
        "有任何不符即拒绝；目标数据库非空时拒绝（--force 则先清空再恢复）；恢复后核对各表行数和文件，"
        "并校验每个案例事件的哈希链。恢复前请停止 web、worker 和 beat。"
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="backup_data 生成的 .tar.gz 文件")
        parser.add_argument(
            "--force", action="store_true", help="目标数据库已有数据时也恢复：删除其中全部数据，以备份替换"
        )

    def handle(self, *args, archive, force, **options):
        try:
            report = restore_backup(Path(archive), replace=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        counts = report.counts
        taken = timezone.localtime(dt.datetime.fromisoformat(report.created_at))
        self.stdout.write(
            f"已从 {archive} 恢复（备份于 {taken:%Y-%m-%d %H:%M:%S}）：{report.tables} 张表、{report.rows} 行，"
            f"{report.files} 个媒体文件，校验一致。\n"
            f"案例 {counts['cases']} 个，事件 {counts['events']} 条，发文 {counts['letters']} 份，"
            f"材料 {counts['materials']} 份。"
        )
        if report.migrated:
            self.stdout.write(f"备份早于本程序，已执行新迁移：{'、'.join(report.migrated)}")
        if report.broken:
            listed = "；".join(
                f"案例 #{case} 的事件 {'、'.join(f'#{i}' for i in ids)}"
                for case, ids in report.broken.items()
            )
            raise CommandError(f"审计链校验失败：{listed}。数据已恢复，但在查明原因之前不应投入使用。")
        self.stdout.write(f"审计链：{counts['cases']} 个案例的事件哈希链全部完整。")
