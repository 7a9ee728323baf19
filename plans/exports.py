"""The plan page as a workbook (.xlsx): the same figures as the page (plans.selectors.plan_progress),
counts and shares only — no person's name or data, so nothing to mask or log."""

import io
from urllib.parse import quote

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font

from imports.exports.workbook import neutralised

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _yes(met) -> str:
    return "—" if met is None else ("是" if met else "否")


def plan_workbook(report) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "计划执行"
    bold = Font(bold=True)

    def put(row):
        sheet.append([neutralised(value) for value in row])

    def heading(text):
        put([])
        put([text])
        sheet.cell(sheet.max_row, 1).font = bold

    put([f"{report.org.name} {report.year}年发展党员计划执行情况"])
    sheet.cell(1, 1).font = Font(bold=True, size=14)
    put([f"发展党员按上级党委审批日期计入年度；入党积极分子人数截至 {report.as_of.isoformat()}"])
    quota = report.quota
    heading("发展党员数")
    put(["计划数", "允许浮动", "完成区间", "已发展", "完成情况"])
    if quota is None:
        put(["未制定", "—", "—", report.admitted, "—"])
    else:
        low, high = quota.band
        put([quota.quota, f"±{quota.float_percent}%", f"{low}–{high}", quota.count, quota.status.label])
    projected = report.projected_quota
    if report.projected is not None:
        put(
            [
                "年内预计还可审批",
                len(report.will_be_approved),
                "预计全年",
                report.admitted + len(report.will_be_approved),
                projected.status.label if projected else "—",
            ]
        )
    heading("结构目标（占本年度发展党员的比例）")
    put(["项目", "目标", "人数", "占比", "是否达到"])
    for t in report.targets:
        put([t.measure.label, t.target_text, t.count, _pct(t.share), t.verdict])
    heading("入党积极分子")
    put(["现有入党积极分子", "按计划应有", "是否达到", "本年新确定入党积极分子"])
    put(
        [
            report.activists,
            report.activists_needed if report.activists_needed is not None else "—",
            _yes(report.activists_enough),
            report.new_activists,
        ]
    )
    if report.rows:
        heading("下级组织")
        put(
            [
                "组织",
                "计划数",
                "已发展",
                "完成情况",
                "年内预计还可审批",
                "现有入党积极分子",
                "本年新确定入党积极分子",
            ]
        )
        for row in report.rows:
            q = row.quota
            put(
                [
                    row.org.name,
                    q.quota if q else "未制定",
                    row.admissions,
                    q.status.label if q else "—",
                    row.projected if report.projected is not None else "—",
                    row.activists,
                    row.new_activists,
                ]
            )
    if report.rollup.problems:
        heading("下级计划与本级计划不一致之处")
        for problem in report.rollup.problems:
            put([problem])
    if report.shortfalls:
        heading("未达到每支部最低要求的党支部")
        put(["党支部", "已发展", "本年新确定入党积极分子", "说明"])
        for s in report.shortfalls:
            put([s.branch.name, s.admissions, s.new_activists, "；".join(s.reasons)])
    sheet.column_dimensions["A"].width = 36
    for col in "BCDEFG":
        sheet.column_dimensions[col].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def plan_workbook_response(report) -> HttpResponse:
    response = HttpResponse(plan_workbook(report), content_type=XLSX)
    name = f"{report.org.name}{report.year}年发展党员计划执行情况.xlsx"
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
