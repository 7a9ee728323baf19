"""Recount the statistics' kept aggregates (cases.tallies) of every branch from the case file:
after data was written around the write path (a restore, SQL, a fixture), or to check them."""

import time

from django.core.management.base import BaseCommand

from cases import tallies


class Command(BaseCommand):
    help = "从案例数据重新计算统计汇总（各党支部的阶段人数和月度流量）"

    def handle(self, *args, **options):
        started = time.monotonic()
        n = tallies.rebuild()
        self.stdout.write(f"已重新计算 {n} 个党支部的统计汇总，用时 {time.monotonic() - started:.1f} 秒。")
