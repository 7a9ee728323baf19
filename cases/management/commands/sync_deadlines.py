"""Fill (or bring up to date) the deadlines of existing cases (cases.CaseDeadline) from the table
of dates, as the write path saves them: for a database from before the reminders, or after the
table changed. Idempotent; each case in its own short transaction."""

from django.core.management.base import BaseCommand

from cases.services.case_deadlines import resync_deadlines


class Command(BaseCommand):
    help = "按期限表为现有案例生成/更新期限（提醒所用）；可重复运行。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--all", action="store_true", help="也处理已结束的案例（将其未完成的期限标为已结束）"
        )

    def handle(self, *args, all=False, **options):
        done = resync_deadlines(include_closed=all)
        self.stdout.write(f"已更新 {done} 个案例的期限。")
