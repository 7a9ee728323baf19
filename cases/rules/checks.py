"""The rules of product.md §4, one function each. A check reads an Attempt and returns Findings.

No I/O: the forms, the write path and the importer all call these same functions.
"""

import datetime as dt

from cases import idcard, steps
from cases.dates import add_months, age_on
from cases.rules import deadlines
from cases.rules.articles import cite
from cases.rules.authority import authority_refusal
from cases.rules.facts import Attempt
from cases.rules.findings import Finding
from cases.rules.tally import tally_required


def _f(attempt: Attempt, code: str, text: str, date: dt.date | None = None) -> Finding:
    return Finding(code, text + cite(code, attempt.rule_set, attempt.rules_2026_confirmed), date)


def _name(code: str) -> str:
    return steps.get(code).name


def _missed(a: Attempt, code: str) -> dt.date | None:
    """The date of the table entry `code` enforces on this step, when the attempt misses it."""
    deadline = deadlines.rule_on(code, a.step.code)
    if deadline is None or a.rule_set not in deadline.rule_sets:
        return None
    day = deadlines.bound(deadline, a.case)
    return day if day is not None and deadline.missed_by(a.on, day) else None


# ---- identity (E01, E02) -------------------------------------------------------------------------


def identity_findings(id_number: str, birth_date: dt.date | None, gender: str) -> list[str]:
    """Problems with a 公民身份号码 against the recorded birth date and gender (E02)."""
    try:
        parsed = idcard.parse(id_number)
    except idcard.InvalidIdNumber as exc:
        return [str(exc)]
    problems = []
    if birth_date and parsed.birth_date != birth_date:
        problems.append(f"公民身份号码中的出生日期 {parsed.birth_date} 与填写的出生日期 {birth_date} 不一致")
    if gender and parsed.gender != gender:
        problems.append("公民身份号码中的性别与填写的性别不一致")
    return problems


def check_identity(a: Attempt) -> list[Finding]:
    problems = identity_findings(a.case.id_number, a.case.birth_date, a.case.gender)
    return [_f(a, "E02", "；".join(problems))] if problems else []


def check_age(a: Attempt) -> list[Finding]:
    if (earliest := _missed(a, "E01")) is None:
        return []
    return [_f(a, "E01", f"申请人在申请日期未满十八周岁：最早可于 {earliest} 递交入党申请书", earliest)]


# ---- order and dates (E03) ----------------------------------------------------------------------


def check_order(a: Attempt) -> list[Finding]:
    found = []
    if a.on > a.today:
        found.append(_f(a, "E03", f"「{a.step.name}」日期 {a.on} 晚于今天（{a.today}），不能预先登记"))
    for required in a.step.requires:
        done_on = a.case.done.get(required)
        if done_on is None:
            found.append(_f(a, "E03", f"须先完成「{_name(required)}」，才能办理「{a.step.name}」"))
        elif a.on < done_on:
            found.append(
                _f(
                    a,
                    "E03",
                    f"「{a.step.name}」不能早于「{_name(required)}」（{done_on}）：最早可于 {done_on} 办理",
                    done_on,
                )
            )
    return found


# ---- stage rules -----------------------------------------------------------------------------------


def check_talk_within_month(a: Attempt) -> list[Finding]:
    if (due := _missed(a, "W01")) is None:
        return []
    return [_f(a, "W01", f"收到入党申请书后应在一个月内谈话：应于 {due} 前谈话，实际 {a.on}", due)]


def check_league_recommendation(a: Attempt) -> list[Finding]:
    c = a.case
    if not c.is_league_member or age_on(c.birth_date, a.on) >= 28:
        return []
    if c.league_recommended_on and c.league_recommended_on <= a.on:
        return []
    return [_f(a, "W02", "28周岁以下团员确定为入党积极分子，一般应经团组织推荐（推优），未见推优记录")]


def check_cultivation_year(a: Attempt) -> list[Finding]:
    if (earliest := _missed(a, "E04")) is None:
        return []
    return [_f(a, "E04", f"培养期未满一年：最早可于 {earliest} 确定为发展对象", earliest)]


def check_contacts(a: Attempt) -> list[Finding]:
    contacts = a.contacts or []
    if not 1 <= len(contacts) <= 2:
        return [_f(a, "E06", f"培养联系人应为一至两名正式党员，现为 {len(contacts)} 名")]
    bad = [m.name for m in contacts if not m.is_full or not m.on_roster]
    if bad:
        return [_f(a, "E06", f"培养联系人须为本支部在册正式党员：{'、'.join(bad)} 不符合")]
    return []


def check_introducers(a: Attempt) -> list[Finding]:
    introducers = a.introducers or []
    found = []
    if len(introducers) != 2:
        found.append(_f(a, "E05", f"入党介绍人应为两名正式党员，现为 {len(introducers)} 名"))
    not_full = [m.name for m in introducers if not m.is_full or not m.on_roster]
    if not_full:
        found.append(_f(a, "E05", f"入党介绍人须为在册正式党员：{'、'.join(not_full)} 不是正式党员"))
    on_probation = [m.name for m in introducers if m.under_party_probation]
    if on_probation:
        found.append(
            _f(a, "E05", f"受留党察看处分、尚未恢复党员权利的党员不能作入党介绍人：{'、'.join(on_probation)}")
        )
    if a.rule_set == "2026":
        sanctioned = [m.name for m in introducers if m.in_sanction_impact_period]
        if sanctioned:
            found.append(
                _f(
                    a,
                    "W09",
                    f"处于警告、严重警告或撤销党内职务处分影响期内的党员不宜作入党介绍人：{'、'.join(sanctioned)}",
                )
            )
    return found


def check_political_review(a: Attempt) -> list[Finding]:
    if "political_review" not in a.case.done:
        return [_f(a, "E07", "未经政治审查的，不能发展入党")]
    if a.case.data.get("political_review", {}).get("conclusion") != steps.Conclusion.QUALIFIED:
        return [_f(a, "E07", "政治审查结论不合格的，不能发展入党")]
    return []


def check_training(a: Attempt) -> list[Finding]:
    if "intensive_training" not in a.case.done:
        return [_f(a, "E08", "未经集中培训的，不能发展入党")]
    training = a.case.data.get("intensive_training", {})
    days, hours = training.get("days") or 0, training.get("hours") or 0
    if days >= 3 or hours >= 24:
        return []
    if (training.get("exemption_reason") or "").strip():
        return [
            _f(a, "W07", f"集中培训 {days} 天、{hours} 学时，按特殊情况豁免：{training['exemption_reason']}")
        ]
    return [_f(a, "E08", f"集中培训应不少于三天或二十四学时，现为 {days} 天、{hours} 学时")]


def check_review_freshness(a: Attempt) -> list[Finding]:
    if (stale := _missed(a, "W06")) is None:
        return []
    reviewed = a.case.done["political_review"]
    return [_f(a, "W06", f"政治审查（{reviewed}）至今已超过一年（{stale} 到期），建议重新审查", stale)]


def check_meeting_after_pre_review(a: Attempt) -> list[Finding]:
    if (due := _missed(a, "W04")) is None:
        return []
    return [_f(a, "W04", f"预审合格后应在一个月内提交支部党员大会讨论：应于 {due} 前召开", due)]


def check_leaving_unit(a: Attempt) -> list[Finding]:
    leaving = a.case.leaving_unit_on
    if leaving is None or not a.on <= leaving <= add_months(a.on, 3):
        return []
    return [
        _f(
            a,
            "W08",
            f"发展对象将于 {leaving} 离开工作、学习单位（三个月内），一般不办理接收预备党员手续",
            leaving,
        )
    ]


def check_vote(a: Attempt) -> list[Finding]:
    """E09: quorum present > N/2 and yes + written yes > N/2, both strict (exactly half fails)."""
    if a.meeting is None or a.vote is None:
        if a.meeting is a.vote is None and not tally_required(a.step, backfilled=a.historical):
            return []
        return [_f(a, "E09", f"「{a.step.name}」须记录会议及表决结果")]
    if impossible := a.meeting.problems(a.vote):  # callers refuse these first; never judge them
        return [_f(a, "E09", "；".join(map(str, impossible)))]
    n, present = a.meeting.entitled, a.meeting.present
    found = []
    if present * 2 <= n:
        found.append(_f(a, "E09", f"到会有表决权人数 {present} 未超过应到会人数 {n} 的半数，会议无效"))
    yes = a.vote.yes + a.vote.written_yes
    if yes * 2 <= n:
        found.append(
            _f(a, "E09", f"赞成票（含书面意见）{yes} 未超过应到会有表决权人数 {n} 的半数，表决未通过")
        )
    return found


def check_optional_vote(a: Attempt) -> list[Finding]:
    """A vote recorded where none is required is still held to E09."""
    return check_vote(a) if a.vote is not None else []


def check_conversion_meeting(a: Attempt) -> list[Finding]:
    resolution = steps.resolution_of(a.data)
    found = []
    if resolution == steps.Resolution.CANCEL and not a.note.strip():
        found.append(_f(a, "E10", "支部大会决议取消预备党员资格须记录理由（严重违纪等情形），请在说明中填写"))
    if resolution in (steps.Resolution.CONVERT, steps.Resolution.EXTEND) and (end := _missed(a, "E10")):
        found.append(_f(a, "E10", f"预备期未满：最早可于 {end} 讨论转正", end))
    if resolution == steps.Resolution.EXTEND:
        months = a.data.get("extension_months") or 0
        if a.case.extensions_so_far >= 1:
            found.append(_f(a, "E11", "预备期只能延长一次，本案例已延长过"))
        if not 6 <= months <= 12:
            found.append(_f(a, "E11", f"延长预备期不能少于六个月、最长不超过一年，现为 {months} 个月"))
    return found


def check_approval_deadline(a: Attempt) -> list[Finding]:
    met = a.case.done.get(deadlines.rule("W03", a.step.code).after)
    found = []
    if hard := _missed(a, "E12"):
        found.append(_f(a, "E12", f"支部大会（{met}）通过后审批最长不得超过六个月：应于 {hard} 前审批", hard))
    elif due := _missed(a, "W03"):
        special = "，特殊情况须说明理由" if a.step.code == "admission_approval" else ""
        found.append(_f(a, "W03", f"应在支部大会（{met}）后三个月内审批：应于 {due} 前审批{special}", due))
    return found


def check_oath_within_month(a: Attempt) -> list[Finding]:
    if (due := _missed(a, "W05")) is None:
        return []
    return [_f(a, "W05", f"入党宣誓一般在批复后一个月内进行：应于 {due} 前宣誓", due)]


def check_authority(a: Attempt) -> list[Finding]:
    """E13, from the same rule the "may I" policy (cases.permissions) offers buttons by."""
    reason = authority_refusal(
        a.step, can_approve=a.acting_org_can_approve, is_department=a.acting_org_is_department
    )
    return [_f(a, "E13", reason)] if reason else []


def check_publicity(a: Attempt) -> list[Finding]:
    """E14 (2026): after the committee agrees to a target, a 公示 of ≥5 working days must have
    ended, with every objection resolved, before any later step is dated."""
    agreed = a.case.done.get("target_filing")
    if agreed is None or a.step.code not in deadlines.AFTER_TARGET_FILING:
        return []
    if not (a.is_2026_date and a.is_2026_date(agreed)):
        return []
    after_end = deadlines.rule("E14", a.step.code)
    pub = deadlines.publicity_after_agreement(a.case)
    if pub is None:
        return [_f(a, "E14", f"上级党委同意（{agreed}）后须公示不少于五个工作日，未见公示记录")]
    length = deadlines.rule("E14", deadlines.PUBLICITY_END)
    days = a.workdays_between(pub.start_on, pub.end_on)
    found = []
    if days < length.workdays:
        found.append(
            _f(a, "E14", f"公示 {pub.start_on} 至 {pub.end_on} 仅 {days} 个工作日，不少于五个工作日")
        )
    if after_end.missed_by(a.on, earliest := deadlines.bound(after_end, a.case)):
        found.append(
            _f(a, "E14", f"公示至 {pub.end_on} 结束：最早可于 {earliest} 办理「{a.step.name}」", earliest)
        )
    if not pub.objections_resolved:
        found.append(_f(a, "E14", "公示期间收到的异议尚未核实处理"))
    return found


def check_materials(a: Attempt) -> list[Finding]:
    """E15: a file is archived only when every required material of its steps is on file, as a
    scan or waived with a reason. A history backfilled by import is not judged: its materials are
    on paper, and the import records each as waived 「历史材料纸质存档」 (cases.services.history)."""
    if a.historical:
        return []
    missing = a.case.missing_materials()
    if not missing:
        return []
    listed = "、".join(f"{s.number}.{m.title}" for s, m in missing)
    return [
        _f(a, "E15", f"材料不全，不能归档：缺少 {len(missing)} 项必备材料（{listed}），请上传或登记免交理由")
    ]
