"""Calendar arithmetic as the rules mean it: calendar months, clamped to the month's end."""

import calendar
import datetime as dt


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
