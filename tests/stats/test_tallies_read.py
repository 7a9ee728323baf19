"""The kept tallies (cases.tallies) answer what cases.counting counts, for any period — whole
months from the tallies, a month's part at either end from the case file — on the crafted county
(tests/stats/conftest.py: transfers, replaced records, side outcomes)."""

import datetime as dt

import pytest

from cases import counting, tallies
from stats import selectors

D = dt.date
pytestmark = pytest.mark.django_db

PERIODS = [
    (D(2026, 1, 1), D(2026, 6, 30)),  # whole months
    (D(2025, 5, 1), D(2025, 5, 1)),  # F's admission day alone
    (D(2025, 5, 2), D(2025, 8, 30)),  # starts after it, ends before the transfer month's end
    (D(2025, 12, 31), D(2026, 1, 1)),  # the year's turn: H's admission, B's first activist
    (D(2026, 3, 11), D(2026, 4, 30)),  # the day after A's admission
    (D(2017, 1, 1), D(2026, 6, 15)),  # everything up to today
]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_the_tallies_count_as_counting_does_for_any_period(crafted, start, end):
    ids = [b.pk for b in selectors.branches_under(crafted.county.dept)]
    for step in tallies.FLOW_KINDS:
        assert tallies.counts_between(step, ids, start, end) == counting.counts_between(step, ids, start, end)
        assert tallies.last_dates(step, ids, before=end) == counting.last_dates(step, ids, before=end)
    assert tallies.open_by_stage(ids) == counting.open_by_stage(ids)


def test_the_structure_measures_of_a_period_are_those_of_its_admissions(crafted):
    ids = [b.pk for b in selectors.branches_under(crafted.county.dept)]
    for start, end in PERIODS:
        admitted = counting.admission_rows(
            counting.counted_records(counting.ADMISSION, ids).filter(on__gte=start, on__lte=end)
        )
        cells = tallies.flow((counting.ADMISSION,), ids, start, end, by=("kind",))
        cell = cells.get((counting.ADMISSION,), {"n": 0, **dict.fromkeys(tallies.MEASURE_KEYS, 0)})
        assert cell["n"] == len(admitted)
        for m in counting.MEASURES:
            assert cell[m.key] == sum(1 for a in admitted if m.test(a))


DAYS = [D(2020, 1, 1), D(2021, 6, 1), D(2023, 12, 31), D(2024, 6, 1), D(2025, 5, 1), D(2025, 8, 1)]
DAYS += [D(2025, 8, 2), D(2025, 12, 31), D(2026, 1, 1), D(2026, 3, 10), D(2026, 6, 14), D(2026, 6, 15)]


@pytest.mark.parametrize("day", DAYS)
def test_the_activists_on_a_day_and_the_new_ones_are_counted_as_counting_does(crafted, day):
    for org in (crafted.county.dept, crafted.town):
        branches = selectors.branches_under(org)
        path_of = {b.pk: b.path for b in branches}
        ids = list(path_of)
        kept = {path_of[b]: n for b, n in tallies.activists_on(ids, day).items()}
        assert kept == {p: n for p, n in counting.activists_by_branch(org, day).items() if n}
        new = tallies.counts_between(tallies.NEW_ACTIVIST, ids, D(day.year, 1, 1), D(day.year, 12, 31))
        assert {path_of[b]: n for b, n in new.items()} == counting.new_activists_by_branch(org, day.year)
