"""Calendar arithmetic as the rules mean it: calendar months, clamped to the month's end; and the
one range of dates the product accepts anywhere (forms, the importer, the 公民身份号码, services), so
that the arithmetic (年满十八周岁, 预备期一年, 延长预备期) can never leave the calendar."""

import calendar
import datetime as dt

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2100, 12, 31)
RANGE_TEXT = f"{EARLIEST} 至 {LATEST}"


def _date(day: dt.date) -> dt.date:
    return day.date() if isinstance(day, dt.datetime) else day


def in_range(day: dt.date) -> bool:
    return EARLIEST <= _date(day) <= LATEST


def out_of_range_message(day: dt.date) -> str:
    return f"日期 {_date(day).isoformat()} 超出可填写的范围（{RANGE_TEXT}）"


def add_months(day: dt.date, months: int) -> dt.date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def age_on(birth: dt.date, day: dt.date) -> int:
    """Completed years (周岁) on `day`; a 29 February birthday falls on 28 February."""
    years = day.year - birth.year
    return years if add_years(birth, years) <= day else years - 1


def fmt(day: dt.date | None) -> str:
    return day.isoformat() if day else "—"
