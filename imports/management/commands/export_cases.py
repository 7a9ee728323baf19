"""manage.py export_cases FILE.xlsx [--as USER] [--roster | --stage STAGE]"""

from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from imports import exports
from imports.exports.sheets import ROSTER_STAGES


class Command(BaseCommand):
    help = (
        "导出为 Excel（.xlsx）。默认按导入模板导出范围内的全部案例（进行中和已归档的；撤回、转出等已结束的案例"
        "无法用导入模板表示，不导出），导出后可再导入到空数据库。--as USER 按该用户的范围导出，公民身份号码按其角色"
        "决定是否遮挡；不填 --as 则导出全部案例、号码完整。--roster 导出各党支部党员名册；--stage 导出某阶段花名册。"
        "每次导出都记入导出记录。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="输出文件（.xlsx）")
        parser.add_argument("--as", dest="as_user", metavar="USER", help="按该用户的范围和角色导出")
        kind = parser.add_mutually_exclusive_group()
        kind.add_argument(
            "--roster", action="store_true", help="导出各党支部党员名册（党支部、姓名、正式/预备）"
        )
        kind.add_argument("--stage", choices=list(ROSTER_STAGES), help="导出该阶段的花名册")

    def handle(self, *args, file, as_user, roster, stage, **options):
        path = Path(file)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件须以 .xlsx 结尾")
        user = None
        if as_user:
            try:
                user = get_user_model().objects.get(username=as_user)
            except get_user_model().DoesNotExist as exc:
                raise CommandError(f"用户不存在：{as_user}") from exc
        with path.open("wb") as stream:
            if roster:
                _, log = exports.export_member_roster(user, stream=stream, source="command")
            elif stage:
                _, log = exports.export_stage_roster(user, stage, stream=stream, source="command")
            else:
                _, log = exports.export_template(user, stream=stream, source="command")
        ids = (
            "含完整公民身份号码"
            if log.full_id_numbers
            else "公民身份号码已遮挡（该角色在界面上也只能看到遮挡后的号码）"
        )
        suffix = f"，{ids}" if not roster and log.row_count else ""
        self.stdout.write(
            f"已导出 {log.row_count} 行到 {path}（{log.get_kind_display()}{suffix}，导出记录 #{log.pk}）"
        )
        if left_out := log.filters.get("closed_cases_left_out"):
            self.stdout.write(f"另有 {left_out} 个已结束的案例（撤回、转出等）无法用导入模板表示，未导出。")
        if not roster and not stage and user is not None and log.row_count and not log.full_id_numbers:
            self.stderr.write("注意：号码已遮挡的导出文件不能再导入（公民身份号码无效）。")
