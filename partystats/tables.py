"""The 党内统计 development tables as data: each table's rows and columns are conditions on the
person (and the case), written once with the path prefix of the query they go into, so the cell,
its total and the list of people it counts are the same condition (partystats.selectors).

A fact not yet recorded is its own row or column 「待补充」 — never counted as 其他 or 否."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q

from branches.models import RURAL_LOCALITIES, Locality
from cases.counting import COLLEGE_OR_ABOVE, MAJORITY_ETHNICITY, YOUTH_AGE
from cases.models import Education, FrontlineKind, Gender, HonourLevel, PersonCategory, TitleLevel

# A condition takes the prefixes of the person's and of the case's fields in the query.
Cond = Callable[[str, str], Q]


def person(**lookups) -> Cond:
    return lambda p, c: Q(**{p + k: v for k, v in lookups.items()})


def case(**lookups) -> Cond:
    return lambda p, c: Q(**{c + k: v for k, v in lookups.items()})


def age(**lookups) -> Cond:
    """On the query's annotation `age` (partystats.selectors: the age date of the setting)."""
    return lambda p, c: Q(**{f"age__{k}": v for k, v in lookups.items()})


def both(*conds: Cond) -> Cond:
    def q(p, c):
        out = Q()
        for cond in conds:
            out &= cond(p, c)
        return out

    return q


def anyof(*conds: Cond) -> Cond:
    def q(p, c):
        out = Q(pk__in=[])
        for cond in conds:
            out |= cond(p, c)
        return out

    return q


ALL: Cond = lambda p, c: Q()  # noqa: E731
K = PersonCategory


@dataclass(frozen=True)
class Line:
    """A row or a column: its key (in addresses), its label (indent: a 其中 line), its condition."""

    key: str
    label: str
    cond: Cond
    indent: int = 0
    to_complete: bool = False  # a 「待补充」 line


def cat(*values) -> Cond:
    return person(category__in=list(values))


PUBLIC = (K.PUBLIC_GOVERNMENT, K.PUBLIC_INSTITUTION_MANAGER, K.PUBLIC_INSTITUTION_PROFESSIONAL)
PUBLIC += (K.PUBLIC_ENTERPRISE_MANAGER, K.PUBLIC_ENTERPRISE_PROFESSIONAL, K.PUBLIC_WORKER)
PRIVATE = (K.PRIVATE_ENTERPRISE_MANAGER, K.PRIVATE_ENTERPRISE_PROFESSIONAL, K.PRIVATE_NONPROFIT_MANAGER)
PRIVATE += (K.PRIVATE_NONPROFIT_PROFESSIONAL, K.PRIVATE_WORKER)
MIGRANT = person(is_migrant_worker=True)


def _category_rows() -> tuple[Line, ...]:
    rows = [
        Line("total", "总计", ALL),
        Line("employed", "在岗职工", cat(*PUBLIC, *PRIVATE)),
        Line("public", "公有制单位", cat(*PUBLIC), 1),
    ]
    for value, label in K.choices:
        if value in PUBLIC:
            rows.append(Line(value, label.split("—")[-1], cat(value), 2))
    rows.append(Line("pub_migrant", "其中：农民工", both(cat(K.PUBLIC_WORKER), MIGRANT), 3))
    rows.append(Line("private", "非公有制单位", cat(*PRIVATE), 1))
    for value, label in K.choices:
        if value in PRIVATE:
            rows.append(Line(value, label.split("—")[-1], cat(value), 2))
    rows.append(Line("prv_migrant", "其中：农民工", both(cat(K.PRIVATE_WORKER), MIGRANT), 3))
    rows += [
        Line(K.FARMER, "农牧渔民", cat(K.FARMER)),
        Line("farmer_away", "其中：外出务工经商人员", both(cat(K.FARMER), MIGRANT), 1),
        Line(K.MILITARY, "军人、武警", cat(K.MILITARY)),
        Line(K.STUDENT, "学生", cat(K.STUDENT)),
        Line(K.RETIRED, "离退休人员", cat(K.RETIRED)),
        Line(K.OTHER, "其他", cat(K.OTHER)),
        Line("category_unknown", "人员类别待补充", person(category=""), to_complete=True),
    ]
    return tuple(rows)


CATEGORY_ROWS = _category_rows()
CATEGORY_SUM = ("employed", K.FARMER, K.MILITARY, K.STUDENT, K.RETIRED, K.OTHER, "category_unknown")

WOMEN = Line("women", "女", person(gender=Gender.FEMALE))
MINORITY = Line("minority", "少数民族", lambda p, c: ~Q(**{p + "ethnicity__in": MAJORITY_ETHNICITY}))
YOUTH = Line("youth", "35岁及以下", age(lte=YOUTH_AGE))
TOTAL = Line("total", "总数", ALL)
EDUCATION_UNKNOWN = Line(
    "edu_unknown", "学历待补充", person(education__in=["", Education.SENIOR]), to_complete=True
)
FRONTLINE_UNKNOWN = Line(
    "fl_unknown", "一线类型待补充", both(person(is_frontline=True), person(frontline_kind="")), 1, True
)


def frontline(kind: str, label: str, indent: int = 1) -> Line:
    return Line(f"fl_{kind}", label, both(person(is_frontline=True), person(frontline_kind=kind)), indent)


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    kind: str  # "flow" (within the period, by the 党委审批 date) or "stock" (on the cut-off day)
    rows: tuple[Line, ...]
    columns: tuple[Line, ...]
    # rows whose sum is the first row (check: 总计 = 各行之和)
    sums: tuple[str, ...] = ()
    note: str = ""

    @property
    def row_keys(self) -> tuple[str, ...]:
        return tuple(r.key for r in self.rows)

    def row(self, key: str) -> Line | None:
        return next((r for r in self.rows if r.key == key), None)

    def column(self, key: str) -> Line | None:
        return next((c for c in self.columns if c.key == key), None)


DEVELOPMENT_1 = Table(
    "development1",
    "发展党员情况（一）",
    "flow",
    rows=(
        *CATEGORY_ROWS,
        Line("dispatched", "补充资料：劳务派遣工", person(is_dispatched=True)),
        Line("dispatched_unknown", "劳务派遣工待补充", person(is_dispatched=None), 1, True),
    ),
    columns=(
        TOTAL,
        WOMEN,
        MINORITY,
        Line("age25", "25岁及以下", age(lte=25)),
        Line("age26", "26至30岁", age(gte=26, lte=30)),
        Line("age31", "31至35岁", age(gte=31, lte=35)),
        Line("age36", "36至40岁", age(gte=36, lte=40)),
        Line("age41", "41至59岁", age(gte=41, lte=59)),
        Line("age60", "60岁及以上", age(gte=60)),
        YOUTH,
        Line("postgraduate", "研究生", person(education=Education.POSTGRADUATE)),
        Line("bachelor", "大学本科", person(education=Education.BACHELOR)),
        Line("college", "大学专科", person(education=Education.COLLEGE)),
        Line("technical", "中专", person(education=Education.TECHNICAL)),
        Line("high_school", "高中中技", person(education=Education.HIGH_SCHOOL)),
        Line("junior", "初中及以下", person(education__in=[Education.JUNIOR, Education.PRIMARY])),
        EDUCATION_UNKNOWN,
    ),
    sums=CATEGORY_SUM,
)

DEVELOPMENT_2 = Table(
    "development2",
    "发展党员情况（二）",
    "flow",
    rows=(
        Line("total", "发展党员总数", ALL),
        Line("frontline", "生产、工作第一线", person(is_frontline=True)),
        frontline(FrontlineKind.ENTERPRISE, "企业生产一线"),
        frontline(FrontlineKind.RURAL, "农村生产一线"),
        frontline(FrontlineKind.RESEARCH, "教学科研一线"),
        frontline(FrontlineKind.ORGAN, "机关一线"),
        FRONTLINE_UNKNOWN,
        Line(
            "titled",
            "具有专业技术职务",
            person(title_level__in=[TitleLevel.SENIOR, TitleLevel.MIDDLE, TitleLevel.JUNIOR]),
        ),
        Line("title_senior", "高级", person(title_level=TitleLevel.SENIOR), 1),
        Line("title_middle", "中级", person(title_level=TitleLevel.MIDDLE), 1),
        Line("title_junior", "初级", person(title_level=TitleLevel.JUNIOR), 1),
        Line("title_unknown", "专业技术职务待补充", person(title_level=""), 1, True),
        # By the organization that developed the person: the case's branch (partystats.help).
        Line("locality", "乡（镇）、建制村", case(branch__locality__in=list(RURAL_LOCALITIES))),
        Line("locality_unknown", "乡（镇）、建制村待补充", case(branch__locality=Locality.UNKNOWN), 1, True),
        Line(
            "honoured",
            "先进模范人物",
            person(honour_level__in=[HonourLevel.PROVINCIAL, HonourLevel.PREFECTURAL, HonourLevel.COUNTY]),
        ),
        Line("honoured_provincial", "其中：省部级以上", person(honour_level=HonourLevel.PROVINCIAL), 1),
        Line("honour_unknown", "先进模范待补充", person(honour_level=""), 1, True),
        Line("special", "特殊情况下发展", case(special_development=True)),
        Line("league", "共青团员", person(is_league_member=True)),
        Line(
            "league_recommended",
            "其中：经过推优",
            both(person(is_league_member=True), case(league_recommended_on__isnull=False)),
            1,
        ),
        Line("taiwanese", "台湾省籍", person(is_taiwanese=True)),
        Line("taiwanese_unknown", "台湾省籍待补充", person(is_taiwanese=None), 1, True),
    ),
    columns=(TOTAL, WOMEN, YOUTH),
)

STOCK_COLUMNS = (
    TOTAL,
    WOMEN,
    MINORITY,
    YOUTH,
    Line("college_up", "大专及以上学历", person(education__in=list(COLLEGE_OR_ABOVE))),
    Line("secondary", "中专高中中技学历", person(education__in=[Education.TECHNICAL, Education.HIGH_SCHOOL])),
    EDUCATION_UNKNOWN,
    Line("frontline", "生产工作第一线合计", person(is_frontline=True)),
    frontline(FrontlineKind.ENTERPRISE, "企业", 0),
    frontline(FrontlineKind.RURAL, "农村", 0),
    frontline(FrontlineKind.RESEARCH, "教学科研", 0),
    Line("fl_unknown", "一线类型待补充", FRONTLINE_UNKNOWN.cond, to_complete=True),
)


def stock_table(key: str, title: str) -> Table:
    return Table(key, title, "stock", rows=CATEGORY_ROWS, columns=STOCK_COLUMNS, sums=CATEGORY_SUM)


TARGETS = stock_table("targets", "发展对象情况")
ACTIVISTS = stock_table("activists", "入党积极分子情况")
APPLICANTS = stock_table("applicants", "入党申请人情况")

CONVERSION = Table(
    "conversion",
    "预备党员转正情况",
    "conversion",
    rows=(
        Line("due", "预备期满的党员", ALL),
        Line("decided", "已经上级党组织审批", ALL, 1),  # conditions: partystats.selectors.CONVERSION_ROWS
        Line("converted", "转为正式党员", ALL, 2),
        Line("extended", "延长预备期", ALL, 2),
        Line("cancelled", "取消预备党员资格", ALL, 2),
        Line("pending", "尚未讨论或审批", ALL, 1),
        Line("cancelled_early", "预备期未满被取消预备党员资格", ALL),
    ),
    columns=(TOTAL, WOMEN, YOUTH),
    sums=("decided", "pending"),
)


@dataclass(frozen=True)
class NameList:
    """A name list handed in beside a table: the people of one of its cells (`row` × `column`)
    who also meet `cond`."""

    key: str
    title: str
    table: str
    row: str
    column: str = "total"
    cond: Cond = ALL


NAME_LISTS: tuple[NameList, ...] = (
    NameList("employed_60", "60岁及以上在岗职工发展党员名单", "development1", "employed", "age60"),
    NameList(
        "cancelled_60", "60岁及以上取消预备党员资格人员名单", "conversion", "cancelled", cond=age(gte=60)
    ),
    NameList(
        "cancelled_early_60",
        "60岁及以上预备期未满被取消预备党员资格人员名单",
        "conversion",
        "cancelled_early",
        cond=age(gte=60),
    ),
)

TABLES: tuple[Table, ...] = (DEVELOPMENT_1, DEVELOPMENT_2, TARGETS, ACTIVISTS, APPLICANTS, CONVERSION)
BY_KEY = {t.key: t for t in TABLES}
LISTS_BY_KEY = {n.key: n for n in NAME_LISTS}
