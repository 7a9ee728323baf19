"""manage.py seed_demo [--cases N]: the demo county, and optional benchmark fixture data.

The demo has well-known logins (admin / demo12345 …), so it is built only where it cannot be mistaken
for real data: on the embedded SQLite database, or elsewhere with --allow-any-database — and never
in production (DJANGO_ENV=production), whatever the flags say.
"""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from cases import demo
from cases.models import Case


class Command(BaseCommand):
    help = (
        "建立演示县（青溪县）：县委组织部、两个乡镇党委、城东社区党总支、柳树湾村党委、八个党支部及党小组、"
        "党员名册、各角色演示账号（密码均为 demo12345）、2013–2026 年工作日历，以及约五十个覆盖全部 25 个步骤"
        "和各种结果的案例。所有案例经由业务写入路径（cases.services / cases.journey）生成。"
        "已存在演示数据（按县委组织部组织代码识别）时不做任何修改，只打印登录账号。"
        "\n\n--cases N 另外批量生成 N 个案例，仅供性能测试：这些数据直接写入数据库（PostgreSQL 用 COPY，其他数据库用 bulk_create），"
        "不经过业务写入路径（不做规则校验）；摘要字段、步骤记录、会议与表决、公示、待办报送和哈希链事件"
        "均按写入路径的算法生成，保持一致；只为人员和案例写 simple-history 历史记录，"
        "步骤记录、会议、表决、公示不写历史记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            metavar="N",
            help="另外批量生成 N 个性能测试案例（直接写库，不经业务写入路径；例如 100000）",
        )
        parser.add_argument("--batch-size", type=int, default=2000, help="批量写入时每批案例数（默认 2000）")
        parser.add_argument("--seed", type=int, default=demo.SEED + 1, help="批量数据的随机种子")
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
        if demo.demo_exists():
            self.stdout.write(f"演示数据已存在（县委组织部 {demo.DEPARTMENT_CODE}），未做修改。")
        else:
            self.stdout.write("正在建立演示县……")
            demo.build_demo(log=self.stdout.write)
            self.stdout.write(self.style.SUCCESS(f"演示县已建立，用时 {time.monotonic() - started:.1f} 秒。"))
            self.stdout.write("案例分布：" + demo.demo_summary())
        if cases:
            bulk_started = time.monotonic()
            self.stdout.write(f"正在批量生成 {cases} 个性能测试案例（直接写库，不经业务写入路径）……")
            totals = demo.BulkGenerator(seed=seed, batch_size=batch_size, log=self.stdout.write).generate(
                cases
            )
            elapsed = time.monotonic() - bulk_started
            self.stdout.write(
                self.style.SUCCESS(
                    f"批量生成完成，用时 {elapsed:.1f} 秒："
                    + "，".join(f"{name} {count}" for name, count in sorted(totals.items()))
                    + f"；案例总数 {Case.objects.count()}"
                )
            )
        self.stdout.write(f"\n演示账号（密码均为 {demo.DEMO_PASSWORD}）：\n")
        self.stdout.write(demo.logins_table())


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
