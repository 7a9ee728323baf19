"""Pure units the rules stand on: 公民身份号码, calendar months, ages and working days."""

import datetime as dt

import pytest

from cases import idcard
from cases.dates import add_months, add_years, age_on, fmt
from cases.models import Holiday
from cases.workdays import WorkdayCalendar, seed_from_package

d = dt.date
PACKAGE = WorkdayCalendar(overrides={})  # the chinese-calendar package alone, no DB


# ---- 公民身份号码 ------------------------------------------------------------------------------------


def test_it_parses_the_example_number_of_the_standard():
    parsed = idcard.parse("11010519491231002X")  # GB 11643-1999 example
    assert (parsed.birth_date, parsed.gender, parsed.value) == (d(1949, 12, 31), "F", "11010519491231002X")


@pytest.mark.parametrize("birth", [d(1949, 12, 31), d(2000, 2, 29), d(2005, 3, 15)])
@pytest.mark.parametrize("gender", ["M", "F"])
@pytest.mark.parametrize("sequence", [0, 1, 42, 99, 123, 499])
def test_it_parses_back_every_number_it_makes(birth, gender, sequence):
    number = idcard.make("330102", birth, sequence, gender)
    parsed = idcard.parse(number)
    assert (parsed.value, parsed.birth_date, parsed.gender) == (number, birth, gender)


def test_it_computes_x_as_a_check_digit_and_accepts_it_in_lower_case():
    number = idcard.make("330102", d(1990, 5, 1), 0, "M")
    assert number == "33010219900501001X"
    assert idcard.parse(number.lower()).value == number
    with pytest.raises(idcard.InvalidIdNumber, match="校验位"):
        idcard.parse(number[:-1] + "0")


def test_it_accepts_full_width_input_and_stores_it_as_ascii():
    full_width = "１１０１０５ １９４９１２３１ ００２Ｘ"
    assert idcard.parse(full_width).value == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "says"),
    [
        ("", "18位"),
        ("11010519491231002", "18位"),
        ("11010519491231002XX", "18位"),
        ("1101051949123100AX", "18位"),
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "18位"),  # Arabic-Indic digits are digits, but not ours
        ("110105194912310021", "校验位"),
    ],
)
def test_it_rejects_malformed_numbers(raw, says):
    with pytest.raises(idcard.InvalidIdNumber, match=says):
        idcard.parse(raw)


def test_it_rejects_a_number_whose_birth_date_does_not_exist():
    body = "33010220230229" + "001"  # 2023 has no 29 February
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    number = body + "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    with pytest.raises(idcard.InvalidIdNumber, match="出生日期无效"):
        idcard.parse(number)


def test_it_masks_the_birth_date_the_sequence_code_and_the_check_digit():
    number = "11010519491231002X"
    masked = idcard.mask(number)
    assert masked == "110105************" and len(masked) == 18
    assert "19491231" not in masked and "002X" not in masked
    assert idcard.mask("12345") == "*****"


# ---- calendar months and ages --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (d(2024, 1, 31), 1, d(2024, 2, 29)),
        (d(2023, 1, 31), 1, d(2023, 2, 28)),
        (d(2023, 3, 31), 1, d(2023, 4, 30)),
        (d(2023, 8, 31), 6, d(2024, 2, 29)),
        (d(2023, 12, 15), 1, d(2024, 1, 15)),
        (d(2023, 3, 31), -1, d(2023, 2, 28)),
        (d(2023, 1, 15), -1, d(2022, 12, 15)),
        (d(2023, 5, 20), 12, d(2024, 5, 20)),
        (d(2023, 5, 20), 0, d(2023, 5, 20)),
    ],
)
def test_it_adds_calendar_months_clamped_to_the_month_end(day, months, expected):
    assert add_months(day, months) == expected


def test_it_adds_years_from_29_february():
    assert add_years(d(2020, 2, 29), 1) == d(2021, 2, 28)
    assert add_years(d(2020, 2, 29), 4) == d(2024, 2, 29)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (d(2005, 3, 15), d(2023, 3, 14), 17),
        (d(2005, 3, 15), d(2023, 3, 15), 18),
        (d(2005, 3, 15), d(2023, 12, 31), 18),
        (d(2004, 2, 29), d(2022, 2, 27), 17),
        (d(2004, 2, 29), d(2022, 2, 28), 18),
        (d(2004, 2, 29), d(2024, 2, 28), 19),
        (d(2004, 2, 29), d(2024, 2, 29), 20),
        (d(1995, 3, 15), d(2023, 3, 14), 27),
        (d(1995, 3, 15), d(2023, 3, 15), 28),
    ],
)
def test_it_counts_completed_years(birth, day, age):
    assert age_on(birth, day) == age


def test_it_formats_a_missing_date_as_a_dash():
    assert (fmt(d(2026, 5, 11)), fmt(None)) == ("2026-05-11", "—")


# ---- working days from the package ---------------------------------------------------------------


def test_it_counts_working_days_across_national_day_2026():
    assert PACKAGE.count(d(2026, 9, 28), d(2026, 10, 8)) == 4  # 11 calendar days, 1–7 Oct off
    assert PACKAGE.count(d(2026, 9, 28), d(2026, 10, 9)) == 5
    assert PACKAGE.count(d(2026, 10, 1), d(2026, 10, 7)) == 0


def test_it_counts_both_ends_and_nothing_backwards():
    assert PACKAGE.count(d(2026, 10, 9), d(2026, 10, 9)) == 1
    assert PACKAGE.count(d(2026, 10, 9), d(2026, 10, 8)) == 0


def test_it_counts_a_weekend_made_a_workday_by_the_holiday_schedule():
    assert PACKAGE.is_workday(d(2026, 10, 10))  # Saturday, 调休上班
    assert not PACKAGE.is_workday(d(2026, 10, 11))  # an ordinary Sunday


def test_it_ends_a_period_of_working_days_on_a_working_day():
    assert PACKAGE.add(d(2026, 9, 28), 5) == d(2026, 10, 9)
    assert PACKAGE.add(d(2026, 10, 1), 1) == d(2026, 10, 8)  # starting on a holiday
    assert PACKAGE.add(d(2026, 10, 9), 1) == d(2026, 10, 9)
    with pytest.raises(ValueError):
        PACKAGE.add(d(2026, 10, 9), 0)


def test_it_falls_back_to_weekdays_beyond_the_package():
    assert PACKAGE.is_workday(d(2027, 1, 1))  # a Friday the package does not know yet
    assert not PACKAGE.is_workday(d(2027, 1, 2))
    assert PACKAGE.count(d(2027, 1, 4), d(2027, 1, 10)) == 5


# ---- admin overrides (cases.Holiday) ---------------------------------------------------------------


@pytest.mark.django_db
def test_it_lets_admin_rows_override_the_package():
    Holiday.objects.create(date=d(2026, 10, 8), is_workday=False, name="临时放假")
    Holiday.objects.create(date=d(2026, 10, 3), is_workday=True, name="临时加班")
    calendar = WorkdayCalendar()
    assert not calendar.is_workday(d(2026, 10, 8)) and calendar.is_workday(d(2026, 10, 3))
    assert calendar.count(d(2026, 9, 28), d(2026, 10, 9)) == 5  # −8 Oct, +3 Oct
    assert calendar.add(d(2026, 10, 1), 1) == d(2026, 10, 3)


@pytest.mark.django_db
def test_it_lets_admin_rows_fill_years_beyond_the_package():
    Holiday.objects.create(date=d(2027, 1, 1), is_workday=False, name="元旦")
    assert not WorkdayCalendar().is_workday(d(2027, 1, 1))
    assert WorkdayCalendar().count(d(2026, 12, 28), d(2027, 1, 3)) == 4


@pytest.mark.django_db
def test_it_seeds_the_table_from_the_package_and_keeps_admin_edits():
    Holiday.objects.create(date=d(2026, 10, 1), is_workday=True, name="管理员改动")
    created = seed_from_package(range(2026, 2028))
    assert created > 0 and not Holiday.objects.filter(date__year=2027).exists()
    national = Holiday.objects.get(date=d(2026, 10, 2))
    assert (national.is_workday, national.name) == (False, "国庆节")
    swapped = Holiday.objects.get(date=d(2026, 10, 10))
    assert (swapped.is_workday, swapped.name) == (True, "国庆节调休上班")
    assert not Holiday.objects.filter(date=d(2026, 10, 3)).exists()  # a weekend off needs no row
    assert Holiday.objects.get(date=d(2026, 10, 1)).name == "管理员改动"
    assert seed_from_package(range(2026, 2027)) == 0  # idempotent

    Holiday.objects.filter(date=d(2026, 10, 1)).delete()
    seed_from_package(range(2026, 2027))
    seeded = WorkdayCalendar()
    for start in (d(2026, 1, 1), d(2026, 4, 20), d(2026, 9, 14)):
        end = start + dt.timedelta(days=40)
        assert seeded.count(start, end) == PACKAGE.count(start, end)
