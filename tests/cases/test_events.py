"""The event trail: every write appends one hash-chained event; nobody can change or remove one,
not through the model, not through a bulk query, not with raw SQL; tampering below that shows."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.db.models.deletion import ProtectedError

from cases.models import CaseEvent
from cases.services.events import verify_chain
from demo.journey import advance

pytestmark = pytest.mark.django_db

d = dt.date


@pytest.fixture
def trail(case, crew, kit):
    """A case with a short trail: open, application, talk (with a warning and its reason), activist."""
    kit.do(case, "initial_talk", d(2023, 2, 20), crew, warning_reason="书记住院")
    advance(case, crew, until="activist_selection")
    return list(CaseEvent.objects.filter(case=case).order_by("pk"))


def test_it_chains_each_event_to_the_one_before(case, trail):
    assert [e.kind for e in trail] == ["open", "step", "step", "step"]
    assert trail[0].prev_hash == ""
    for before, after in zip(trail, trail[1:], strict=False):
        assert after.prev_hash == before.hash
    assert all(e.hash == e.compute_hash() for e in trail)
    assert verify_chain(case) == []


def test_it_records_who_acted_in_which_role_for_which_organization(case, crew, trail):
    talk = trail[2]
    assert (talk.step, talk.actor, talk.role, talk.org, talk.source) == (
        "initial_talk",
        crew.secretary,
        "branch_secretary",
        case.branch,
        "web",
    )
    assert talk.occurred_on == d(2023, 2, 20)
    assert [(w["code"], w["reason"]) for w in talk.warnings] == [("W01", "书记住院")]


def test_it_refuses_to_save_an_existing_event(trail):
    event = trail[1]
    event.summary = "改写历史"
    with pytest.raises(PermissionError):
        event.save()
    event.refresh_from_db()
    assert event.summary != "改写历史"


def test_it_refuses_to_delete_an_event(trail):
    with pytest.raises(PermissionError):
        trail[1].delete()
    assert CaseEvent.objects.filter(pk=trail[1].pk).exists()


def test_the_database_refuses_a_bulk_update(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=trail[1].pk).update(summary="x")
    assert CaseEvent.objects.get(pk=trail[1].pk).summary == trail[1].summary


def test_the_database_refuses_a_bulk_delete_and_raw_sql(trail):
    with pytest.raises(DatabaseError), transaction.atomic():
        CaseEvent.objects.filter(pk=trail[1].pk).delete()
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE cases_caseevent SET note = 'x' WHERE id = %s", [trail[2].pk])
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM cases_caseevent WHERE id = %s", [trail[2].pk])
    assert CaseEvent.objects.filter(case=trail[0].case).count() == len(trail)


def test_a_case_with_events_cannot_be_deleted(case, trail):
    with pytest.raises(ProtectedError), transaction.atomic():
        case.delete()


def _drop_triggers():
    """What someone with raw database access could do; rolled back with the test's transaction."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("DROP TRIGGER cases_event_no_update ON cases_caseevent")
        else:
            cursor.execute("DROP TRIGGER cases_event_no_update")
            cursor.execute("DROP TRIGGER cases_event_no_delete")


def test_verify_chain_finds_an_event_whose_content_was_changed(case, trail):
    _drop_triggers()
    CaseEvent.objects.filter(pk=trail[2].pk).update(summary="2. 党组织派人谈话（2023-02-01）")
    assert verify_chain(case) == [trail[2].pk]


def test_verify_chain_finds_a_removed_warning_reason(case, trail):
    _drop_triggers()
    CaseEvent.objects.filter(pk=trail[2].pk).update(warnings=[])
    assert verify_chain(case) == [trail[2].pk]


def test_verify_chain_finds_a_rehashed_event_by_its_broken_link(case, trail):
    """Recomputing the hash of a changed event does not help: the next event still points at the
    old hash."""
    _drop_triggers()
    forged = CaseEvent.objects.get(pk=trail[1].pk)
    forged.note = "补记"
    CaseEvent.objects.filter(pk=forged.pk).update(note=forged.note, hash=forged.compute_hash())
    assert verify_chain(case) == [trail[2].pk]


def test_verify_chain_finds_a_removed_event(case, trail):
    _drop_triggers()
    CaseEvent.objects.filter(pk=trail[1].pk).delete()
    assert verify_chain(case) == [trail[2].pk]


def test_it_changes_the_hash_with_any_audited_field(trail):
    event = trail[2]
    original = event.compute_hash()
    for field, value in [
        ("summary", "x"),
        ("occurred_on", d(2023, 2, 21)),
        ("actor_id", event.actor_id + 1000),
        ("role", "committee_officer"),
        ("org_id", event.org_id + 1000),
        ("ip", "10.0.0.1"),
        ("source", "import"),
        ("warnings", []),
        ("note", "x"),
        ("prev_hash", "0" * 64),
    ]:
        changed = CaseEvent.objects.get(pk=event.pk)
        setattr(changed, field, value)
        assert changed.compute_hash() != original, field
