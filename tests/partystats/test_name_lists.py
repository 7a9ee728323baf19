"""The name lists handed in beside the tables: 60岁及以上 在岗职工 admitted in the period, and
60岁及以上 取消预备党员资格 (at the probation's end, and before it) — age 59 and 60 on the counting
date, 在岗 and not, cancelled and converted; listed on the table page with their counts."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Outcome, Stage
from partystats import selectors
from partystats.selectors import YEAR, Period
from partystats.tables import BY_KEY, LISTS_BY_KEY
from tests import factories as f
from tests.partystats.conftest import admit, make_case, record

pytestmark = pytest.mark.django_db
d = dt.date
ANNUAL = Period(2026, YEAR)


def cancelled(branch, birth, start, end, on):
    """A 预备党员 whose probation ran start … end, 取消预备党员资格 on `on`."""
    return make_case(
        branch,
        stage=Stage.PROBATIONARY,
        birth=birth,
        probation_start=start,
        probation_end=end,
        outcome=Outcome.PROBATION_CANCELLED,
        outcome_on=on,
    )


@pytest.fixture
def elders(county):
    user = f.user("recorder")
    b = county.branch
    on = d(2026, 5, 10)
    return {
        # admitted on their 60th birthday, in post (公有制单位 党政机关): listed
        "E60": admit(b, on, user, birth=d(1966, 5, 10), person={"category": "pub_gov"}),
        # one day short of 60 on the approval date: not listed
        "E59": admit(b, on, user, birth=d(1966, 5, 11), person={"category": "prv_worker"}),
        # 60 and over but a farmer (not 在岗): not listed
        "F61": admit(b, on, user, birth=d(1965, 1, 1), person={"category": "farmer"}),
        # 60 but admitted in 2025: not in the period
        "OLD": admit(b, d(2025, 12, 31), user, birth=d(1960, 1, 1), person={"category": "pub_gov"}),
        # cancelled after the probation ended, 60 on its end: listed
        "C60": cancelled(b, d(1966, 2, 1), d(2025, 2, 1), d(2026, 2, 1), d(2026, 2, 15)),
        # cancelled, 59 on the probation's end: not listed
        "C59": cancelled(b, d(1966, 2, 2), d(2025, 2, 1), d(2026, 2, 1), d(2026, 2, 15)),
        # cancelled before the probation ended, 60 on the day it was cancelled: listed apart
        "X60": cancelled(b, d(1966, 5, 1), d(2026, 1, 10), d(2027, 1, 10), d(2026, 5, 1)),
        "user": user,
    }


def listed(key, org):
    return {c.pk for c in selectors.name_list_people(LISTS_BY_KEY[key], org, ANNUAL)}


def test_new_members_aged_60_and_over_in_post(county, elders):
    assert listed("employed_60", county.town) == {elders["E60"].pk}
    assert listed("employed_60", county.other_town) == set()


def test_cancelled_aged_60_and_over_at_the_end_and_before_it(county, elders):
    assert listed("cancelled_60", county.town) == {elders["C60"].pk}
    assert listed("cancelled_early_60", county.town) == {elders["X60"].pk}


def test_a_converted_member_of_60_is_not_on_the_cancelled_list(county, elders):
    converted = make_case(
        county.branch,
        stage=Stage.FULL_MEMBER,
        birth=d(1960, 1, 1),
        probation_start=d(2025, 3, 1),
        probation_end=d(2026, 3, 1),
    )
    record(converted, "conversion_approval", d(2026, 3, 10), elders["user"])
    assert converted.pk not in listed("cancelled_60", county.town)


def test_the_counts_beside_each_table(county, elders):
    counts = {n.key: k for n, k in selectors.name_lists(BY_KEY["development1"], county.town, ANNUAL)}
    assert counts == {"employed_60": 1}
    counts = {n.key: k for n, k in selectors.name_lists(BY_KEY["conversion"], county.town, ANNUAL)}
    assert counts == {"cancelled_60": 1, "cancelled_early_60": 1}
    assert selectors.name_lists(BY_KEY["targets"], county.town, ANNUAL) == []


def test_the_table_page_links_each_list_and_the_list_names_its_people(client, county, elders, officer):
    client.force_login(officer)
    query = f"?org={county.town.pk}&year=2026&kind=year"
    page = client.get(reverse("partystats:table", args=["development1"]) + query).content.decode()
    link = reverse("partystats:name_list", args=["employed_60"])
    assert link in page and "60岁及以上在岗职工发展党员名单" in page
    listing = client.get(link + query)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert elders["E60"].person.name in html and elders["E59"].person.name not in html


def test_an_unknown_list_or_an_organization_outside_scope_is_404(client, county, elders, officer):
    client.force_login(officer)
    assert client.get(reverse("partystats:name_list", args=["nope"])).status_code == 404
    link = reverse("partystats:name_list", args=["employed_60"])
    assert client.get(f"{link}?org={county.other_town.pk}").status_code == 404
