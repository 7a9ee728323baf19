"""The 四色研判 rule, as a pure function of a branch's dates (no I/O): which colour, and why.

Years are calendar years of the judging day (`on`); an admission counts in the year of its 上级党委
审批 date, a new 入党积极分子 in the year of 确定入党积极分子 (cases.counting). From mildest to most
severe, each colour applies when:

- 蓝 — no new 入党积极分子 this year;
- 黄 — nobody admitted this year;
- 橙 — nobody admitted in the last `orange_years` years, this one included (default 2);
- 红 — nobody admitted in the last `red_years` years, this one included (default 3), or never.

The branch takes the most severe colour that applies; the reasons list every one that applies.
"""

import datetime as dt
from dataclasses import dataclass

from stats.models import BoardSettings, Colour


@dataclass(frozen=True)
class BranchDates:
    last_admission: dt.date | None  # on or before the judging day
    last_activist: dt.date | None  # likewise


@dataclass(frozen=True)
class Judgement:
    colour: Colour
    reasons: tuple[str, ...]


def first_year_without(years: int, on: dt.date) -> int:
    """The earliest calendar year of a run of `years` years ending with `on`'s year."""
    return on.year - years + 1


def red_cutoff(settings: BoardSettings, on: dt.date) -> dt.date:
    """A branch whose last admission is before this day is red (the 三年以上未发展党员 list)."""
    return dt.date(first_year_without(settings.red_years, on), 1, 1)


def judge(dates: BranchDates, settings: BoardSettings, on: dt.date) -> Judgement:
    colour, reasons = Colour.NONE, []
    last = dates.last_admission
    if dates.last_activist is None or dates.last_activist.year < on.year:
        colour = Colour.BLUE
        reasons.append(f"{on.year}年尚未确定新的入党积极分子")
    if last is None or last.year < on.year:
        colour = Colour.YELLOW
        reasons.append(f"{on.year}年尚未发展党员")
    since = f"（最近一次发展党员：{last:%Y年%m月%d日}）" if last else "（无发展党员记录）"
    if last is None or last.year < first_year_without(settings.orange_years, on):
        start = first_year_without(settings.orange_years, on)
        colour = Colour.ORANGE
        reasons.append(f"{start}年至{on.year}年连续{settings.orange_years}年未发展党员{since}")
    if last is None or last < red_cutoff(settings, on):
        start = first_year_without(settings.red_years, on)
        colour = Colour.RED
        reasons.append(f"{start}年至{on.year}年连续{settings.red_years}年及以上未发展党员{since}")
    return Judgement(colour, tuple(reasons))


def half_year_ends(first: dt.date, on: dt.date) -> list[dt.date]:
    """The last day of each half-year from `first`'s to `on`'s, the current one ending on `on`."""
    ends, year, half = [], first.year, 1 if first.month <= 6 else 2
    while True:
        end = dt.date(year, 6, 30) if half == 1 else dt.date(year, 12, 31)
        if end >= on:
            ends.append(on)
            return ends
        ends.append(end)
        year, half = (year, 2) if half == 1 else (year + 1, 1)


def half_year_label(day: dt.date) -> str:
    return f"{day.year}年{'上' if day.month <= 6 else '下'}半年"
