"""The case page's 字段修改历史: the latest field changes users are shown, however long the history."""

import datetime as dt

import pytest

from cases import services
from cases.selectors import field_history
from demo.journey import advance

pytestmark = pytest.mark.django_db


def test_an_edit_made_before_all_25_steps_is_still_in_the_case_history(secretary, crew, case):
    """Every step moves the case's derived columns, which the history hides: a whole journey leaves
    more hidden-only rows after an early edit than the 40 changes the page shows."""
    services.update_person(
        case=case,
        changes={},
        reason="补录团组织推优",
        actor=secretary,
        case_changes={"league_recommended_on": dt.date(2022, 12, 20)},
    )
    advance(case, crew)
    assert case.history.count() > 41

    changes = {change for entry in field_history(case, secretary) for change in entry["changes"]}
    assert ("团组织推优日期", None, dt.date(2022, 12, 20)) in changes
    assert len(field_history(case, secretary, limit=2)) == 2  # still the latest two, newest first
