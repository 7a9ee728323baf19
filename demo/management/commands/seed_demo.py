"""manage.py seed_demo [--cases N]: the demo county, and optional benchmark fixture data.

The demo has well-known logins (admin / demo12345 …), so it is built only where it cannot be mistaken
for real data: on the embedded SQLite database, or elsewhere with --allow-any-database — and never
in production (DJANGO_ENV=production), whatever the flags say.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases.models import Case
from demo.builder import build_demo, demo_exists, demo_summary
from demo.bulk import BulkGenerator
from demo.county import DEMO_PASSWORD, DEPARTMENT_CODE, SEED
from demo.logins import logins_table
from reminders.services.sweep import sweep


class Command(BaseCommand):
    help = (
        "建立演示县（青溪县）：县委组织部、两个乡镇党委、城东社区党总支、柳树湾村党委、八个党支部及党小组、"
        "党员名册、各角色演示账号（密码均为 demo12345）、2013–2026 年工作日历，以及约五十个覆盖全部 25 个步骤"
        "和各种结果的案例（其中有在各类期限上逾期的案例、被退回的报送），以及近五个月党委会等决定的发文"
        "（由后台生成 PDF）。所有案例和发文经由业务写入路径（cases.services / demo.journey / reviews.services）生成。"
        "已存在演示数据（按县委组织部组织代码识别）时不做任何修改，只打印登录账号。"
        "\n\n--cases N 另外批量生成 N 个案例，仅供性能测试：每个案例是一段生成的办理历史，"
        "与导入相同，经由历史写入路径（services.backfill_cases：逐步规则校验，PostgreSQL 用 COPY 批量写入）写入，"
        "人员、案例、步骤记录、会议、表决、公示、哈希链事件及其历史记录与业务写入完全一致；"
        "批量案例没有待办报送和中途结束（撤回、不再列为培养对象）的结果。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            metavar="N",
            help="另外批量生成 N 个性能测试案例（经历史写入路径批量写入；例如 100000）",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="批量写入时每批案例数（默认 2000）")
        parser.add_argument("--seed", type=int, default=SEED + 1, help="批量数据的随机种子")
        parser.add_argument(
            "--allow-any-database",
            action="store_true",
            help="在 DATABASE_URL 指向的数据库（而不是内置的 SQLite）中也建立演示数据和演示账号；生产环境中无效",
        )

    def handle(self, *args, cases=0, batch_size=2000, seed=None, allow_any_database=False, **options):
        if cases < 0:
            raise CommandError("--cases 不能为负数")
        refusal = demo_refusal(allow_any_database)
        if refusal:
            raise CommandError(refusal)
        started = time.monotonic()
        if demo_exists():
            self.stdout.write(f"演示数据已存在（县委组织部 {DEPARTMENT_CODE}），未做修改。")
        else:
            self.stdout.write("正在建立演示县……")
            build_demo(log=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"演示县已建立，用时 {time.monotonic() - started:.1f} 秒。"))
            self.stdout.write("案例分布：" + demo_summary())
            # Today's reminders, so that a newcomer's bell has a count (the daily sweep's service).
            reminded = sweep()
            self.stdout.write(f"已生成今日期限提醒 {reminded.total} 条（右上角铃铛）。")
        if cases:
            bulk_started = time.monotonic()
            self.stdout.write(f"正在批量生成 {cases} 个性能测试案例（经历史写入路径）……")
            generator = BulkGenerator(seed=seed, batch_size=batch_size, log=self.stdout.write)
            totals = generator.generate(cases)
            elapsed = time.monotonic() - bulk_started
            self.stdout.write(
                self.style.SUCCESS(
                    f"批量生成完成，用时 {elapsed:.1f} 秒："
                    + "，".join(f"{name} {count}" for name, count in totals.items())
                    + f"；案例总数 {Case.objects.count()}"
                )
            )
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：\n")
        self.stdout.write(logins_table())
        if cases and generator.refused:
            raise CommandError(f"{len(generator.refused)} 个生成的案例被写入路径拒绝（原因见上文），未写入")


def demo_refusal(allow_any_database: bool) -> str:
    """Why the demo (with its well-known logins) may not be written here, or "" when it may."""
    if settings.PRODUCTION:
        return "生产环境（DJANGO_ENV=production）不建立演示数据和演示账号。"
    if not settings.DATABASE_IS_EMBEDDED and not allow_any_database:
        return (
            "DATABASE_URL 指向的不是内置的 SQLite 数据库，未建立演示数据和演示账号（admin / demo12345 等）。"
            "确需在该数据库中建立演示数据时，加 --allow-any-database（make run 时设置 DEMO=1）。"
        )
    return ""
