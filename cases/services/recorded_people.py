"""The contacts and introducers a step record names, saved as they were when it was recorded.

Each link is a StepRecordPerson with its copy of the member (name, 党员类别, 处分), and — as
simple-history would write for an m2m change — a copy of that row on the record's history row.
One step (perform_step, transfer_case) saves them here; an import in bulk (backfill) writes the
same rows with `history_rows`."""

from django.apps import apps

from branches.models import PartyMember
from cases.models import StepRecord, StepRecordPerson


def people_as_now(record: StepRecord, members: list[PartyMember]) -> list[StepRecordPerson]:
    """The members as the roster has them on the day the step is recorded (unsaved)."""
    return [StepRecordPerson.as_now(record, member) for member in members]


def history_rows(rows: list[dict], history_id: int) -> list[dict]:
    """The m2m history rows of a record's links (columns by attname) on one of its history rows."""
    return [row | {"history_id": history_id} for row in rows]


def link_history_model():
    return apps.get_model("cases", "HistoricalStepRecordPerson")


def save_people(record: StepRecord, people: list[StepRecordPerson]) -> None:
    """Save a just-saved record's people, and their copy on the history row that save wrote."""
    if not people:
        return
    StepRecordPerson.objects.bulk_create(people)
    history_id = record.history.order_by("-history_id").values_list("history_id", flat=True).first()
    columns = [f.attname for f in StepRecordPerson._meta.concrete_fields]
    rows = [{name: getattr(person, name) for name in columns} for person in people]
    model = link_history_model()
    model.objects.bulk_create([model(**row) for row in history_rows(rows, history_id)])


__all__ = ["history_rows", "link_history_model", "people_as_now", "save_people"]
