"""Meetings (支委会, 支部大会, 党委会): one record each, checked once, whoever records it."""

import datetime as dt

from django.db import IntegrityError, transaction

from branches.models import Organization
from cases.models import Meeting
from cases.permissions import meeting_answer
from cases.rules import MeetingFacts
from cases.services.actors import as_actor, granted, writes
from cases.services.errors import InvalidInput, refuse_out_of_range, refuse_problems
from cases.services.uploads import validate_upload


def check_meeting(*, held_on: dt.date, entitled: int, present: int, minutes=None) -> None:
    """What makes a meeting impossible to record (raises InvalidInput)."""
    refuse_out_of_range(held_on)
    refuse_problems(MeetingFacts(entitled, present).problems())
    if minutes is not None:
        validate_upload(minutes)


def build_meeting(
    *,
    org: Organization,
    body: str,
    held_on: dt.date,
    entitled: int,
    present: int,
    user,
    note="",
    minutes=None,
) -> Meeting:
    """An unsaved meeting of values already checked (check_meeting): a step may bring its own,
    which the writer saves with the step."""
    meeting = Meeting(
        org=org, body=body, held_on=held_on, entitled=entitled, present=present, note=note, created_by=user
    )
    if minutes is not None:
        meeting.minutes = minutes
    meeting._history_user = user
    return meeting


def body_label(body: str) -> str:
    """The body's name, for a saved Meeting or a step's MeetingDraft alike (a draft has no
    get_body_display)."""
    return dict(Meeting._meta.get_field("body").choices)[body]


class MeetingRecorded(InvalidInput):
    """The organization's meeting of that kind on that day is already recorded: pick it."""

    def __init__(self, meeting: Meeting):
        super().__init__(
            f"{meeting.org.name}{meeting.held_on:%Y年%-m月%-d日}的{body_label(meeting.body)}已记录，请直接选用"
        )
        self.meeting = meeting


def meeting_of_day(org: Organization, body: str, held_on: dt.date) -> Meeting | None:
    """The organization's recorded meeting of that kind on that day (there is at most one)."""
    return Meeting.objects.filter(org=org, body=body, held_on=held_on).select_related("org").first()


def refuse_if_recorded(org: Organization, body: str, held_on: dt.date) -> None:
    if (meeting := meeting_of_day(org, body, held_on)) is not None:
        raise MeetingRecorded(meeting)


def insert_meeting(meeting: Meeting) -> None:
    """Save a new meeting; one recorded meanwhile by another request (a double submit that passed
    the check at the same moment) is refused by the database's constraint, and said so."""
    try:
        with transaction.atomic():
            meeting.save()
    except IntegrityError:
        if (recorded := meeting_of_day(meeting.org, meeting.body, meeting.held_on)) is not None:
            raise MeetingRecorded(recorded) from None
        raise


def save_meeting(**spec) -> Meeting:
    """Check and write a meeting the caller has authorised (record_meeting)."""
    check_meeting(
        held_on=spec["held_on"],
        entitled=spec["entitled"],
        present=spec["present"],
        minutes=spec.get("minutes"),
    )
    refuse_if_recorded(spec["org"], spec["body"], spec["held_on"])
    meeting = build_meeting(**spec)
    insert_meeting(meeting)
    return meeting


@writes
def record_meeting(
    *,
    org: Organization,
    body: str,
    held_on: dt.date,
    entitled: int,
    present: int,
    actor,
    note="",
    minutes=None,
) -> Meeting:
    """One record per meeting (organization, kind, day): a meeting already recorded is refused
    (MeetingRecorded: pick it), whoever asks — the meetings page, a step form, a desk, the demo.
    A 支委会 / 支部大会 / 党委会 record can then decide several cases."""
    actor = as_actor(actor)
    granted(meeting_answer(actor.user, org, body))
    return save_meeting(
        org=org,
        body=body,
        held_on=held_on,
        entitled=entitled,
        present=present,
        user=actor.user,
        note=note,
        minutes=minutes,
    )
