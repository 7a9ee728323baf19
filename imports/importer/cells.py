"""Turn one spreadsheet cell into a typed value, or say in Chinese what is wrong with it.

Each parser takes the raw openpyxl value (never None: blank cells are handled by the caller) and
returns the value, or raises CellProblem. A CellNotice carries a value that was accepted with a
remark (an Excel serial number typed into a date column)."""

import datetime as dt
import re

from django.db.models import TextChoices

from cases import dates, idcard
from cases.forms import NAME_PATTERN
from cases.models import Education, FrontlineKind, Gender, HonourLevel, PersonCategory, TitleLevel
from cases.steps import Conclusion
from cases.text import single_line_problem
from imports.importer.template import NAME_SEPARATORS

# Excel serial numbers read as dates when typed into a date column (1954-10-03 … 2064-04-09).
SERIAL_RANGE = (20000, 60000)
EXCEL_EPOCH = dt.date(1899, 12, 30)
DATE_PATTERN = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")

EDUCATION_NAMES = {label: value for value, label in Education.choices} | {
    "小学": Education.PRIMARY,
    "中专": Education.TECHNICAL,
    "中等专业学校": Education.TECHNICAL,
    "高中": Education.HIGH_SCHOOL,
    "中技": Education.HIGH_SCHOOL,
    "高中中技": Education.HIGH_SCHOOL,
    "职高": Education.HIGH_SCHOOL,
    "技校": Education.HIGH_SCHOOL,
    # the first template's one choice: kept, counted as 待补充 until 中专 and 高中 are told apart
    "高中/中专": Education.SENIOR,
    "中专/高中": Education.SENIOR,
    "大学专科": Education.COLLEGE,
    "专科": Education.COLLEGE,
    "高职": Education.COLLEGE,
    "大学本科": Education.BACHELOR,
    "大学": Education.BACHELOR,
    "硕士": Education.POSTGRADUATE,
    "博士": Education.POSTGRADUATE,
    "硕士研究生": Education.POSTGRADUATE,
    "博士研究生": Education.POSTGRADUATE,
    "研究生及以上": Education.POSTGRADUATE,
}
GENDER_NAMES = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
YES = {"是", "Y", "YES", "TRUE", "1", "√", "✓"}
NO = {"否", "N", "NO", "FALSE", "0", "×"}


class CellProblem(ValueError):
    """The cell cannot be used; the message says why (without the row and column, added later)."""


class CellNotice(Exception):
    def __init__(self, value, message: str):
        super().__init__(message)
        self.value = value
        self.message = message


def _text(raw) -> str:
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if problem := single_line_problem(value := str(raw).strip()):
        raise CellProblem(problem)
    return value


def parse_text(raw) -> str:
    value = _text(raw)
    if len(value) > 100:
        raise CellProblem("内容过长（不超过100个字）")
    return value


def parse_name(raw) -> str:
    value = _text(raw)
    if not NAME_PATTERN.match(value):
        raise CellProblem("姓名只能包含汉字、字母和间隔号「·」，不超过50个字")
    return value


def parse_ethnicity(raw) -> str:
    value = _text(raw)
    if not re.fullmatch(r"[\u4e00-\u9fff]{1,10}", value):
        raise CellProblem(f"「{value}」不是民族的中文名称，例如「汉族」")
    return value


def parse_id_number(raw) -> str:
    if isinstance(raw, (int, float)) and not isinstance(raw, bool):
        raise CellProblem(
            "是数字格式，Excel 会把18位号码变成科学计数法并丢失末几位：请把本列设为「文本」格式后重新填写号码"
        )
    return idcard.normalize(_text(raw))


def parse_date(raw) -> dt.date:
    """A date within the product's range (cases.dates); numbers read as dates are always inside it."""
    day = _parse_date(raw)
    if not dates.in_range(day):
        raise CellProblem(dates.out_of_range_message(day))
    return day


def _parse_date(raw) -> dt.date:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if isinstance(raw, bool):
        raise CellProblem("不是日期")
    if isinstance(raw, (int, float)):
        return _number_as_date(raw)
    text = _text(raw)
    match = DATE_PATTERN.match(text)
    if match:
        try:
            return dt.date(*(int(part) for part in match.groups()))
        except ValueError as exc:
            raise CellProblem(f"「{text}」不是有效日期") from exc
    if text.isascii() and text.isdigit():  # not "¹" or "٣", which isdigit() accepts and int() refuses
        return _number_as_date(int(text))
    raise CellProblem(f"「{text}」不是日期：请填 Excel 日期或 YYYY-MM-DD（例如 2023-03-05）")


def _number_as_date(number: float) -> dt.date:
    if float(number).is_integer() and 19000101 <= number <= 20991231:
        text = str(int(number))
        try:
            day = dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
        except ValueError:
            pass
        else:
            raise CellNotice(day, f"数字 {text} 已按年月日读作 {day}，请核对（建议改为日期格式）")
    if float(number).is_integer() and SERIAL_RANGE[0] <= number <= SERIAL_RANGE[1]:
        day = EXCEL_EPOCH + dt.timedelta(days=int(number))
        raise CellNotice(
            day, f"数字 {int(number)} 已按 Excel 日期序列号读作 {day}，请核对（建议改为日期格式）"
        )
    raise CellProblem(f"数字 {_text(number)} 不是日期：请填 Excel 日期或 YYYY-MM-DD（例如 2023-03-05）")


def parse_count(raw) -> int:
    if isinstance(raw, bool):
        raise CellProblem("须为整数")
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, str) and raw.strip().isdigit():
        raw = int(raw.strip())
    if not isinstance(raw, int):
        raise CellProblem(f"「{_text(raw)}」不是整数")
    if not 0 <= raw <= 9999:
        raise CellProblem(f"人数 {raw} 超出范围（0–9999）")
    return raw


def parse_hours(raw) -> int | float:
    if isinstance(raw, str):
        try:
            raw = float(raw.strip())
        except ValueError as exc:
            raise CellProblem(f"「{raw.strip()}」不是数字") from exc
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        raise CellProblem("不是数字")
    if not 0 <= raw <= 2000:
        raise CellProblem(f"学时 {_text(raw)} 超出范围（0–2000）")
    return int(raw) if float(raw).is_integer() else round(float(raw), 1)


def parse_names(raw) -> list[str]:
    text = _text(raw)
    for sep in NAME_SEPARATORS[1:]:
        text = text.replace(sep, NAME_SEPARATORS[0])
    names = [part.strip() for part in text.split(NAME_SEPARATORS[0]) if part.strip()]
    too_long = [n for n in names if len(n) > 50]
    if too_long:
        raise CellProblem(f"「{too_long[0][:20]}…」不是姓名；多个姓名请用「、」分隔")
    return names  # matched against the branch roster by the planner


def parse_yes_no(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    text = _text(raw).upper()
    if text in YES:
        return True
    if text in NO:
        return False
    raise CellProblem(f"「{_text(raw)}」请填「是」或「否」")


def parse_gender(raw) -> str:
    text = _text(raw).upper()
    if text not in GENDER_NAMES:
        raise CellProblem(f"「{_text(raw)}」请填「男」或「女」")
    return GENDER_NAMES[text]


def parse_education(raw) -> str:
    text = _text(raw).replace("（", "(").replace("）", ")")
    if text not in EDUCATION_NAMES:
        allowed = "、".join(label for value, label in Education.choices if value != Education.SENIOR)
        raise CellProblem(f"「{text}」不是可识别的学历，请填：{allowed}")
    return EDUCATION_NAMES[text]


def choice_parser(choices: type[TextChoices]):
    """A parser taking a choice by its label (what the sheet shows), giving its stored value."""
    by_label = {label: value for value, label in choices.choices}

    def parse(raw) -> str:
        text = _text(raw)
        if text not in by_label:
            raise CellProblem(f"「{text}」请填" + "或".join(f"「{label}」" for label in by_label))
        return by_label[text]

    return parse


parse_conclusion = choice_parser(Conclusion)


def parse_category(raw) -> str:
    """人员类别 by its full label (「公有制单位—企业管理人员」, as the export writes it) or, for the rows
    without a 公有/非公 side, by its name (「学生」)."""
    text = _text(raw).replace("-", "—").replace("－", "—")
    by_label = {label: value for value, label in PersonCategory.choices}
    if text in by_label:
        return by_label[text]
    raise CellProblem(f"「{text}」不是人员类别，请填：" + "、".join(by_label))


PARSERS = {
    "text": parse_text,
    "id_number": parse_id_number,
    "date": parse_date,
    "count": parse_count,
    "hours": parse_hours,
    "names": parse_names,
    "yes_no": parse_yes_no,
    "gender": parse_gender,
    "education": parse_education,
    "conclusion": parse_conclusion,
    "category": parse_category,
    "frontline_kind": choice_parser(FrontlineKind),
    "title_level": choice_parser(TitleLevel),
    "honour_level": choice_parser(HonourLevel),
    "branch": parse_text,
}
# Columns with a stricter parser than their kind's.
COLUMN_PARSERS = {"姓名": parse_name, "民族": parse_ethnicity}


def is_formula(raw) -> bool:
    return isinstance(raw, str) and raw.startswith("=") and len(raw) > 1


def is_blank(raw) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())
