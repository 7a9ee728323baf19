"""Render every pending (and failed) letter in this process — no broker needed. Use it after an
outage, or with --queue to hand them to the worker instead."""

from django.core.management.base import BaseCommand

from reviews import services
from reviews.models import Letter, LetterStatus


class Command(BaseCommand):
    help = "生成所有待生成（及生成失败）的发文 PDF；--queue 则交给后台 worker 生成。"

    def add_arguments(self, parser):
        parser.add_argument("--pending-only", action="store_true", help="只处理待生成的，不重试生成失败的")
        parser.add_argument(
            "--queue", action="store_true", help="交给 Celery worker 生成，而不是在本进程生成"
        )

    def handle(self, *args, pending_only=False, queue=False, **options):
        if queue:
            statuses = [LetterStatus.PENDING] + ([] if pending_only else [LetterStatus.FAILED])
            ids = list(Letter.objects.filter(status__in=statuses).values_list("pk", flat=True))
            queued = sum(services.queue_render(pk) for pk in ids)
            self.stdout.write(f"已排队 {queued} 件，共 {len(ids)} 件待生成。")
            return
        results = services.render_outstanding_letters(include_failed=not pending_only)
        for letter, error in results:
            if error:
                self.stderr.write(f"失败 {letter.number}：{error}")
            elif letter.status == LetterStatus.RENDERED:
                self.stdout.write(f"已生成 {letter.number} {letter.title}")
            else:
                self.stdout.write(f"跳过 {letter.number}：后台正在生成，未重复生成")
        failed = sum(1 for _, error in results if error)
        busy = sum(1 for letter, error in results if not error and letter.status != LetterStatus.RENDERED)
        self.stdout.write(
            f"共处理 {len(results)} 件：成功 {len(results) - failed - busy} 件，失败 {failed} 件"
            + (f"，后台正在生成 {busy} 件" if busy else "")
            + "。"
        )
