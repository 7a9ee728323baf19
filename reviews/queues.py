"""The desk's queues as data: who works each one, what it decides and which letter answers it."""

from dataclasses import dataclass

from branches.models import Role


class Action:
    ACKNOWLEDGE = "acknowledge"  # 备案 (2026 发展对象: 同意)
    PASS = "pass"  # 预审合格
    TALK = "talk"  # 上级党委派人谈话
    APPROVE = "approve"  # 党委会审批
    RETURN = "return"  # 退回党支部
    FORWARD = "forward"  # 党总支/村党委 审议同意并上报
    FILE = "file"  # 组织部门备案（第18步）


ACTION_LABELS = {
    Action.ACKNOWLEDGE: "同意备案",
    Action.PASS: "预审合格",
    Action.TALK: "登记党委谈话",
    Action.APPROVE: "党委会审批通过",
    Action.RETURN: "退回党支部",
    Action.FORWARD: "审议同意并上报",
    Action.FILE: "予以备案",
}

# The step each action performs through cases.services.perform_step (None: not a step).
ACTION_STEP = {
    Action.TALK: "committee_talk",
    Action.FORWARD: None,
    Action.RETURN: None,
}


@dataclass(frozen=True)
class Queue:
    slug: str
    title: str
    role: Role
    step: str | None  # the submission kind it holds (None: every kind, for the 审议 queue)
    actions: tuple[str, ...]
    help: str
    uses_meeting: bool = False  # decided at a 党委会 with a vote per person
    by_case: bool = False  # items are cases (no submission): the department's filing queue

    def step_for(self, action: str) -> str | None:
        if action in ACTION_STEP:
            return ACTION_STEP[action]
        return self.step


QUEUES: tuple[Queue, ...] = (
    Queue(
        "activist_filing",
        "积极分子备案",
        Role.COMMITTEE_OFFICER,
        "activist_filing",
        (Action.ACKNOWLEDGE, Action.RETURN),
        "党支部确定的入党积极分子报上级党委备案（细则第八条）。同意备案后向党支部发出备案回执。",
    ),
    Queue(
        "target_filing",
        "发展对象备案",
        Role.COMMITTEE_OFFICER,
        "target_filing",
        (Action.ACKNOWLEDGE, Action.RETURN),
        "发展对象报上级党委备案（细则第十三条）。2026年细则：上级党委同意后，由党支部公示不少于五个工作日，"
        "公示结果不影响发展入党的，方可列为发展对象。",
    ),
    Queue(
        "pre_review",
        "预审",
        Role.COMMITTEE_OFFICER,
        "pre_review",
        (Action.PASS, Action.RETURN),
        "对发展对象的条件、培养教育情况等进行审查；预审合格的发放《入党志愿书》，并向党支部发出预审意见。",
    ),
    Queue(
        "admission_approval",
        "接收审批",
        Role.COMMITTEE_OFFICER,
        "admission_approval",
        (Action.TALK, Action.APPROVE, Action.RETURN),
        "审批前须由党委委员或组织员同发展对象谈话；党委会逐个审议表决。应在支部大会通过后三个月内审批（W03），"
        "最长不超过六个月（E12）。",
        uses_meeting=True,
    ),
    Queue(
        "conversion_approval",
        "转正审批",
        Role.COMMITTEE_OFFICER,
        "conversion_approval",
        (Action.APPROVE, Action.RETURN),
        "审批党支部关于按期转正、延长预备期或取消预备党员资格的决议，应在三个月内审批（W03）。",
        uses_meeting=True,
    ),
    Queue(
        "review",
        "审议",
        Role.REVIEWER,
        None,
        (Action.FORWARD, Action.RETURN),
        "党总支、村（社区）党委对所属党支部的报送进行审议，同意的报上级党委，不同意的退回并说明理由。",
    ),
    Queue(
        "admission_filing",
        "预备党员备案",
        Role.DEPARTMENT_AUDITOR,
        "admission_filing",
        (Action.FILE,),
        "基层党委审批的预备党员，报上级党委组织部门备案（细则第二十六条/2026第二十五条）。",
        by_case=True,
    ),
)

BY_SLUG: dict[str, Queue] = {q.slug: q for q in QUEUES}
