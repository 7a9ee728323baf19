"""Run the daily reminders' sweep by hand (the same service the scheduled task calls): for a day
(--date, default today), or --dry-run to print what it would send and add nothing."""

import argparse
import datetime as dt

from django.core.management.base import BaseCommand

from reminders.models import Threshold
from reminders.services.sweep import sweep
from reminders.tasks import queue_digests


def _day(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD 格式，例如 2026-05-11（收到“{value}”）"
        ) from None


class Command(BaseCommand):
    help = "按期限发送提醒（与每日定时任务相同）；--dry-run 只列出将要发送的提醒，不写入。"

    def add_arguments(self, parser):
        parser.add_argument("--date", type=_day, help="按哪一天计算（YYYY-MM-DD，默认今天）")
        parser.add_argument("--dry-run", action="store_true", help="只列出将要发送的提醒，不写入、不发邮件")

    def handle(self, *args, date=None, dry_run=False, verbosity=1, **options):
        result = sweep(date, dry_run=dry_run, listing=dry_run or verbosity > 1)
        for notice in result.notices:
            deadline = notice.deadline
            self.stdout.write(
                f"{notice.recipient.username}\t{notice.get_threshold_display()}\t{deadline.due_on}\t"
                f"{deadline.case.person.name}\t{deadline.title}\t{deadline.org.name}"
            )
        summary = "，".join(f"{Threshold(k).label} {n} 条" for k, n in result.counts.items() if n) or "无"
        verb = "将发送" if dry_run else "已发送"
        self.stdout.write(f"{result.day} {verb}提醒 {result.total} 条（{summary}）。")
        if not dry_run and result.total and queue_digests(result.day):
            self.stdout.write("已排队发送当日提醒邮件。")
