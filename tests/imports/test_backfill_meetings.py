"""Meetings entered once on the import's path: histories decided at one 支部大会 share its record
(within a file and with a meeting already recorded), and a row that states other counts for a
meeting already recorded is refused with both counts named."""

import dataclasses

import pytest

from cases import services
from cases.models import EventSource, Meeting, Vote
from cases.rules import VoteFacts
from cases.services.backfill import backfill_cases
from tests.imports.conftest import full_row
from tests.imports.test_backfill_equivalence import as_other_person, planned

pytestmark = pytest.mark.django_db


def _refusals():
    refused = []
    return refused, lambda item, exc: refused.append((item.ref, str(exc)))


def _with_present(item, present: int):
    """The same history, its 支部大会 (admission) stated with another 实到."""
    later = []
    for code, given in item.later:
        if code == "admission_meeting":
            given = dataclasses.replace(
                given,
                new_meeting=dataclasses.replace(given.new_meeting, present=present),
                vote=VoteFacts(yes=present),
            )
        later.append((code, given))
    return dataclasses.replace(item, later=later)


def test_two_rows_decided_at_one_meeting_write_it_once(county, secretary, book):
    actor = services.Actor(user=secretary, source=EventSource.IMPORT)
    item = planned(book, full_row(), secretary)
    refused, note = _refusals()
    written = backfill_cases([item, as_other_person(item, 41)], actor=actor, refused=note)
    assert not refused and len(written) == 2
    shared = Meeting.objects.filter(votes__case__in=written).distinct()
    # each meeting step of the row (支委会 ×3, 支部大会 ×2, 党委会 ×2) held once, deciding both people
    assert shared.count() == Meeting.objects.count()
    assert all(m.votes.count() == 2 for m in shared)


def test_a_meeting_already_recorded_is_reused_by_a_later_import(county, secretary, book):
    actor = services.Actor(user=secretary, source=EventSource.IMPORT)
    item = planned(book, full_row(), secretary)
    refused, note = _refusals()
    backfill_cases([item], actor=actor, refused=note)
    meetings = Meeting.objects.count()
    (later,) = backfill_cases([as_other_person(item, 42)], actor=actor, refused=note)
    assert not refused and Meeting.objects.count() == meetings
    assert Vote.objects.filter(case=later).count() == Vote.objects.exclude(case=later).count()


@pytest.mark.parametrize("first_saved", [True, False], ids=["recorded-before", "same-file"])
def test_a_row_stating_other_counts_for_a_recorded_meeting_is_refused(county, secretary, book, first_saved):
    actor = services.Actor(user=secretary, source=EventSource.IMPORT)
    item = planned(book, full_row(), secretary)
    present = next(g.new_meeting.present for c, g in item.later if c == "admission_meeting")
    other = _with_present(as_other_person(item, 43), present - 1)
    refused, note = _refusals()
    if first_saved:
        backfill_cases([item], actor=actor, refused=note)
        written = backfill_cases([other], actor=actor, refused=note)
    else:
        written = backfill_cases([item, other], actor=actor, refused=note)
    assert len(written) == (0 if first_saved else 1)
    ((_ref, message),) = refused
    assert (
        "支部党员大会已记录" in message
        and f"实到{present}人" in message
        and f"实到{present - 1}人" in message
    )
