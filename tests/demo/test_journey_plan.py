"""The journey's rhythm is defined once: the plan in memory (bulk histories, the demo builder's
application dates) gives exactly the dates `advance` records through the services."""

import datetime as dt

import pytest

from cases.context import RuleContext
from demo import journey
from tests.factories import new_case
from tests.factories import rules_2026_from as set_rules_2026_from

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("rules_2026_from", [dt.date(2030, 1, 1), dt.date(2020, 1, 1)], ids=["2014", "2026"])
def test_it_plans_in_memory_the_dates_advance_records(county, secretary, crew, rules_2026_from):
    set_rules_2026_from(rules_2026_from)
    applied = dt.date(2023, 1, 10)

    planned = journey.plan(applied, RuleContext.current())
    case = journey.advance(new_case(county.branch, secretary, applied_on=applied), crew)

    assert dict(case.records.filter(is_current=True).values_list("step", "on")) == planned.dates
    publicity = case.publicities.values_list("start_on", "end_on").first()
    assert publicity == planned.publicity
    assert (publicity is None) == (rules_2026_from.year == 2030)
