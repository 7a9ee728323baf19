"""The bulk writer for imported histories writes what deciding the same history and saving it
one object at a time with ordinary saves writes (as perform_step saves a step): the same records,
meetings, votes, people, 公示, summary columns, events (hash-chained) and history rows, and the
people as recorded (name, 党员类别, 处分) — for a full 25-step row, a 2026 row with 公示 and a
probation extended and then converted. Both go through the one decider, decide_history."""

import copy
import dataclasses
import datetime as dt

import pytest
from django.apps import apps

from cases import services
from cases.context import RuleContext
from cases.models import Case, CaseEvent, EventSource, StepRecord, StepRecordPerson
from cases.services.backfill import Backfill, backfill_cases
from cases.services.events import verify_chain
from cases.services.history import decide_history
from cases.services.step_service import save_write
from imports.importer.pipeline import check_file
from imports.importer.writer import backfill
from tests.cases.conftest import SUMMARY_FIELDS
from tests.imports.conftest import full_row, person
from tests.imports.test_rule_codes import ROW_2026

pytestmark = pytest.mark.django_db
d = dt.date


def planned(book, row: dict, user) -> Backfill:
    (plan, report), *_ = check_file(book([row]), user=user).rows
    assert report.importable, report.messages
    return backfill(plan, warning_reason="旧台账补录", label="equivalence.xlsx")


def step_by_step(item: Backfill, actor) -> Case:
    """The same decider, then each object saved on its own: save() leaves the simple-history row,
    save_write saves a step as perform_step does, each event is chained onto the saved one before."""
    decided = decide_history(item, actor=actor, rules=RuleContext.current())
    assert decided.error is None, decided.error
    decided.person.save()
    decided.case.save()
    for write in decided.writes:
        save_write(write)
    if decided.publicity is not None:
        decided.publicity.save()
    for deadline in decided.deadlines:
        deadline.case = decided.case
        deadline.save()
    previous = ""
    for seq, event in enumerate(decided.events, start=1):
        event.case = decided.case
        event.seq, event.prev_hash = seq, previous
        event.save()
        previous = event.hash
    return decided.case


def as_other_person(item: Backfill, n: int) -> Backfill:
    twin = person(n)
    return dataclasses.replace(
        item,
        person={**item.person, "name": twin["姓名"], "id_number": twin["公民身份号码"]},
        later=[(code, copy.copy(given)) for code, given in item.later],
    )


def extended_then_converted(item: Backfill) -> Backfill:
    """The 转正 meeting extends probation by 6 months; then 转正 is applied for, voted and approved."""
    later = [(code, copy.copy(given)) for code, given in item.later if code != "archiving"]
    meeting = next(given for code, given in later if code == "conversion_meeting")
    meeting.data = {"resolution": "extend", "extension_months": 6}
    again = [
        ("conversion_application", d(2023, 11, 1)),
        ("conversion_meeting", d(2023, 11, 25)),
        ("conversion_approval", d(2023, 12, 10)),
        ("archiving", d(2023, 12, 20)),
    ]
    for code, on in again:
        template = copy.copy(next(given for c, given in item.later if c == code))
        template.on, template.data = on, {"resolution": "convert"} if code == "conversion_meeting" else {}
        later.append((code, template))
    return dataclasses.replace(item, later=later)


def snapshot(case: Case) -> dict:
    """What both writers must agree on (ids, times and names of the person aside)."""
    case.refresh_from_db()
    records = StepRecord.objects.filter(case=case).order_by("pk")
    people_history = apps.get_model("cases", "HistoricalStepRecordPerson")
    as_recorded = ("member_id", *StepRecordPerson.SNAPSHOT_FIELDS)
    return {
        "summary": {f: getattr(case, f) for f in (*SUMMARY_FIELDS, "league_recommended_on")},
        "records": [
            (
                r.step,
                r.on,
                r.data,
                r.note,
                r.rule_set,
                r.is_current,
                r.org_id,
                r.recorded_by_id,
                (r.meeting.body, r.meeting.org_id, r.meeting.held_on, r.meeting.entitled, r.meeting.present)
                if r.meeting
                else None,
                sorted(r.recorded_people.values_list(*as_recorded)),
            )
            for r in records
        ],
        "votes": sorted(case.votes.values_list("step", "yes", "no", "abstain", "meeting__entitled")),
        "publicities": list(case.publicities.values_list("start_on", "end_on", "note")),
        "deadlines": sorted(
            case.deadlines.values_list(
                "key", "step", "rule", "kind", "title", "due_on", "org_id", "role", "met_on"
            )
        ),
        "events": [
            (
                e.kind,
                e.step,
                e.summary.replace(case.person.name, "某"),
                e.occurred_on,
                e.role,
                e.org_id,
                e.source,
            )
            + (e.warnings, e.note, e.actor_id)
            for e in CaseEvent.objects.filter(case=case).order_by("pk")
        ],
        "chain_intact": verify_chain(case) == [],
        "record_history": sorted(
            set(StepRecord.history.filter(case_id=case.pk).values_list("step", "is_current"))
        ),
        "people_history": sorted(
            set(people_history.objects.filter(record__case=case).values_list("history__step", *as_recorded))
        ),
        "person_history": case.person.history.count() >= 1,
        "case_history": case.history.exists(),
    }


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param(lambda item: item, id="full-25-steps-2014"),
        pytest.param(extended_then_converted, id="probation-extended-then-converted"),
    ],
)
def test_bulk_and_step_by_step_write_the_same_history(county, secretary, book, today, shape):
    actor = services.Actor(user=secretary, source=EventSource.IMPORT)
    item = shape(planned(book, full_row(), secretary))
    twin = as_other_person(item, 77)

    (bulk,) = backfill_cases([item], actor=actor, refused=lambda item, exc: pytest.fail(str(exc)))
    single = step_by_step(twin, actor)

    bulk_snapshot = snapshot(bulk)
    assert bulk_snapshot == snapshot(single)
    assert {step for step, *_ in bulk_snapshot["people_history"]} == {
        "contacts_assigned",
        "introducers_assigned",
    }


def test_bulk_and_step_by_step_agree_on_a_2026_row_with_publicity_and_warnings(
    county, secretary, book, today
):
    actor = services.Actor(user=secretary, source=EventSource.IMPORT)
    row = dict(ROW_2026, 谈话日期=ROW_2026["申请入党日期"] + dt.timedelta(days=45))  # W01: talk late
    item = planned(book, row, secretary)
    twin = as_other_person(item, 78)

    (bulk,) = backfill_cases([item], actor=actor, refused=lambda item, exc: pytest.fail(str(exc)))
    single = step_by_step(twin, actor)

    bulk_snapshot = snapshot(bulk)
    assert bulk_snapshot == snapshot(single)
    assert bulk_snapshot["publicities"]
    assert bulk_snapshot["deadlines"]  # the history stops before 转正: its open deadlines are kept
    assert any(
        w["code"] == "W01" and w["reason"] == "旧台账补录" for e in bulk_snapshot["events"] for w in e[7]
    )
