"""Demo county for `manage.py seed_demo`, and benchmark fixture data for `seed_demo --cases N`.

Two very different writers live here:

* `build_demo()` builds a small, realistic county — 县委组织部, two 乡镇党委, a 党总支, a 村党委,
  eight 党支部 with rosters, users for every role — and about fifty cases that go through the real
  write path (cases.services via cases.journey.advance), so every record, submission, event,
  warning reason and history row is exactly what the product itself would write.
* `BulkGenerator` writes N more cases directly with bulk_create, for benchmarks. The rows are
  consistent (summary columns computed by the same functions refresh_summary uses, hash-chained
  events computed with CaseEvent.compute_hash), but nothing goes through the services, and only
  Person and Case get simple-history rows.
"""

import datetime as dt
import random
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from branches.models import (
    COMMITTEE_THRESHOLD,
    MemberStatus,
    Organization,
    OrgKind,
    PartyMember,
    Role,
    Sanction,
)
from branches.permissions import role_grants
from branches.selectors import approving_committee, review_chain
from branches.services import create_organization, grant_role
from cases import idcard, journey, progress, services, steps, workdays
from cases.bulk_rows import RowWriter
from cases.dates import add_months, add_years
from cases.facts import RuleContext, rule_set_on, rule_settings
from cases.journey import Crew
from cases.models import (
    Case,
    CaseEvent,
    Education,
    EventSource,
    Meeting,
    Outcome,
    Person,
    Publicity,
    Stage,
    StepRecord,
    StepRecordPerson,
    Submission,
    SubmissionStatus,
    Vote,
)
from cases.rules import CaseFacts, PublicityFacts
from cases.services.errors import StepBlocked
from cases.services.lifecycle import name_initials
from cases.services.summary import summarize

DEMO_PASSWORD = "demo12345"
DEPARTMENT_CODE = "QX-ZZB"
SEED = 19210723  # fixed: the demo is the same county every time
DEMO_REGION = "339901"  # 公民身份号码 region of demo people (fictional 青溪县)
FIRST_APPLICATION = dt.date(2022, 1, 1)

# ---- the county ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class OrgSpec:
    key: str
    name: str
    short_name: str
    code: str
    kind: str
    parent: str | None = None
    can_approve: bool = False
    letter_prefix: str = ""
    full: int = 0  # roster: full members (branches only)
    probationary: int = 0
    workplaces: tuple[str, ...] = ()
    education: tuple[str, ...] = ()  # weighted pool


K = OrgKind
E = Education
ORGS: tuple[OrgSpec, ...] = (
    OrgSpec("dept", "中共青溪县委组织部", "县委组织部", DEPARTMENT_CODE, K.DEPARTMENT),
    OrgSpec("cg", "中共城关镇委员会", "城关镇党委", "QX-CG", K.COMMITTEE, "dept", True, "城组"),
    OrgSpec("hk", "中共河口镇委员会", "河口镇党委", "QX-HK", K.COMMITTEE, "dept", True, "河组"),
    OrgSpec("cd", "中共城关镇城东社区总支部委员会", "城东社区党总支", "QX-CG-CD", K.GENERAL_BRANCH, "cg"),
    OrgSpec("lsw", "中共河口镇柳树湾村委员会", "柳树湾村党委", "QX-HK-LSW", K.VILLAGE_COMMITTEE, "hk"),
    OrgSpec(
        "cg1",
        "城关镇机关党支部",
        "城关机关",
        "QX-CG-01",
        K.BRANCH,
        "cg",
        full=18,
        probationary=2,
        workplaces=(
            "城关镇人民政府党政综合办公室科员",
            "城关镇农业农村综合服务中心技术员",
            "城关镇便民服务中心工作人员",
            "城关镇财政所会计",
            "城关镇综合行政执法队队员",
            "城关镇退役军人服务站工作人员",
        ),
        education=(E.BACHELOR,) * 5 + (E.COLLEGE,) * 2 + (E.POSTGRADUATE,),
    ),
    OrgSpec(
        "cg2",
        "城关镇中心小学党支部",
        "中心小学",
        "QX-CG-02",
        K.BRANCH,
        "cg",
        full=9,
        probationary=1,
        workplaces=(
            "城关镇中心小学语文教师",
            "城关镇中心小学数学教师",
            "城关镇中心小学少先队辅导员",
            "城关镇中心小学体育教师",
        ),
        education=(E.BACHELOR,) * 4 + (E.COLLEGE, E.POSTGRADUATE),
    ),
    OrgSpec(
        "cg3",
        "青溪县绿源食品有限公司党支部",
        "绿源食品",
        "QX-CG-03",
        K.BRANCH,
        "cg",
        full=4,
        probationary=1,
        workplaces=(
            "青溪县绿源食品有限公司生产车间班组长",
            "青溪县绿源食品有限公司质检员",
            "青溪县绿源食品有限公司销售主管",
            "青溪县绿源食品有限公司包装车间工人",
        ),
        education=(E.SENIOR,) * 3 + (E.COLLEGE,) * 2 + (E.JUNIOR, E.BACHELOR),
    ),
    OrgSpec(
        "cd1",
        "城东社区第一党支部",
        "城东一支部",
        "QX-CG-CD-01",
        K.BRANCH,
        "cd",
        full=12,
        probationary=1,
        workplaces=(
            "城东社区居委会专职网格员",
            "城东社区个体工商户",
            "城东社区卫生服务站医生",
            "城东社区居民（退役军人）",
            "城东社区居委会委员",
        ),
        education=(E.SENIOR,) * 2 + (E.COLLEGE,) * 2 + (E.BACHELOR,) * 2 + (E.JUNIOR,),
    ),
    OrgSpec(
        "cd2",
        "城东社区物业快递联合党支部",
        "城东物业快递",
        "QX-CG-CD-02",
        K.BRANCH,
        "cd",
        full=5,
        probationary=1,
        workplaces=(
            "城东物业服务有限公司项目主管",
            "城东物业服务有限公司维修工",
            "顺达快递城东网点快递员",
            "城东片区外卖骑手站站长",
        ),
        education=(E.SENIOR,) * 3 + (E.JUNIOR,) * 2 + (E.COLLEGE,) * 2,
    ),
    OrgSpec(
        "hk1",
        "河口镇机关党支部",
        "河口机关",
        "QX-HK-01",
        K.BRANCH,
        "hk",
        full=25,
        probationary=3,
        workplaces=(
            "河口镇人民政府乡村振兴工作站干事",
            "河口镇卫生院护士",
            "河口镇人民政府选调生",
            "河口镇综合文化站干事",
            "河口镇人民政府党建办科员",
        ),
        education=(E.BACHELOR,) * 5 + (E.COLLEGE,) * 2 + (E.POSTGRADUATE,),
    ),
    OrgSpec(
        "lsw1",
        "柳树湾村第一党支部",
        "柳树湾一支部",
        "QX-HK-LSW-01",
        K.BRANCH,
        "lsw",
        full=15,
        probationary=2,
        workplaces=(
            "柳树湾村村民委员会委员",
            "柳树湾村种粮大户",
            "柳树湾村返乡创业青年（农村电商）",
            "柳树湾村村级后备干部",
            "柳树湾村退役军人",
            "柳树湾村养殖户",
        ),
        education=(E.JUNIOR,) * 3 + (E.SENIOR,) * 3 + (E.COLLEGE,) * 2 + (E.BACHELOR, E.PRIMARY),
    ),
    OrgSpec(
        "lsw2",
        "柳树湾村种养专业合作社党支部",
        "柳树湾合作社",
        "QX-HK-LSW-02",
        K.BRANCH,
        "lsw",
        full=3,
        probationary=1,
        workplaces=(
            "柳树湾村种养专业合作社社员",
            "柳树湾村种养专业合作社技术员",
            "柳树湾村种养专业合作社理事",
        ),
        education=(E.JUNIOR,) * 3 + (E.SENIOR,) * 2 + (E.PRIMARY,),
    ),
    OrgSpec("cg1-g1", "城关镇机关党支部第一党小组", "机关一组", "QX-CG-01-G1", K.GROUP, "cg1"),
    OrgSpec("cg1-g2", "城关镇机关党支部第二党小组", "机关二组", "QX-CG-01-G2", K.GROUP, "cg1"),
    OrgSpec("hk1-g1", "河口镇机关党支部第一党小组", "河口一组", "QX-HK-01-G1", K.GROUP, "hk1"),
    OrgSpec("lsw1-g1", "柳树湾村第一党支部第一党小组", "柳树湾一组", "QX-HK-LSW-01-G1", K.GROUP, "lsw1"),
    OrgSpec("lsw1-g2", "柳树湾村第一党支部第二党小组", "柳树湾二组", "QX-HK-LSW-01-G2", K.GROUP, "lsw1"),
)
ORG_BY_KEY = {spec.key: spec for spec in ORGS}
BRANCH_KEYS = tuple(spec.key for spec in ORGS if spec.kind == OrgKind.BRANCH)


@dataclass(frozen=True)
class UserSpec:
    username: str
    name: str  # shown in the UI (first_name)
    role: Role | None  # None: the superuser
    org: str | None


USERS: tuple[UserSpec, ...] = (
    UserSpec("admin", "系统管理员", None, None),
    UserSpec("bu_zuzhibu", "吴建华", Role.DEPARTMENT_AUDITOR, "dept"),
    UserSpec("zuzhi_chengguan", "孙丽萍", Role.COMMITTEE_OFFICER, "cg"),
    UserSpec("zuzhi_hekou", "周志强", Role.COMMITTEE_OFFICER, "hk"),
    UserSpec("shenyi_zongzhi", "钱玉兰", Role.REVIEWER, "cd"),
    UserSpec("shenyi_cundangwei", "郑国平", Role.REVIEWER, "lsw"),
    UserSpec("shuji_chengguan1", "李卫东", Role.BRANCH_SECRETARY, "cg1"),
    UserSpec("shuji_chengguan2", "王晓燕", Role.BRANCH_SECRETARY, "cg2"),
    UserSpec("shuji_chengguan3", "陈海波", Role.BRANCH_SECRETARY, "cg3"),
    UserSpec("shuji_chengdong1", "赵秀梅", Role.BRANCH_SECRETARY, "cd1"),
    UserSpec("shuji_chengdong2", "刘建军", Role.BRANCH_SECRETARY, "cd2"),
    UserSpec("shuji_hekou1", "黄志刚", Role.BRANCH_SECRETARY, "hk1"),
    UserSpec("shuji_liushuwan1", "杨树林", Role.BRANCH_SECRETARY, "lsw1"),
    UserSpec("shuji_liushuwan2", "马春生", Role.BRANCH_SECRETARY, "lsw2"),
)
SECRETARY_OF = {u.org: u.username for u in USERS if u.role == Role.BRANCH_SECRETARY}
OFFICER_OF = {u.org: u.username for u in USERS if u.role == Role.COMMITTEE_OFFICER}
REVIEWER_OF = {u.org: u.username for u in USERS if u.role == Role.REVIEWER}
AUDITOR = "bu_zuzhibu"

# Members under sanction, appended after the rest of the full members (so the journey's first two
# full members, who become contacts and introducers, are never among them).
SANCTIONS = (
    ("cg1", Sanction.WARNING, None),
    ("hk1", Sanction.PROBATION_IN_PARTY, 400),  # 留党察看 until ~400 days from today: no introducer
    ("lsw1", Sanction.WARNING, None),
    ("cd1", Sanction.SERIOUS_WARNING, None),
)

# ---- names --------------------------------------------------------------------------------------


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


SURNAMES = (
    "王王王李李李张张张刘刘陈陈杨杨黄赵赵吴周周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董"
    "袁潘蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏付方白邹孟熊秦邱江尹薛段雷侯龙史陶"
    "贺顾毛郝龚邵万钱严武戴孔汤"
)
MALE_GIVEN = _words(
    "伟 强 磊 军 勇 杰 涛 明 超 刚 平 辉 鹏 华 飞 斌 宇 浩 凯 健 "
    "俊 帆 旭 宁 峰 亮 波 毅 林 龙 建国 建华 建军 志强 志刚 志远 "
    "国庆 国华 卫东 德明 春生 海峰 明辉 俊杰 浩然 宇航 一鸣 博文 天宇 "
    "子轩 振华 晓东 永刚 立新 新民 家豪 晨阳 嘉豪 思远 梓豪 文博 鑫 "
    "磊磊 成龙 兴旺 满仓 铁柱 "
)
FEMALE_GIVEN = _words(
    "芳 娜 敏 静 丽 艳 娟 秀 霞 玲 琳 晶 欣 颖 倩 婷 雪 慧 燕 红 "
    "萍 梅 兰 洁 丹 莉 薇 秀英 秀兰 玉兰 桂英 丽娟 晓燕 海燕 春梅 "
    "红梅 文静 思雨 梓萱 欣怡 佳怡 雅婷 雨涵 若曦 晨曦 嘉怡 子涵 诗琪 "
    "梦瑶 秋菊 冬梅 美玲 小红 丽华 凤英 春燕 晓丽 "
)
ETHNICITIES = ("汉族",) * 30 + ("回族", "土家族", "苗族", "满族")


class Names:
    """Deterministic Chinese names; unique within the demo, repeatable with the same seed."""

    def __init__(self, rng: random.Random, unique: bool = True):
        self.rng, self.unique, self.used = rng, unique, set()

    def make(self, gender: str) -> str:
        pool = MALE_GIVEN if gender == "M" else FEMALE_GIVEN
        for _ in range(200):
            candidate = self.rng.choice(SURNAMES) + self.rng.choice(pool)
            if not self.unique or candidate not in self.used:
                self.used.add(candidate)
                return candidate
        raise RuntimeError("names exhausted")


@lru_cache(maxsize=65536)
def _initials(name: str) -> str:
    return name_initials(name)


# ---- dates: the journey's plan, without the database -------------------------------------------


@dataclass
class Plan:
    dates: dict[str, dt.date]
    probation_end: dt.date | None
    publicity: tuple[dt.date, dt.date] | None


def plan_journey(
    applied_on: dt.date,
    effective_2026: dt.date,
    calendar: workdays.WorkdayCalendar,
    gaps: dict[str, int] | None = None,
) -> Plan:
    """Every step's date as cases.journey.planned_date would choose it (same GAP_DAYS, same 公示),
    or with `gaps` overriding some of the gaps (bulk data jitters them within the rules)."""
    gaps = gaps or {}
    dates: dict[str, dt.date] = {}
    probation_end = publicity = None
    for step in steps.STEPS:
        code = step.code
        if code == "application":
            day = applied_on
        else:
            base = max(dates[r] for r in step.requires)
            if code == "target_selection":
                day = add_months(dates["activist_selection"], 12) + dt.timedelta(days=gaps.get(code, 5))
            elif code == "conversion_application":
                day = max(base, probation_end - dt.timedelta(days=gaps.get(code, 15)))
            elif code == "conversion_meeting":
                day = probation_end + dt.timedelta(days=gaps.get(code, 3))
            else:
                day = base + dt.timedelta(days=gaps.get(code, journey.GAP_DAYS.get(code, 7)))
        if publicity and step.number > 8:
            day = max(day, publicity[1] + dt.timedelta(days=1))
        dates[code] = day
        if code == "admission_meeting":
            probation_end = add_years(day, 1)
        if code == "target_filing" and day >= effective_2026:
            start = day + dt.timedelta(days=1)
            publicity = (start, calendar.add(start, 5))
    return Plan(dates, probation_end, publicity)


def applied_on_for(
    code: str, done_by: dt.date, effective_2026, calendar, gaps=None, earliest=FIRST_APPLICATION
) -> dt.date:
    """The latest application date whose planned `code` step falls on or before `done_by`."""
    reference = done_by - dt.timedelta(days=1100)
    offset = plan_journey(reference, effective_2026, calendar, gaps).dates[code] - reference
    applied = done_by - offset
    while plan_journey(applied, effective_2026, calendar, gaps).dates[code] > done_by:
        applied -= dt.timedelta(days=3)
    return max(applied, earliest)


# ---- the demo cases -----------------------------------------------------------------------------


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
    # One case standing after each of steps 1–24: together every step is next for someone.
    S("cd2", "application", ago=6),
    S("lsw1", "initial_talk", ago=12),
    S("cd1", "activist_selection", ago=9, forward=False),
    S("cg1", "activist_filing", ago=3),
    S("hk1", "contacts_assigned", ago=30),
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
    S("cg2", "committee_talk", ago=5),
    S("lsw1", "admission_approval", ago=4),
    S("cd1", "admission_filing", ago=2),
    S("hk1", "group_placement", ago=4),
    S("cg1", "oath", ago=40),
    S("lsw2", "probation_education", ago=60),
    S("cg3", "conversion_application", ago=5),
    S("cd1", "conversion_meeting", ago=6),
    S("hk1", "conversion_approval", ago=5),
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
    S("lsw1", "contacts_assigned", ago=45),
    S("cd2", "initial_talk", ago=40),
    S("cg2", "branch_committee_review", ago=6),
    S("hk1", "conversion_meeting", ago=9),
    S("lsw1", "committee_talk", ago=8),
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
)


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table() -> str:
    """The demo accounts with their roles and organizations, read back from the database."""
    User = get_user_model()
    rows = [("用户名", "密码", "角色", "组织", "姓名")]
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            continue
        grants = role_grants(user)
        if user.is_superuser:
            role, org = "系统管理员", "全部（管理后台）"
        else:
            role = "、".join(dict.fromkeys(g.role.label for g in grants)) or "（无角色）"
            org = "、".join(g.org.name for g in grants)
        rows.append((user.username, DEMO_PASSWORD, role, org, user.first_name))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def demo_exists() -> bool:
    return Organization.objects.filter(code=DEPARTMENT_CODE).exists()


class DemoBuilder:
    def __init__(self, log=print):
        self.log = log
        self.rng = random.Random(SEED)
        self.names = Names(self.rng)
        self.today = timezone.localdate()
        self.orgs: dict[str, Organization] = {}
        self.users: dict[str, object] = {}
        self.id_seq = 0
        self.spec_of: dict[int, CaseSpec] = {}

    # -- structure --

    def build_structure(self) -> None:
        User = get_user_model()
        for spec in ORGS:
            self.orgs[spec.key] = create_organization(
                name=spec.name,
                code=spec.code,
                kind=spec.kind,
                parent=self.orgs[spec.parent] if spec.parent else None,
                can_approve=spec.can_approve,
                short_name=spec.short_name,
                letter_prefix=spec.letter_prefix,
            )
        hashed = make_password(DEMO_PASSWORD)  # PBKDF2 once, not once per account
        for spec in USERS:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(username=spec.username, first_name=spec.name, password=hashed)
                user.is_staff = user.is_superuser = spec.role is None
                user.save()
            if spec.role is not None:
                grant_role(user=user, role=spec.role, org=self.orgs[spec.org])
            self.users[spec.username] = user
        secretaries = {u.org: u.name for u in USERS if u.role == Role.BRANCH_SECRETARY}
        sanctions: dict[str, list] = {}
        for key, sanction, days in SANCTIONS:
            sanctions.setdefault(key, []).append((sanction, days))
        for spec in ORGS:
            if spec.kind != OrgKind.BRANCH:
                continue
            branch, rows = self.orgs[spec.key], []
            self.names.used.add(secretaries[spec.key])
            plain = spec.full - 1 - len(sanctions.get(spec.key, []))
            rows.append(PartyMember(branch=branch, name=secretaries[spec.key]))
            rows += [PartyMember(branch=branch, name=self.names.make(self._gender())) for _ in range(plain)]
            for sanction, days in sanctions.get(spec.key, []):
                until = self.today + dt.timedelta(days=days) if days else None
                rows.append(
                    PartyMember(
                        branch=branch, name=self.names.make("M"), sanction=sanction, sanction_until=until
                    )
                )
            rows += [
                PartyMember(
                    branch=branch, name=self.names.make(self._gender()), status=MemberStatus.PROBATIONARY
                )
                for _ in range(spec.probationary)
            ]
            for member in rows:  # one by one: pks in roster order, and a history row each
                member.save()

    def _gender(self) -> str:
        return "F" if self.rng.random() < 0.42 else "M"

    def crew(self, key: str) -> Crew:
        branch = self.orgs[key]
        committee = approving_committee(branch)
        officer_key = next(k for k, o in self.orgs.items() if o.pk == committee.pk)
        reviewers = tuple(
            self.users[REVIEWER_OF[next(k for k, o in self.orgs.items() if o.pk == org.pk)]]
            for org in review_chain(branch)
        )
        return Crew(
            secretary=self.users[SECRETARY_OF[key]],
            officer=self.users[OFFICER_OF[officer_key]],
            auditor=self.users[AUDITOR],
            reviewers=reviewers,
        )

    # -- people --

    def person(
        self, key: str, applied_on: dt.date, *, young: bool = False, league: bool | None = None
    ) -> dict:
        spec = ORG_BY_KEY[key]
        gender = self._gender()
        age = self.rng.randint(20, 27) if young else 18 + int(self.rng.betavariate(1.6, 3.6) * 36)
        age = max(age, 19)
        birth = applied_on - dt.timedelta(days=age * 365 + self.rng.randint(30, 330))
        self.id_seq += 1
        if league is None:
            league = age < 28 and self.rng.random() < 0.6
        return {
            "name": self.names.make(gender),
            "gender": gender,
            "ethnicity": self.rng.choice(ETHNICITIES),
            "birth_date": birth,
            "id_number": idcard.make(DEMO_REGION, birth, self.id_seq, gender),
            "education": self.rng.choice(spec.education),
            "is_league_member": league,
            "is_frontline": key in ("cg3", "cd2", "lsw1", "lsw2") or self.rng.random() < 0.3,
            "phone": "1"
            + self.rng.choice(("38", "39", "58", "59", "87", "35", "36", "80"))
            + f"{self.rng.randint(0, 99999999):08d}",
            "workplace": self.rng.choice(spec.workplaces),
        }

    # -- cases --

    def build_cases(self) -> list[Case]:
        settings_row = rule_settings()
        self.effective = settings_row.rules_2026_effective
        self.calendar = workdays.WorkdayCalendar()
        made = []
        for spec in CASES:
            case = self.build_case(spec)
            self.spec_of[case.pk] = spec
            made.append(case)
        return made

    def _applied(self, code: str, done_by: dt.date, gaps=None) -> dt.date:
        return applied_on_for(code, done_by, self.effective, self.calendar, gaps)

    def drive(self, case: Case, crew: Crew, until: str, warning_reason: str = "", gaps=None) -> Case:
        """advance() up to `until`, but never into the future: stop before a step planned after today."""
        last, done_codes = steps.get(until).number, set(case.records.values_list("step", flat=True))
        plan = plan_journey(case.applied_on, self.effective, self.calendar, gaps)
        safe = None
        for step in steps.STEPS[:last]:
            if step.code not in done_codes and plan.dates[step.code] > self.today:
                break
            safe = step.code
        if safe is None:
            return case
        try:
            return journey.advance(case, crew, until=safe, warning_reason=warning_reason)
        except StepBlocked as exc:  # a date the plan did not foresee lands after today: stop there
            if any(f.code != "E03" for f in exc.findings):
                raise
            case.refresh_from_db()
            return case

    def open(
        self, spec: CaseSpec, applied_on: dt.date, crew: Crew, leaving_unit_on=None, **person_kw
    ) -> Case:
        person = self.person(spec.branch, applied_on, **person_kw)
        league_on = None
        if person["is_league_member"] and spec.kind != "league_without_recommendation":
            league_on = applied_on + dt.timedelta(days=25)
        return services.open_case(
            branch=self.orgs[spec.branch],
            person=person,
            applied_on=applied_on,
            actor=crew.secretary,
            league_recommended_on=league_on,
            leaving_unit_on=leaving_unit_on,
            note="本人递交入党申请书，字迹工整，内容完整。",
        )

    def build_case(self, spec: CaseSpec) -> Case:
        crew = self.crew(spec.branch)
        done_by = self.today - dt.timedelta(days=spec.ago)
        kind = spec.kind
        if kind == "progress":
            case = self.open(spec, self._applied(spec.until, done_by), crew)
            return self.drive(case, crew, spec.until)
        if kind in ("withdrawn", "deactivated", "rejected_by_branch"):
            applied = self._applied(spec.until, done_by - dt.timedelta(days=20))
            case = self.drive(self.open(spec, applied, crew), crew, spec.until)
            outcome = Outcome.ADMISSION_REJECTED if kind == "rejected_by_branch" else Outcome(kind)
            return services.close_case(
                case=case, outcome=outcome, on=done_by, reason=spec.reason, actor=crew.secretary
            )
        if kind == "rejected_by_committee":
            applied = self._applied(spec.until, done_by - dt.timedelta(days=15))
            case = self.drive(self.open(spec, applied, crew), crew, spec.until)
            submission = Submission.objects.get(case=case, status=SubmissionStatus.PENDING)
            services.return_submission(submission=submission, actor=crew.officer, reason=spec.reason)
            return services.close_case(
                case=case,
                outcome=Outcome.ADMISSION_REJECTED,
                on=done_by,
                reason=spec.reason,
                actor=crew.officer,
            )
        if kind in ("extended", "cancelled"):
            return self.conversion_decision(spec, crew, done_by)
        if kind == "transferred":
            applied = self._applied(spec.until, done_by - dt.timedelta(days=30))
            case = self.drive(self.open(spec, applied, crew), crew, spec.until)
            services.transfer_case(
                case=case,
                to_branch=self.orgs[spec.extra["to"]],
                on=done_by,
                reason=spec.reason,
                actor=crew.secretary,
            )
            return case
        if kind == "late_talk":
            gaps = {"initial_talk": 40}
            applied = self._applied(spec.until, done_by, gaps)
            case = self.open(spec, applied, crew)
            services.perform_step(
                case=case,
                step_code="initial_talk",
                given=services.StepInput(
                    on=applied + dt.timedelta(days=40),
                    data={"talker": crew.secretary.first_name},
                    note="当面谈话，了解入党动机和对党的认识。",
                    warning_reason=spec.warning_reason,
                ),
                actor=crew.secretary,
            )
            return self.drive(case, crew, spec.until, gaps=gaps)
        if kind == "league_without_recommendation":
            case = self.open(spec, self._applied(spec.until, done_by), crew, young=True, league=True)
            return self.drive(case, crew, spec.until, warning_reason=spec.warning_reason)
        if kind == "leaving_unit":
            applied = self._applied(spec.until, done_by)
            plan = plan_journey(applied, self.effective, self.calendar)
            leaving = plan.dates["pre_review"] + dt.timedelta(days=70)
            case = self.open(spec, applied, crew, leaving_unit_on=leaving)
            return self.drive(case, crew, spec.until, warning_reason=spec.warning_reason)
        if kind == "returned":
            case = self.drive(self.open(spec, self._applied(spec.until, done_by), crew), crew, spec.until)
            on = case.records.get(step=spec.until).on + dt.timedelta(days=3)
            submission = services.submit(case=case, step_code="pre_review", on=on, actor=crew.secretary)
            for reviewer in crew.reviewers:
                services.forward(submission=submission, actor=reviewer, opinion="同意上报", on=on)
            services.return_submission(submission=submission, actor=crew.officer, reason=spec.reason)
            return case
        raise ValueError(kind)

    def conversion_decision(self, spec: CaseSpec, crew: Crew, done_by: dt.date) -> Case:
        """支部大会: 延长预备期 (6 months) or 取消预备党员资格, then the committee's approval."""
        approval_gap = 20
        applied = self._applied("conversion_meeting", done_by - dt.timedelta(days=approval_gap))
        case = self.drive(self.open(spec, applied, crew), crew, spec.until)
        meeting_step, approval_step = steps.get("conversion_meeting"), steps.get("conversion_approval")
        on = case.probation_end + dt.timedelta(days=3)
        given = journey._inputs(case, meeting_step, on, crew)
        if spec.kind == "extended":
            given.data = {"resolution": "extend", "extension_months": 6}
        else:
            given.data = {"resolution": "cancel"}
        given.note = spec.reason
        services.perform_step(case=case, step_code="conversion_meeting", given=given, actor=crew.secretary)
        on += dt.timedelta(days=approval_gap)
        journey._submit_and_forward(case, "conversion_approval", on, crew)
        given = journey._inputs(case, approval_step, on, crew)
        services.perform_step(case=case, step_code="conversion_approval", given=given, actor=crew.officer)
        case.refresh_from_db()
        return case

    def submit_pending(self) -> int:
        """Cases waiting for a committee step get their report submitted (some still at the reviewer)."""
        count = 0
        returned_cases = set(
            Submission.objects.filter(status=SubmissionStatus.RETURNED).values_list("case_id", flat=True)
        )
        cases = Case.objects.filter(outcome=Outcome.OPEN, branch__path__startswith=self.orgs["dept"].path)
        for case in cases.select_related("branch").order_by("pk"):
            spec = self.spec_of.get(case.pk)
            if case.pk in returned_cases or not case.next_step or (spec and not spec.submit):
                continue
            facts = {r.step: r.on for r in case.records.filter(is_current=True)}
            for step in steps.STEPS:
                if not step.submitted or step.code in facts or any(r not in facts for r in step.requires):
                    continue
                kind = steps.SUBMISSION_TARGET[step.code]
                if Submission.objects.filter(case=case, step=kind, status=SubmissionStatus.PENDING).exists():
                    continue
                last = max(facts.values())
                key = next(k for k, o in self.orgs.items() if o.pk == case.branch_id)
                crew = self.crew(key)
                on = min(self.today, last + dt.timedelta(days=self.rng.randint(1, 4)))
                submission = services.submit(case=case, step_code=kind, on=on, actor=crew.secretary)
                if spec is None or spec.forward:
                    for reviewer in crew.reviewers:
                        services.forward(
                            submission=submission, actor=reviewer, opinion="经审议，同意上报", on=on
                        )
                count += 1
        return count


@transaction.atomic
def build_demo(log=print) -> DemoBuilder:
    builder = DemoBuilder(log)
    holidays = workdays.seed_from_package(range(2013, 2027))
    log(f"工作日历：新增 {holidays} 条节假日/调休记录（2013–2026）")
    builder.build_structure()
    log(
        f"组织：{len(builder.orgs)} 个，用户：{len(builder.users)} 个，党员：{PartyMember.objects.count()} 名"
    )
    builder.build_cases()
    pending = builder.submit_pending()
    log(f"案例：{Case.objects.count()} 个，待办报送：{pending} 件")
    return builder


def demo_summary() -> str:
    counts = Counter()
    for stage, outcome in Case.objects.values_list("stage", "outcome"):
        counts[Outcome(outcome).label if outcome else Stage(stage).label] += 1
    return "，".join(f"{label} {n}" for label, n in counts.most_common())


# ---- bulk benchmark data ------------------------------------------------------------------------

# Gap ranges (days) that keep bulk cases inside every rule: talk within a month (W01), approvals
# within three months (W03), oath within a month of approval (W05), meeting within a month of the
# pre-review (W04), target at least a year after activist (E04), conversion after probation (E10).
JITTER = {
    "initial_talk": (5, 28),
    "activist_selection": (20, 200),
    "activist_filing": (5, 20),
    "contacts_assigned": (1, 10),
    "activist_cultivation": (150, 200),
    "target_selection": (3, 120),
    "target_filing": (5, 20),
    "introducers_assigned": (3, 10),
    "political_review": (10, 40),
    "intensive_training": (15, 45),
    "branch_committee_review": (3, 15),
    "pre_review": (5, 15),
    "application_form": (2, 8),
    "admission_meeting": (5, 15),
    "committee_talk": (5, 25),
    "admission_approval": (7, 35),
    "admission_filing": (3, 15),
    "group_placement": (1, 7),
    "oath": (3, 20),
    "probation_education": (60, 120),
    "conversion_application": (5, 30),
    "conversion_meeting": (1, 20),
    "conversion_approval": (7, 40),
    "archiving": (5, 30),
}
BULK_REGIONS = tuple(f"3399{n:02d}" for n in range(10, 100))
WITHDRAW_REASONS = (
    "本人书面申请撤回入党申请，表示将继续加强学习，待条件成熟后重新申请。",
    "本人外出务工，长期无法参加组织生活，书面提出撤回入党申请。",
)
DEACTIVATE_REASONS = (
    "培养考察期间未按时递交思想汇报，无故缺席集中学习，经支委会研究，不再列为培养对象。",
    "群众反映问题经核实属实，经支委会研究，不再列为培养对象，继续教育培养。",
)
BULK_NOTE = "性能测试数据（seed_demo --cases 批量生成，未经业务写入路径）"


class _EventRow:
    """Just enough of a CaseEvent to run CaseEvent's own payload/compute_hash on it."""

    __slots__ = (
        "case_id",
        "kind",
        "step",
        "summary",
        "occurred_on",
        "actor_id",
        "role",
        "org_id",
        "ip",
        "source",
        "warnings",
        "note",
        "prev_hash",
        "hash",
        "created_at",
    )
    payload = CaseEvent.payload
    compute_hash = CaseEvent.compute_hash

    def row(self) -> dict:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass
class _Planned:
    branch: Organization
    person: dict
    done: dict[str, dt.date]
    probation_end: dt.date | None
    publicity: tuple[dt.date, dt.date] | None
    outcome: str = ""
    outcome_on: dt.date | None = None
    outcome_reason: str = ""
    submission: str = ""
    submitted_on: dt.date | None = None
    forwarded: bool = False
    case_id: int = 0


class BulkGenerator:
    """Benchmark fixture data written directly (COPY / bulk_create), not through the write path.

    Consistent with what the services would have written: summary columns from the same
    functions refresh_summary uses, StepRecords with their meetings, votes, people, 公示 and pending
    reports, and hash-chained CaseEvents (CaseEvent.compute_hash). Person and Case get one
    simple-history row each ("+", change reason BULK_NOTE); StepRecord, Meeting, Vote, Publicity and
    Submission get none."""

    def __init__(self, seed: int = SEED + 1, batch_size: int = 2000, log=print):
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.log = log
        self.today = timezone.localdate()
        self.rules = RuleContext.current(self.today)
        self.settings_row = self.rules.settings_row
        self.effective = self.settings_row.rules_2026_effective
        self.calendar = workdays.WorkdayCalendar()
        self.names = Names(self.rng, unique=False)
        self.meetings: dict[tuple, dict] = {}
        self.writer = RowWriter()
        self._load_county()

    def _load_county(self) -> None:
        User = get_user_model()
        dept = Organization.objects.get(code=DEPARTMENT_CODE)
        self.dept = dept
        by_code = {o.code: o for o in Organization.objects.filter(path__startswith=dept.path)}
        self.org = {spec.key: by_code[spec.code] for spec in ORGS}
        key_of = {o.pk: key for key, o in self.org.items()}
        self.user = {u.username: u for u in User.objects.filter(username__in=[s.username for s in USERS])}
        self.branches = [self.org[k] for k in BRANCH_KEYS]
        self.weights = [ORG_BY_KEY[k].full + 4 for k in BRANCH_KEYS]
        self.info = {}
        for key in BRANCH_KEYS:
            branch = self.org[key]
            roster = list(
                PartyMember.objects.filter(branch=branch, status=MemberStatus.FULL, active=True).order_by(
                    "pk"
                )
            )
            committee = approving_committee(branch)
            chain = review_chain(branch)
            groups = list(
                Organization.objects.filter(parent=branch, kind=OrgKind.GROUP).values_list(
                    "short_name", flat=True
                )
            )
            self.info[branch.pk] = {
                "key": key,
                "full": [m for m in roster if not m.is_under_party_probation(self.today)],
                "full_count": len(roster),
                "has_committee": len(roster) >= COMMITTEE_THRESHOLD,
                "committee": committee,
                "chain": chain,
                "route": chain + [committee],
                "groups": groups or ["第一党小组"],
                "secretary": self.user[SECRETARY_OF[key]],
                "officer": self.user[OFFICER_OF[key_of[committee.pk]]],
                "reviewers": [self.user[REVIEWER_OF[key_of[org.pk]]] for org in chain],
            }
        self.auditor = self.user[AUDITOR]
        self.admin = self.user.get("admin")
        self.used_ids = set(
            Person.objects.filter(id_number__startswith="3399").values_list("id_number", flat=True)
        )

    # -- planning one case, in memory --

    def _id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            number = idcard.make(self.rng.choice(BULK_REGIONS), birth, self.rng.randrange(500), gender)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def _plan(self) -> _Planned:
        rng = self.rng
        branch = rng.choices(self.branches, self.weights)[0]
        info = self.info[branch.pk]
        spec = ORG_BY_KEY[info["key"]]
        latest = self.today - dt.timedelta(days=3)
        applied = FIRST_APPLICATION + dt.timedelta(days=rng.randrange((latest - FIRST_APPLICATION).days + 1))
        gender = "F" if rng.random() < 0.42 else "M"
        age = 18 + int(rng.betavariate(1.6, 3.6) * 36)
        birth = applied - dt.timedelta(days=age * 365 + rng.randint(20, 340))
        league = age < 28 and rng.random() < 0.55
        name = self.names.make(gender)
        person = {
            "name": name,
            "name_initials": _initials(name),
            "gender": gender,
            "ethnicity": rng.choice(ETHNICITIES),
            "birth_date": birth,
            "id_number": self._id_number(birth, gender),
            "education": rng.choice(spec.education),
            "is_league_member": league,
            "is_frontline": rng.random() < 0.5,
            "phone": "1"
            + rng.choice(("38", "39", "58", "59", "87", "35"))
            + f"{rng.randint(0, 99999999):08d}",
            "workplace": rng.choice(spec.workplaces),
            # 推优 before activist_selection, so no W02
            "league_on": applied + dt.timedelta(days=rng.randint(5, 15)) if league else None,
        }
        gaps = {code: rng.randint(lo, hi) for code, (lo, hi) in JITTER.items()}
        plan = plan_journey(applied, self.effective, self.calendar, gaps)
        done = {code: day for code, day in plan.dates.items() if day <= self.today}
        # Not everyone moves on: many applicants stay applicants, some activists stall.
        roll = rng.random()
        stall = (
            "initial_talk"
            if roll < 0.25
            else "activist_cultivation"
            if roll < 0.35
            else "target_filing"
            if roll < 0.40
            else None
        )
        if stall:
            limit = steps.get(stall).number
            done = {c: d for c, d in done.items() if steps.get(c).number <= limit}
        planned = _Planned(
            branch=branch,
            person=person,
            done=done,
            probation_end=plan.probation_end if "admission_meeting" in done else None,
            publicity=plan.publicity if "target_filing" in done and plan.publicity else None,
        )
        if planned.publicity and planned.publicity[0] > self.today:
            planned.publicity = None
        stage = _stage(done)
        side = rng.random()
        last_day = max(done.values())
        if "archiving" in done:
            planned.outcome, planned.outcome_on = Outcome.ARCHIVED, done["archiving"]
        elif stage in ("applicant", "activist", "target") and side < 0.08:
            planned.outcome = (
                Outcome.WITHDRAWN if side < 0.04 or stage == "applicant" else Outcome.DEACTIVATED
            )
            planned.outcome_on = min(self.today, last_day + dt.timedelta(days=rng.randint(10, 200)))
            pool = WITHDRAW_REASONS if planned.outcome == Outcome.WITHDRAWN else DEACTIVATE_REASONS
            planned.outcome_reason = rng.choice(pool)
        else:
            for step in progress.available_steps(CaseFacts(birth_date=birth, done=done)):
                if step.submitted and rng.random() < 0.7:
                    planned.submission = steps.SUBMISSION_TARGET[step.code]
                    planned.submitted_on = min(self.today, last_day + dt.timedelta(days=rng.randint(1, 10)))
                    planned.forwarded = bool(info["chain"]) and rng.random() < 0.5
                    break
        return planned

    def _summary(self, p: _Planned) -> dict:
        """The summary columns exactly as the write path computes them (services.summarize)."""
        done, person = p.done, p.person
        facts = CaseFacts(
            birth_date=person["birth_date"],
            gender=person["gender"],
            id_number=person["id_number"],
            is_league_member=person["is_league_member"],
            league_recommended_on=person["league_on"],
            done=done,
            data={"political_review": {"conclusion": "合格"}} if "political_review" in done else {},
            publicities=[PublicityFacts(*p.publicity)] if p.publicity else [],
            probation_end=p.probation_end,
        )
        # The write path summarizes while the case is still open when archiving is recorded, and
        # after the outcome is set for side outcomes (then there is no next step).
        case = Case(
            outcome=Outcome.OPEN if p.outcome in (Outcome.OPEN, Outcome.ARCHIVED) else p.outcome,
            full_member_on=p.probation_end if "conversion_approval" in done else None,
        )
        summarize(case, facts, self.rules)
        columns = (
            "steps_done",
            "applied_on",
            "activist_on",
            "target_on",
            "next_step",
            "next_due",
            "next_earliest",
        )
        return {name: getattr(case, name) for name in columns} | {
            "stage": str(case.stage),
            "probation_start": done.get("admission_meeting"),
            "probation_end": p.probation_end,
            "full_member_on": case.full_member_on,
        }

    def _meeting(
        self, org: Organization, body: str, on: dt.date, entitled: int, creator
    ) -> tuple[dict, bool]:
        """One meeting per organization, body and day, deciding every case of that day."""
        key = (org.pk, body, on)
        meeting = self.meetings.get(key)
        if meeting is not None:
            return meeting, False
        spare = self.rng.randint(0, max(0, (entitled - 1) // 4))
        meeting = {
            "id": None,
            "org_id": org.pk,
            "body": str(body),
            "held_on": on,
            "entitled": entitled,
            "present": entitled - spare,
            "created_by_id": creator.pk,
            "note": BULK_NOTE,
        }
        self.meetings[key] = meeting
        return meeting, True

    def _actor(self, step: steps.Step, info: dict, branch: Organization):
        role = step.roles[0]
        if role == Role.COMMITTEE_OFFICER:
            return info["officer"], info["committee"]
        if role == Role.DEPARTMENT_AUDITOR:
            return self.auditor, self.dept
        return info["secretary"], branch

    def _data(self, step: steps.Step, p: _Planned, info: dict) -> dict:
        F = steps.Field
        if F.CONCLUSION in step.fields:
            return {"conclusion": "合格"}
        if F.TRAINING in step.fields:
            return {"days": 3, "hours": 24}
        if F.SERIAL in step.fields:
            return {"serial": f"{p.done['application_form']:%Y}{p.case_id % 1000000:06d}"}
        if F.TALKER in step.fields:
            who = info["officer"] if step.code == "committee_talk" else info["secretary"]
            return {"talker": who.first_name}
        if F.ASSESSMENTS in step.fields:
            return {"assessments": 2, "thought_reports": 4}
        if F.GROUP in step.fields:
            return {"group": self.rng.choice(info["groups"])}
        if F.RESOLUTION in step.fields:
            return {"resolution": "convert"}
        return {}

    # -- writing a batch --

    def _write_batch(self, planned: list[_Planned]) -> Counter:
        rng, w, now = self.rng, self.writer, timezone.now()
        admin_id = self.admin.pk if self.admin else None
        history = {
            "history_date": now,
            "history_change_reason": BULK_NOTE,
            "history_type": "+",
            "history_user_id": admin_id,
        }
        person_ids, case_ids = w.ids(Person, len(planned)), w.ids(Case, len(planned))
        persons, cases = [], []
        for p, person_id, case_id in zip(planned, person_ids, case_ids, strict=True):
            p.case_id = case_id
            persons.append({"id": person_id} | p.person)
            cases.append(
                {
                    "id": case_id,
                    "person_id": person_id,
                    "branch_id": p.branch.pk,
                    "outcome": str(p.outcome),
                    "outcome_on": p.outcome_on,
                    "outcome_reason": p.outcome_reason,
                    "league_recommended_on": p.person["league_on"],
                    "created_at": now,
                    "updated_at": now,
                }
                | self._summary(p)
            )
        w.insert(Person, persons, now)
        w.insert(Person.history.model, [row | history for row in persons], now, with_pk=False)
        w.insert(Case, cases, now)
        w.insert(Case.history.model, [row | history for row in cases], now, with_pk=False)

        records, new_meetings, links, votes, step_events = [], [], [], [], {}
        for p in planned:
            info = self.info[p.branch.pk]
            for code, on in sorted(p.done.items(), key=lambda item: steps.get(item[0]).number):
                step = steps.get(code)
                meeting = None
                if step.body is not None:
                    if step.body == steps.Body.PARTY_COMMITTEE:
                        org, body, entitled, creator = info["committee"], step.body, 7, info["officer"]
                    else:
                        body = step.body
                        if body == steps.Body.BRANCH_COMMITTEE and not info["has_committee"]:
                            body = steps.Body.BRANCH_ASSEMBLY
                        if body == steps.Body.BRANCH_COMMITTEE:
                            entitled = 7 if info["full_count"] >= 15 else 5
                        else:
                            entitled = info["full_count"]
                        org, creator = p.branch, info["secretary"]
                    meeting, created = self._meeting(org, body, on, entitled, creator)
                    if created:
                        new_meetings.append(meeting)
                actor, org = self._actor(step, info, p.branch)
                record = {
                    "case_id": p.case_id,
                    "step": code,
                    "on": on,
                    "recorded_by_id": actor.pk,
                    "org_id": org.pk,
                    "data": self._data(step, p, info),
                    "rule_set": rule_set_on(on, self.settings_row),
                    "is_current": True,
                    "created_at": now,
                }
                records.append((record, meeting))
                people = []
                if code in ("contacts_assigned", "introducers_assigned") and info["full"]:
                    people = rng.sample(info["full"], min(2, len(info["full"])))
                suffix = ""
                if meeting is not None:
                    yes = max(meeting["entitled"] // 2 + 1, meeting["present"] - rng.randint(0, 1))
                    votes.append(
                        {
                            "meeting": meeting,
                            "case_id": p.case_id,
                            "step": code,
                            "yes": yes,
                            "abstain": meeting["present"] - yes,
                        }
                    )
                    suffix = (
                        f"：应到{meeting['entitled']}人，实到{meeting['present']}人，赞成{yes}票（书面0）"
                    )
                links.append((record, people))
                step_events.setdefault(p.case_id, []).append((step, record, suffix))

        for meeting, meeting_id in zip(new_meetings, w.ids(Meeting, len(new_meetings)), strict=True):
            meeting["id"] = meeting_id
        w.insert(Meeting, [m | {"created_at": now} for m in new_meetings], now)
        for (record, meeting), record_id in zip(records, w.ids(StepRecord, len(records)), strict=True):
            record["id"] = record_id
            record["meeting_id"] = meeting["id"] if meeting else None
        w.insert(StepRecord, [record for record, _meeting in records], now)
        w.insert(
            StepRecordPerson,
            [
                {"record_id": record["id"], "member_id": m.pk}
                | {f: getattr(m, f) for f in StepRecordPerson.SNAPSHOT_FIELDS}
                for record, people in links
                for m in people
            ],
            now,
            with_pk=False,
        )
        for vote in votes:
            vote["meeting_id"] = vote.pop("meeting")["id"]
        w.insert(Vote, votes, now, with_pk=False)

        publicities, submissions, events = [], [], []
        for p in planned:
            info = self.info[p.branch.pk]
            if p.publicity:
                publicities.append(
                    {
                        "case_id": p.case_id,
                        "start_on": p.publicity[0],
                        "end_on": p.publicity[1],
                        "venue": "村（居）务公开栏、单位公示栏",
                        "recorded_by_id": info["secretary"].pk,
                        "created_at": now,
                    }
                )
            if p.submission:
                route = info["route"]
                submissions.append(
                    {
                        "case_id": p.case_id,
                        "step": p.submission,
                        "at_org_id": (route[-1] if p.forwarded else route[0]).pk,
                        "status": SubmissionStatus.PENDING.value,
                        "submitted_by_id": info["secretary"].pk,
                        "submitted_at": now,
                        "submitted_on": p.submitted_on,
                        "reviewed": [
                            {
                                "org": org.name,
                                "by": user.username,
                                "on": p.submitted_on.isoformat(),
                                "opinion": "同意上报",
                            }
                            for org, user in zip(info["chain"], info["reviewers"], strict=True)
                        ]
                        if p.forwarded
                        else [],
                    }
                )
            events += [e.row() for e in self._events(p, step_events.get(p.case_id, []), now)]
        w.insert(Publicity, publicities, now, with_pk=False)
        w.insert(Submission, submissions, now, with_pk=False)
        w.insert(CaseEvent, events, now, with_pk=False)
        return Counter(
            persons=len(persons),
            cases=len(cases),
            records=len(records),
            meetings=len(new_meetings),
            votes=len(votes),
            people=sum(len(people) for _r, people in links),
            events=len(events),
            submissions=len(submissions),
            publicities=len(publicities),
        )

    def _events(self, p: _Planned, step_events: list, now) -> list[_EventRow]:
        info = self.info[p.branch.pk]
        secretary = info["secretary"]
        chain: list[_EventRow] = []

        def add(kind, summary, occurred_on, actor_id, step="", role="", org_id=None, note=""):
            event = _EventRow()
            event.case_id, event.kind, event.step, event.summary = p.case_id, kind, step, summary[:300]
            event.occurred_on, event.actor_id, event.role, event.org_id = occurred_on, actor_id, role, org_id
            event.ip, event.source, event.warnings, event.note = None, EventSource.COMMAND.value, [], note
            event.prev_hash = chain[-1].hash if chain else ""
            event.created_at = now
            event.hash = event.compute_hash()
            chain.append(event)

        add("open", f"建档：{p.person['name']}", p.done["application"], secretary.pk, note=BULK_NOTE)
        for step, record, suffix in step_events:
            add(
                "step",
                f"{step.number}. {step.name}（{record['on']}）{suffix}",
                record["on"],
                record["recorded_by_id"],
                step=step.code,
                role=step.roles[0].value,
                org_id=record["org_id"],
            )
            if step.code == "target_filing" and p.publicity:
                start, end = p.publicity
                add(
                    "publicity",
                    f"发展对象公示 {start} 至 {end}，异议 0 件",
                    start,
                    secretary.pk,
                    step="target_filing",
                    role=Role.BRANCH_SECRETARY.value,
                    org_id=p.branch.pk,
                )
        if p.submission:
            route, name = info["route"], steps.get(p.submission).name
            add(
                "submit",
                f"报送「{name}」至{route[0].name}",
                p.submitted_on,
                secretary.pk,
                step=p.submission,
                role=Role.BRANCH_SECRETARY.value,
                org_id=p.branch.pk,
            )
            if p.forwarded:
                for position, (org, user) in enumerate(zip(info["chain"], info["reviewers"], strict=True)):
                    add(
                        "review",
                        f"{org.name}审议同意「{name}」，报{route[position + 1].name}",
                        p.submitted_on,
                        user.pk,
                        step=p.submission,
                        role=Role.REVIEWER.value,
                        org_id=org.pk,
                        note="同意上报",
                    )
        if p.outcome and p.outcome != Outcome.ARCHIVED:
            add(
                "outcome",
                f"{Outcome(p.outcome).label}（{p.outcome_on}）：{p.outcome_reason}",
                p.outcome_on,
                secretary.pk,
                role=Role.BRANCH_SECRETARY.value,
                org_id=p.branch.pk,
                note=p.outcome_reason,
            )
        return chain

    def generate(self, n: int) -> Counter:
        if self.writer.threaded:
            ok = False
            try:
                totals = self._generate(n)
                ok = True
            finally:
                self.writer.finish(ok)
        else:
            with transaction.atomic():
                totals = self._generate(n)
        if self.writer.pg:
            with connection.cursor() as cursor:  # fresh planner statistics after a big load
                for model in (
                    Person,
                    Person.history.model,
                    Case,
                    Case.history.model,
                    StepRecord,
                    StepRecordPerson,
                    CaseEvent,
                    Meeting,
                    Vote,
                    Submission,
                    Publicity,
                ):
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        return totals

    def _generate(self, n: int) -> Counter:
        totals: Counter = Counter()
        started = time.monotonic()
        written = 0
        while written < n:
            size = min(self.batch_size, n - written)
            totals.update(self._write_batch([self._plan() for _ in range(size)]))
            written += size
            if written % (self.batch_size * 5) == 0 or written == n:
                rate = written / max(time.monotonic() - started, 1e-6)
                self.log(f"  已生成 {written}/{n} 个案例（{rate:.0f} 个/秒）")
        return totals


def _stage(done: dict) -> str:
    stage = Stage.APPLICANT
    for code, status in steps.STATUS_STEPS.items():
        if code in done:
            stage = status
    return stage
