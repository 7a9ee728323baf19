"""Excel exports: every one scoped to the user, streamed (openpyxl write-only) and logged (ExportLog).

Each function writes the workbook to `stream` (a spooled temporary file by default) and returns
(stream, log). The 公民身份号码 is shown in full only to the roles that see it on screen
(cases.permissions.can_see_full_id); everyone else gets it masked.
"""

from django.db import transaction
from django.utils import timezone

from branches.selectors import scope_name
from cases.selectors import cases_visible_to
from cases.services.records import record_unmasked_export
from imports.exports import sheets
from imports.exports.case_rows import template_cases
from imports.exports.workbook import write_workbook
from imports.models import ExportKind, ExportLog


def _scoped_cases(user):
    from cases.models import Case

    return Case.objects.all() if user is None else cases_visible_to(user)


@transaction.atomic
def _log(user, kind, tally: sheets.Tally, filters=None, source="web", ip=None) -> ExportLog:
    """The export, and each case whose full 公民身份号码 it carried (as a reveal on the page is)."""
    log = ExportLog.objects.create(
        user=user,
        kind=kind,
        filters=filters or {},
        row_count=tally.rows,
        full_id_numbers=tally.full_ids,
        source=source,
        ip=ip,
    )
    record_unmasked_export(export_id=log.pk, user=user, ip=ip, case_ids=tally.unmasked_cases)
    return log


def log_export(user, kind, *, rows: int, filters: dict, source="web", ip=None) -> ExportLog:
    """Log an export another app wrote (the audit's): who, what, filters, row count (no full
    公民身份号码 in it). Raises DatabaseError when the log cannot be written: the caller refuses."""
    tally = sheets.Tally()
    tally.rows = rows
    return _log(user, kind, tally, filters, source, ip)


def export_template(user, *, stream=None, source="web", ip=None):
    """Every case in the user's scope (all cases without a user) in the import template — those
    the template can express: open and archived; the count of the others is logged."""
    scoped = _scoped_cases(user)
    tally = sheets.Tally()
    stream = write_workbook([sheets.template_sheet(scoped, user, tally)], stream)
    left_out = scoped.exclude(pk__in=template_cases(scoped).values("pk")).count()
    return stream, _log(user, ExportKind.TEMPLATE, tally, {"closed_cases_left_out": left_out}, source, ip)


def export_stage_roster(user, stage: str, *, stream=None, source="web", ip=None):
    tally = sheets.Tally()
    sheet = sheets.stage_roster_sheet(_scoped_cases(user), stage, user, tally)
    sheet.print_title = printed_title(user, sheets.roster_title(stage))
    stream = write_workbook([sheet], stream)
    return stream, _log(user, ExportKind.STAGE_ROSTER, tally, {"stage": stage}, source, ip)


def export_case_list(
    user, queryset, filters: dict, *, stream=None, source="web", ip=None, print_title: str = ""
):
    """`queryset` is the case list's, already scoped and filtered (cases.filters.CaseFilterSet.qs)."""
    tally = sheets.Tally()
    sheet = sheets.case_list_sheet(queryset, user, tally)
    sheet.print_title = print_title
    stream = write_workbook([sheet], stream)
    return stream, _log(user, ExportKind.CASE_LIST, tally, filters, source, ip)


def export_member_roster(user, *, stream=None, source="web", ip=None):
    tally = sheets.Tally()
    sheet = sheets.member_roster_sheet(sheets.branch_queryset(user), tally)
    sheet.print_title = printed_title(user, "党员名册")
    stream = write_workbook([sheet], stream)
    return stream, _log(user, ExportKind.MEMBER_ROSTER, tally, source=source, ip=ip)


def printed_title(user, title: str) -> str:
    """A roster's printed title line, as on a paper 花名册: whose, which list, which day."""
    return f"{scope_name(user)}　{title}　导出日期：{timezone.localdate():%Y年%m月%d日}"


def blank_template(stream=None):
    return write_workbook(sheets.blank_template_sheets(), stream)


__all__ = [
    "blank_template",
    "log_export",
    "export_case_list",
    "export_member_roster",
    "export_stage_roster",
    "export_template",
]
