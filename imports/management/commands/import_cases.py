"""manage.py import_cases FILE.xlsx [--dry-run] [--json] [--branch CODE_OR_NAME] [--as USER]"""

import json
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from branches.models import Organization, OrgKind
from imports.importer import check_batch, import_batch, store_path
from imports.models import ImportMode, ImportStatus


class Command(BaseCommand):
    help = (
        "从导入模板（.xlsx，表头见 product.md §6）导入已在发展过程中的人员。每行按各步骤自身日期适用的细则"
        "逐条检查。--dry-run 只检查、不写入；--json 以 JSON 输出逐行报告 "
        '[{"row": n, "errors": [...], "warnings": [...], "messages": [...]}]（errors/warnings 只含 E/W 规则代码，'
        "其他问题见 messages，同样使该行不能导入）。实际导入须用 --as 指定操作人（党支部书记或党委组织委员），"
        "通过业务写入路径逐步登记，每个步骤记为「导入」事件。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="导入文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查，不写入")
        parser.add_argument("--json", dest="as_json", action="store_true", help="以 JSON 输出逐行报告")
        parser.add_argument("--branch", help="「所在党支部」空白的行默认导入此党支部（名称、简称或组织代码）")
        parser.add_argument(
            "--as",
            dest="as_user",
            metavar="USER",
            help="操作人用户名：按其角色检查范围并记为办理人；实际导入时必填。检查时不填则按全部党支部检查范围",
        )
        parser.add_argument(
            "--mode",
            choices=["all", "valid"],
            default="all",
            help="all：任一行有错误则整批不导入（默认）；valid：仅导入无错误的行",
        )
        parser.add_argument(
            "--reason", default="", help="预警说明：有预警（W）的行导入时须填写，记录在每个被预警的步骤上"
        )

    def handle(self, *args, file, dry_run, as_json, branch, as_user, mode, reason, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"文件不存在：{file}")
        user = _user(as_user) if as_user else None
        if not dry_run and user is None:
            raise CommandError(
                "实际导入须用 --as 指定操作人（党支部书记或党委组织委员）；只检查请加 --dry-run"
            )
        default_branch = _branch(branch) if branch else None
        stored = store_path(path)
        if dry_run:
            batch, result = check_batch(stored, user=user, source="command", default_branch=default_branch)
        else:
            import_mode = ImportMode.VALID_ONLY if mode == "valid" else ImportMode.ALL_OR_NOTHING
            batch, result = import_batch(
                stored,
                user=user,
                mode=import_mode,
                warning_reason=reason,
                source="command",
                default_branch=default_branch,
            )
        if result is None:
            raise CommandError(f"{stored.name}：{batch.error}")
        self._print(result, batch, as_json=as_json)
        if batch.status == ImportStatus.FAILED:
            raise CommandError(f"未导入（批次 #{batch.pk}）：{batch.error}")

    def _print(self, result, batch, *, as_json: bool) -> None:
        if as_json:
            self.stdout.write(json.dumps(result.as_json(), ensure_ascii=False, indent=2))
            return
        for report in result.reports:
            for message in report.messages:
                self.stdout.write(message)
        counts = result.counts
        verb = "检查" if batch.dry_run else "导入"
        summary = (
            f"{verb}批次 #{batch.pk}：共 {counts.total} 行，无错误 {counts.valid} 行（其中有预警 {counts.warned} 行），"
            f"有错误 {counts.invalid} 行，已导入过而跳过 {counts.skipped} 行"
        )
        if not batch.dry_run:
            summary += f"；实际导入 {batch.rows_imported} 行"
        self.stdout.write(summary)


def _user(username: str):
    try:
        return get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist as exc:
        raise CommandError(f"用户不存在：{username}") from exc


def _branch(key: str) -> Organization:
    key = key.strip()
    found = list(
        Organization.objects.filter(kind=OrgKind.BRANCH).filter(code__iexact=key)
        or Organization.objects.filter(kind=OrgKind.BRANCH, name=key)
        or Organization.objects.filter(kind=OrgKind.BRANCH, short_name=key)
    )
    if not found:
        raise CommandError(f"未找到党支部：{key}（请填写党支部名称、简称或组织代码）")
    if len(found) > 1:
        raise CommandError(f"「{key}」对应多个党支部，请改用组织代码")
    return found[0]
