"""The demo county's data: 青溪县 — its organizations, the demo logins with their roles, and the
roster members under sanction. Read by the builder (which creates them through the services), the
bulk generator and the logins printout."""

import datetime as dt
from dataclasses import dataclass

from branches.models import Locality, OrgKind, Role, Sanction
from cases.models import Education

DEMO_PASSWORD = "demo12345"
DEPARTMENT_CODE = "QX-ZZB"
SEED = 19210723  # fixed: the demo is the same county every time
DEMO_REGION = "339901"  # 公民身份号码 region of demo people (fictional 青溪县)
FIRST_APPLICATION = dt.date(2022, 1, 1)


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
    locality: str = Locality.UNKNOWN  # 乡（镇）/ 建制村 / neither (partystats)
    full: int = 0  # roster: full members (branches only)
    probationary: int = 0
    workplaces: tuple[str, ...] = ()
    education: tuple[str, ...] = ()  # weighted pool


K = OrgKind
E = Education
L = Locality
ORGS: tuple[OrgSpec, ...] = (
    OrgSpec("dept", "中共青溪县委组织部", "县委组织部", DEPARTMENT_CODE, K.DEPARTMENT, locality=L.NEITHER),
    OrgSpec(
        "cg",
        "中共城关镇委员会",
        "城关镇党委",
        "QX-CG",
        K.COMMITTEE,
        "dept",
        True,
        "城组",
        locality=L.TOWNSHIP,
    ),
    OrgSpec(
        "hk",
        "中共河口镇委员会",
        "河口镇党委",
        "QX-HK",
        K.COMMITTEE,
        "dept",
        True,
        "河组",
        locality=L.TOWNSHIP,
    ),
    OrgSpec(
        "cd",
        "中共城关镇城东社区总支部委员会",
        "城东社区党总支",
        "QX-CG-CD",
        K.GENERAL_BRANCH,
        "cg",
        locality=L.NEITHER,
    ),
    OrgSpec(
        "lsw",
        "中共河口镇柳树湾村委员会",
        "柳树湾村党委",
        "QX-HK-LSW",
        K.VILLAGE_COMMITTEE,
        "hk",
        locality=L.VILLAGE,
    ),
    OrgSpec(
        "cg1",
        "城关镇机关党支部",
        "城关机关",
        "QX-CG-01",
        K.BRANCH,
        "cg",
        locality=L.TOWNSHIP,
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
        locality=L.NEITHER,
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
        locality=L.NEITHER,
        full=4,
        probationary=1,
        workplaces=(
            "青溪县绿源食品有限公司生产车间班组长",
            "青溪县绿源食品有限公司质检员",
            "青溪县绿源食品有限公司销售主管",
            "青溪县绿源食品有限公司包装车间工人",
        ),
        education=(E.HIGH_SCHOOL, E.HIGH_SCHOOL, E.TECHNICAL) + (E.COLLEGE,) * 2 + (E.JUNIOR, E.BACHELOR),
    ),
    OrgSpec(
        "cd1",
        "城东社区第一党支部",
        "城东一支部",
        "QX-CG-CD-01",
        K.BRANCH,
        "cd",
        locality=L.NEITHER,
        full=12,
        probationary=1,
        workplaces=(
            "城东社区居委会专职网格员",
            "城东社区个体工商户",
            "城东社区卫生服务站医生",
            "城东社区居民（退役军人）",
            "城东社区居委会委员",
        ),
        education=(E.HIGH_SCHOOL, E.TECHNICAL) + (E.COLLEGE,) * 2 + (E.BACHELOR,) * 2 + (E.JUNIOR,),
    ),
    OrgSpec(
        "cd2",
        "城东社区物业快递联合党支部",
        "城东物业快递",
        "QX-CG-CD-02",
        K.BRANCH,
        "cd",
        locality=L.NEITHER,
        full=5,
        probationary=1,
        workplaces=(
            "城东物业服务有限公司项目主管",
            "城东物业服务有限公司维修工",
            "顺达快递城东网点快递员",
            "城东片区外卖骑手站站长",
        ),
        education=(E.HIGH_SCHOOL, E.HIGH_SCHOOL, E.TECHNICAL) + (E.JUNIOR,) * 2 + (E.COLLEGE,) * 2,
    ),
    OrgSpec(
        "hk1",
        "河口镇机关党支部",
        "河口机关",
        "QX-HK-01",
        K.BRANCH,
        "hk",
        locality=L.TOWNSHIP,
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
        locality=L.VILLAGE,
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
        education=(E.JUNIOR,) * 3
        + (E.HIGH_SCHOOL, E.HIGH_SCHOOL, E.TECHNICAL)
        + (E.COLLEGE,) * 2
        + (E.BACHELOR, E.PRIMARY),
    ),
    OrgSpec(
        "lsw2",
        "柳树湾村种养专业合作社党支部",
        "柳树湾合作社",
        "QX-HK-LSW-02",
        K.BRANCH,
        "lsw",
        locality=L.VILLAGE,
        full=3,
        probationary=1,
        workplaces=(
            "柳树湾村种养专业合作社社员",
            "柳树湾村种养专业合作社技术员",
            "柳树湾村种养专业合作社理事",
        ),
        education=(E.JUNIOR,) * 3 + (E.HIGH_SCHOOL, E.TECHNICAL) + (E.PRIMARY,),
    ),
    OrgSpec(
        "cg1-g1", "城关镇机关党支部第一党小组", "机关一组", "QX-CG-01-G1", K.GROUP, "cg1", locality=L.TOWNSHIP
    ),
    OrgSpec(
        "cg1-g2", "城关镇机关党支部第二党小组", "机关二组", "QX-CG-01-G2", K.GROUP, "cg1", locality=L.TOWNSHIP
    ),
    OrgSpec(
        "hk1-g1", "河口镇机关党支部第一党小组", "河口一组", "QX-HK-01-G1", K.GROUP, "hk1", locality=L.TOWNSHIP
    ),
    OrgSpec(
        "lsw1-g1",
        "柳树湾村第一党支部第一党小组",
        "柳树湾一组",
        "QX-HK-LSW-01-G1",
        K.GROUP,
        "lsw1",
        locality=L.VILLAGE,
    ),
    OrgSpec(
        "lsw1-g2",
        "柳树湾村第一党支部第二党小组",
        "柳树湾二组",
        "QX-HK-LSW-01-G2",
        K.GROUP,
        "lsw1",
        locality=L.VILLAGE,
    ),
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
