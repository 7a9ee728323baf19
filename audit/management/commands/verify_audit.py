"""manage.py verify_audit [--case ID] [--since DATE] [--until DATE] — verify the sealed audit trail.

Exits 1 and names the first broken link when anything was altered (audit.verify)."""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from audit.verify import verify_audit


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"日期格式应为 YYYY-MM-DD：{text}") from None


class Command(BaseCommand):
    help = "核验审计记录（案例事件链、检查点、字段历史、配置历史和查阅记录）未被改动；发现篡改时退出码为 1。"

    def add_arguments(self, parser):
        parser.add_argument("--case", type=int, help="只核验一个案例")
        parser.add_argument("--since", type=_date, help="只核验此日起写入的记录（YYYY-MM-DD）")
        parser.add_argument("--until", type=_date, help="只核验此日止写入的记录（YYYY-MM-DD）")

    def handle(self, *args, case=None, since=None, until=None, **options):
        report = verify_audit(case_id=case, since=since, until=until)
        counts = "，".join(f"{name} {n}" for name, n in sorted(report.checked.items()))
        if report.ok:
            sealed = f"；已写入检查点 {report.checkpoint}" if report.checkpoint else ""
            self.stdout.write(f"审计记录完好（{report.scope}）：{counts}{sealed}")
            return
        self.stderr.write(f"发现 {report.count} 处篡改（{report.scope}）。第一处：{report.first}")
        for problem in report.problems[1:20]:
            self.stderr.write(f"  {problem}")
        raise SystemExit(1)
