"""The demo county's ~50 cases as data: which branch, how far each got, and the side outcomes,
warnings and returned reports that make every state of the product visible in the demo."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class CaseSpec:
    branch: str
    until: str  # the last step done (or the step the side outcome follows)
    kind: str = "progress"
    ago: int = 20  # days between `until` (or the outcome) and today
    reason: str = ""
    warning_reason: str = ""
    submit: bool = True  # submit the next committee step, if the case waits for one
    forward: bool = True  # under a reviewer: forward the submission to the committee
    extra: dict = field(default_factory=dict)


S = CaseSpec
CASES: tuple[CaseSpec, ...] = (
    # One case standing after each of steps 1–24: together every step is next for someone. Some
    # (and some below) stand long enough to be overdue at each kind of deadline: the desk's red
    # marks and the bell's reminders. Only `ago` places them; every date comes from the one table
    # (cases/rules/deadlines.py).
    S("cd2", "application", ago=45),  # overdue: 谈话 (W01, a month after the application)
    S("lsw1", "initial_talk", ago=12),
    S("cd1", "activist_selection", ago=9, forward=False),
    S("cg1", "activist_filing", ago=3),
    S("hk1", "contacts_assigned", ago=125),  # overdue: 第1次思想汇报 (quarterly)
    S("lsw2", "activist_cultivation", ago=60),
    S("lsw1", "target_selection", ago=7, forward=False),
    S("cg2", "target_filing", ago=4),
    S("cd1", "introducers_assigned", ago=8),
    S("hk1", "political_review", ago=5),
    S("cg3", "intensive_training", ago=3),
    S("lsw1", "branch_committee_review", ago=5),
    S("cg1", "pre_review", ago=3),
    S("cd2", "application_form", ago=4),
    S("hk1", "admission_meeting", ago=6),
    S("cg2", "committee_talk", ago=110),  # overdue: 党委会审批 (W03, three months)
    S("lsw1", "admission_approval", ago=4),
    S("cd1", "admission_filing", ago=2),
    S("hk1", "group_placement", ago=45),  # overdue: 入党宣誓 (W05, a month)
    S("cg1", "oath", ago=40),
    S("lsw2", "probation_education", ago=270),  # overdue: 转正申请 (预备期满)
    S("cg3", "conversion_application", ago=5),
    S("cd1", "conversion_meeting", ago=6),
    S("hk1", "conversion_approval", ago=30),  # overdue: 材料归档 (a week)
    # 已归档, 2022–2024 applications.
    S("cg1", "archiving", ago=500),
    S("hk1", "archiving", ago=380),
    S("lsw1", "archiving", ago=300),
    S("cd1", "archiving", ago=200),
    S("cg2", "archiving", ago=90),
    # More people in progress, so lists and queues look like a real county.
    S("cg1", "activist_cultivation", ago=150),
    S("cg1", "activist_selection", ago=15),
    S("hk1", "target_selection", ago=10),
    S("lsw1", "contacts_assigned", ago=215),  # overdue: 第1次考察 (half-yearly)
    S("cd2", "initial_talk", ago=40),
    S("cg2", "branch_committee_review", ago=6),
    S("hk1", "conversion_meeting", ago=9),
    S("lsw1", "committee_talk", ago=168),  # overdue (W03), days before the hard limit (E12)
    S("cd1", "application", ago=3),
    S("cg3", "initial_talk", ago=20),
    # Side outcomes, with reasons in the words branches use.
    S(
        "cg3",
        "initial_talk",
        "withdrawn",
        ago=30,
        reason="本人书面申请撤回入党申请：近期将赴外地求学，表示将继续加强理论学习、积极向党组织靠拢，待条件成熟后重新申请。",
    ),
    S(
        "hk1",
        "contacts_assigned",
        "withdrawn",
        ago=90,
        reason="本人因家庭原因长期在外，无法参加组织生活和培养教育，书面提出撤回入党申请，经支委会研究同意。",
    ),
    S(
        "lsw1",
        "activist_cultivation",
        "deactivated",
        ago=70,
        reason="培养考察期间连续两个季度未按时递交思想汇报，无故缺席集中学习三次，经培养联系人谈话提醒仍无改进，"
        "经支委会研究，不再列为入党积极分子。",
    ),
    S(
        "cd1",
        "political_review",
        "deactivated",
        ago=25,
        reason="群众反映其经营活动中存在拖欠务工人员工资问题，经党总支调查核实属实，经支委会研究，"
        "不再列为发展对象，继续教育培养。",
    ),
    S(
        "hk1",
        "application_form",
        "rejected_by_branch",
        ago=30,
        reason="支部党员大会讨论表决，赞成票未超过应到会有表决权党员的半数，未能接收为预备党员；"
        "支部已向本人反馈意见，继续作为入党积极分子培养。",
    ),
    S(
        "lsw1",
        "committee_talk",
        "rejected_by_committee",
        ago=20,
        reason="经党委会审议，该同志在土地流转工作中群众反映作风不实，经核实部分属实，不予批准接收为预备党员，"
        "退回党支部继续教育培养。",
    ),
    S(
        "hk1",
        "conversion_application",
        "extended",
        ago=60,
        reason="预备期内参加组织生活不够经常，思想汇报不够及时，联系群众不够紧密，需要继续接受教育考察，"
        "经支部大会讨论，延长预备期六个月。",
    ),
    S(
        "lsw1",
        "conversion_application",
        "cancelled",
        ago=40,
        reason="预备期间多次无故不参加党的组织生活，不按规定交纳党费，经教育仍无明显改进，不履行党员义务，"
        "不具备党员条件，经支部大会讨论，取消预备党员资格。",
    ),
    S(
        "cg1",
        "activist_cultivation",
        "transferred",
        ago=45,
        reason="本人工作调动至河口镇人民政府，组织关系随之转接，入党积极分子培养教育考察材料一并转交，"
        "培养教育时间连续计算。",
        extra={"to": "hk1"},
    ),
    # Warnings that went through with a recorded reason (记录说明).
    S(
        "lsw2",
        "political_review",
        "late_talk",
        ago=15,
        warning_reason="申请人常年在外务工，春节返乡后由支部书记当面谈话，已向本人说明情况。",
    ),
    S(
        "cg2",
        "activist_cultivation",
        "league_without_recommendation",
        ago=50,
        warning_reason="该同志系学校团支部团员，团组织推优材料因团支部换届未及时出具，已于会后补报，情况属实。",
    ),
    S(
        "cd1",
        "admission_approval",
        "leaving_unit",
        ago=12,
        warning_reason="该同志为社区专职网格员，聘用合同到期后续聘在本社区工作，岗位调整不影响考察，"
        "经党总支审议、镇党委研究，按程序继续办理。",
    ),
    # A report returned to the branch with a reason it can see.
    S(
        "cd2",
        "branch_committee_review",
        "returned",
        ago=10,
        reason="预审退回：政治审查材料缺少对本人直系亲属的函调证明，请补齐后重新报送。",
    ),
    # … and one the 村党委 (the reviewer) sent back before it reached the committee.
    S(
        "lsw2",
        "activist_selection",
        "returned",
        ago=12,
        reason="村党委审议退回：支委会会议记录未写明党员推荐和群团组织推优情况，请补充后重新报送备案。",
        extra={"report": "activist_filing", "by": "reviewer"},
    ),
)
