"""The working-day calendar: admin overrides (cases.Holiday) over the chinese-calendar package,
and plain weekdays for years neither covers."""

import datetime as dt
from functools import lru_cache

import chinese_calendar

from cases.models import Holiday


def _package_says_workday(day: dt.date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:  # a year the package does not cover yet
        return day.weekday() < 5


class WorkdayCalendar:
    """Loads the overrides once; use one instance per request, import or rule evaluation."""

    def __init__(self, overrides: dict[dt.date, bool] | None = None):
        self._overrides = overrides

    @property
    def overrides(self) -> dict[dt.date, bool]:
        if self._overrides is None:  # loaded on first use: most rule evaluations never need it
            self._overrides = dict(Holiday.objects.values_list("date", "is_workday"))
        return self._overrides

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        return _cached_package_workday(day)

    def count(self, start: dt.date, end: dt.date) -> int:
        """Working days from start to end, both included."""
        days = (end - start).days
        return sum(self.is_workday(start + dt.timedelta(days=i)) for i in range(days + 1)) if days >= 0 else 0

    def add(self, start: dt.date, workdays: int) -> dt.date:
        """The date on which a period of `workdays` working days starting on `start` ends."""
        if workdays < 1:
            raise ValueError("workdays must be at least 1")
        day, counted = start, 0
        while True:
            if self.is_workday(day):
                counted += 1
                if counted == workdays:
                    return day
            day += dt.timedelta(days=1)


@lru_cache(maxsize=4096)
def _cached_package_workday(day: dt.date) -> bool:
    return _package_says_workday(day)


def seed_from_package(years: range) -> int:
    """Copy the package's 节假日 and 调休 days into the admin-editable table; keeps admin edits."""
    existing = set(Holiday.objects.filter(date__year__in=list(years)).values_list("date", flat=True))
    rows = []
    for year in years:
        day = dt.date(year, 1, 1)
        while day.year == year:
            try:
                holiday, name = chinese_calendar.get_holiday_detail(day)
            except NotImplementedError:
                break
            weekend = day.weekday() >= 5
            if day not in existing and (holiday and not weekend or not holiday and weekend):
                rows.append(Holiday(date=day, is_workday=not holiday, name=_holiday_name(name, holiday)))
            day += dt.timedelta(days=1)
    Holiday.objects.bulk_create(rows)
    return len(rows)


_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
    "Anti-Fascist 70th Day": "中国人民抗日战争暨世界反法西斯战争胜利70周年纪念日",
}


def holiday_name_in_chinese(name) -> str:
    """The calendar package names its holidays in English: their Chinese names (「节假日」 for one
    the table does not know yet, never the English)."""
    name = str(getattr(name, "value", name) or "")
    return _NAMES.get(name, "节假日" if name else "")


def _holiday_name(name, holiday: bool) -> str:
    label = holiday_name_in_chinese(name)
    return label if holiday else f"{label}调休上班".strip()
