"""The words of each letter, composed once when it is issued and stored with it.

Pure functions of plain facts (no database), in the language of a county's 批复 (e.g. "根据党章和
《中国共产党发展党员工作细则》的规定和要求，…召开会议进行了认真讨论和审议，决定并批复如下").
"""

import datetime as dt
from dataclasses import dataclass, field

from cases.steps import Resolution

RESOLUTION_DECISIONS = {
    Resolution.CONVERT: "按期转为中国共产党正式党员",
    Resolution.EXTEND: "延长预备期",
    Resolution.CANCEL: "取消预备党员资格",
}


def cn_date(day: dt.date | None) -> str:
    """成文日期 as GB/T 9704-2012 writes it: Arabic numerals, no leading zeros (2026年11月25日)."""
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


def people(names: list[str]) -> str:
    """张三同志 / 张三等5名同志: the title names the first person and counts the rest."""
    if len(names) == 1:
        return f"{names[0]}同志"
    return f"{names[0]}等{len(names)}名同志"


def issuer_mark(org_name: str) -> str:
    """The 发文机关标志 and signature: 城关镇党委 → 中共城关镇委员会."""
    name = org_name.strip()
    if name.startswith("中共") or name.startswith("中国共产党"):
        return name
    if name.endswith("工委"):
        return f"中共{name[:-2]}工作委员会"
    if name.endswith("党委"):
        return f"中共{name[:-2]}委员会"
    return f"中共{name}"


@dataclass
class PersonFacts:
    """What the letter says about one person (filled from the case and its records)."""

    name: str
    gender: str = ""
    selected_on: dt.date | None = None  # 确定为积极分子 / 发展对象
    probation_start: dt.date | None = None
    probation_end: dt.date | None = None
    resolution: str = ""  # conversion: convert / extend / cancel
    extension_months: int = 0
    full_member_on: dt.date | None = None


@dataclass
class Wording:
    title: str
    body: list[str]  # paragraphs before the list of names
    closing: list[str]  # paragraphs after it
    decisions: list[tuple[str, str]] = field(default_factory=list)  # per person: (decision, detail)
    show_table: bool = False


def _intro(subject: str, issuer: str, meeting_on: dt.date | None) -> str:
    met = f"于{cn_date(meeting_on)}召开党委会" if meeting_on else "召开党委会"
    return (
        f"你支部{subject}和有关材料已收悉。根据《中国共产党章程》和《中国共产党发展党员工作细则》的规定和要求，"
        f"{issuer}{met}进行了认真讨论和审议，决定并批复如下："
    )


def admission(persons: list[PersonFacts], issuer: str, meeting_on: dt.date | None, assembly: str) -> Wording:
    names = [p.name for p in persons]
    who = people(names)
    if len(persons) == 1:
        p = persons[0]
        decision = (
            f"同意吸收{who}为中国共产党预备党员，预备期一年，"
            f"自{cn_date(p.probation_start)}至{cn_date(p.probation_end)}。"
        )
    else:
        decision = (
            f"同意吸收{who}为中国共产党预备党员，预备期均为一年，自{assembly}通过之日起计算。名单如下："
        )
    return Wording(
        title=f"关于同意吸收{who}为中国共产党预备党员的批复",
        body=[_intro(f"关于接收{who}为中国共产党预备党员的决议", issuer, meeting_on), decision],
        closing=[
            "请你支部接到此批复后，及时通知本人并在党员大会上宣布，按规定组织入党宣誓，编入党小组，"
            "并做好预备党员的继续教育和考察工作。",
            "特此批复。",
        ],
        decisions=[
            (
                "接收为中国共产党预备党员，预备期一年",
                f"{cn_date(p.probation_start)}至{cn_date(p.probation_end)}",
            )
            for p in persons
        ],
        show_table=len(persons) > 1,
    )


def _conversion_detail(p: PersonFacts) -> str:
    if p.resolution == Resolution.EXTEND:
        return f"延长{p.extension_months}个月，预备期至{cn_date(p.probation_end)}止"
    if p.resolution == Resolution.CANCEL:
        return "取消预备党员资格"
    return f"党龄自{cn_date(p.full_member_on)}算起"


def _conversion_sentence(resolution: str, group: list[PersonFacts]) -> str:
    who = people([p.name for p in group])
    single = group[0] if len(group) == 1 else None
    if resolution == Resolution.EXTEND:
        if single:
            return (
                f"同意延长{who}预备期{single.extension_months}个月，"
                f"延长后的预备期至{cn_date(single.probation_end)}止。"
            )
        return f"同意延长{who}预备期。"
    if resolution == Resolution.CANCEL:
        return f"同意取消{who}的预备党员资格。"
    if single:
        return f"同意{who}按期转为中国共产党正式党员，党龄自{cn_date(single.full_member_on)}算起。"
    return f"同意{who}按期转为中国共产党正式党员，党龄均自预备期满之日算起。"


def conversion(persons: list[PersonFacts], issuer: str, meeting_on: dt.date | None) -> Wording:
    names = [p.name for p in persons]
    who = people(names)
    order = [r for r in Resolution if any(p.resolution == r for p in persons)]
    groups = {r: [p for p in persons if p.resolution == r] for r in order}
    titles = {
        Resolution.CONVERT: f"关于同意{who}按期转为中国共产党正式党员的批复",
        Resolution.EXTEND: f"关于同意延长{who}预备期的批复",
        Resolution.CANCEL: f"关于同意取消{who}预备党员资格的批复",
    }
    title = titles[order[0]] if len(order) == 1 else f"关于{who}预备党员转正问题的批复"
    sentences = [_conversion_sentence(r, groups[r]) for r in order]
    listed = any(len(group) > 1 for group in groups.values())  # a person alone is named in full above
    if listed:
        sentences[-1] += "名单如下："
    closing = []
    if Resolution.CONVERT in groups:
        closing.append("请你支部接到此批复后，及时通知本人并在党员大会上宣布，将有关材料归入本人档案。")
    if Resolution.EXTEND in groups:
        closing.append("对延长预备期的同志，要继续加强教育和考察，预备期满时及时讨论其能否转为正式党员。")
    if Resolution.CANCEL in groups:
        closing.append("对取消预备党员资格的同志，要及时通知本人，并做好思想工作。")
    closing.append("特此批复。")
    return Wording(
        title=title,
        body=[_intro(f"关于{who}预备党员转正问题的决议", issuer, meeting_on), *sentences],
        closing=closing,
        decisions=[(RESOLUTION_DECISIONS[p.resolution], _conversion_detail(p)) for p in persons],
        show_table=listed,
    )


def filing(persons: list[PersonFacts], step: str, rule_set: str) -> Wording:
    names = [p.name for p in persons]
    who = people(names)
    single = persons[0] if len(persons) == 1 else None
    listing = "名单如下：" if not single else ""
    if step == "admission_filing":
        return admission_filing(persons)
    if step == "activist_filing":
        when = f"（{cn_date(single.selected_on)}确定）" if single else ""
        return Wording(
            title=f"关于{who}列为入党积极分子的备案回执",
            body=[
                f"你支部关于确定{who}为入党积极分子的报告及有关材料已收悉。",
                f"经审核，{who}{when}列为入党积极分子，予以备案。{listing}",
            ],
            closing=[
                "请你支部按照《中国共产党发展党员工作细则》的要求，指定一至两名正式党员作培养联系人，"
                "加强培养教育，每半年进行一次考察。",
                "特此回执。",
            ],
            decisions=[("同意备案", f"{cn_date(p.selected_on)}确定为入党积极分子") for p in persons],
            show_table=single is None,
        )
    when = f"（{cn_date(single.selected_on)}确定）" if single else ""
    if rule_set == "2026":
        return Wording(
            title=f"关于同意将{who}列为发展对象的批复",
            body=[
                f"你支部关于确定{who}为发展对象的报告及有关材料已收悉。",
                f"经审核，同意将{who}{when}列为发展对象。{listing}",
            ],
            closing=[
                "请你支部按照《中国共产党发展党员工作细则》第十三条的规定进行公示，公示期不少于五个工作日；"
                "公示结果不影响发展入党的，方可列为发展对象，并为其确定入党介绍人、进行政治审查、安排集中培训。",
                "特此批复。",
            ],
            decisions=[("同意列为发展对象（须公示）", f"{cn_date(p.selected_on)}确定") for p in persons],
            show_table=single is None,
        )
    return Wording(
        title=f"关于{who}列为发展对象的备案回执",
        body=[
            f"你支部关于确定{who}为发展对象的报告及有关材料已收悉。",
            f"经审核，{who}{when}列为发展对象，予以备案。{listing}",
        ],
        closing=[
            "请你支部为其确定两名正式党员作入党介绍人，认真进行政治审查，安排参加集中培训。",
            "特此回执。",
        ],
        decisions=[("同意备案", f"{cn_date(p.selected_on)}确定为发展对象") for p in persons],
        show_table=single is None,
    )


def pre_review(persons: list[PersonFacts], rule_set: str) -> Wording:
    who = people([p.name for p in persons])
    next_step = "并在一个月内提交党支部党员大会讨论。" if rule_set == "2026" else "按规定提交支部大会讨论。"
    return Wording(
        title=f"关于{who}预审合格的批复",
        body=[
            f"你支部报送的{who}的发展党员材料已收悉。",
            f"经审查，{who}的入党条件、培养教育考察情况和入党手续符合《中国共产党发展党员工作细则》的要求，"
            f"预审合格，同意发放《中国共产党入党志愿书》。" + ("名单如下：" if len(persons) > 1 else ""),
        ],
        closing=[f"请你支部指导发展对象如实填写《中国共产党入党志愿书》，{next_step}", "特此批复。"],
        decisions=[("预审合格", "发放《入党志愿书》") for _ in persons],
        show_table=len(persons) > 1,
    )


def probation(p: PersonFacts) -> str:
    """A person's probation, as the letters write it: 2025年10月13日至2026年10月13日."""
    return f"{cn_date(p.probation_start)}至{cn_date(p.probation_end)}"


def admission_filing(persons: list[PersonFacts]) -> Wording:
    """The organization department's 回执 to the committee that approved (step 18)."""
    who = people([p.name for p in persons])
    single = persons[0] if len(persons) == 1 else None
    when = f"（预备期自{probation(single)}）" if single else ""
    return Wording(
        title=f"关于{who}预备党员备案的回执",
        body=[
            f"你党委报送的关于接收{who}为中国共产党预备党员的备案材料已收悉。",
            f"经审核，{who}{when}的接收程序和材料符合《中国共产党发展党员工作细则》的要求，予以备案。"
            + ("名单如下：" if not single else ""),
        ],
        closing=[
            "请你党委督促所属党支部按规定组织入党宣誓，编入党小组，做好预备党员的继续教育和考察，"
            "预备期满时及时讨论其转正问题。",
            "特此回执。",
        ],
        decisions=[("同意备案", f"预备期{probation(p)}") for p in persons],
        show_table=single is None,
    )


# The 公示 a branch posts, by the step whose people it names (2026 rules: before listing a 发展对象,
# after the committee agreed; and before discussing a 预备党员's conversion).
PUBLICITY_SUBJECTS = {
    "target_selection": ("拟列为发展对象", "经党支部研究并报上级党委同意，拟将{who}列为发展对象"),
    "conversion_application": (
        "拟转为正式党员",
        "{who}预备期已满，本人已提出转正申请，党支部拟讨论其转为正式党员",
    ),
}


def _publicity_detail(step: str, p: PersonFacts) -> str:
    if step == "target_selection":
        return f"{cn_date(p.selected_on)}确定为入党积极分子" if p.selected_on else ""
    return f"预备期{probation(p)}"


def publicity(persons: list[PersonFacts], step: str, start_on: dt.date, end_on: dt.date) -> Wording:
    """The notice a branch posts (公示): who, why, the period, and how to report a concern."""
    subject, sentence = PUBLICITY_SUBJECTS[step]
    who = people([p.name for p in persons])
    single = persons[0] if len(persons) == 1 else None
    about = f"（{_publicity_detail(step, single)}）" if single else ""
    return Wording(
        title=f"关于{who}{subject}的公示",
        body=[
            sentence.format(who=f"{who}{about}") + "，现予以公示。" + ("名单如下：" if not single else ""),
        ],
        closing=[
            f"公示时间：{cn_date(start_on)}至{cn_date(end_on)}。",
            "公示期间，党员和群众可通过来信、来电、来访等方式向党支部反映公示对象的有关情况和问题。"
            "反映情况要实事求是，以个人名义反映的应提供真实姓名和联系方式，党支部将严格保密。",
            "特此公示。",
        ],
        decisions=[("公示", _publicity_detail(step, p)) for p in persons],
        show_table=single is None,
    )
