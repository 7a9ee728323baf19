"""Meetings (支委会, 支部大会, 党委会): one record each, checked once, whoever records it."""

import datetime as dt

from django.db import transaction

from branches.models import Organization
from cases.models import Meeting
from cases.permissions import meeting_answer
from cases.rules import MeetingFacts
from cases.services.actors import as_actor, granted
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


def save_meeting(**spec) -> Meeting:
    """Check and write a meeting the caller has authorised (record_meeting)."""
    check_meeting(
        held_on=spec["held_on"],
        entitled=spec["entitled"],
        present=spec["present"],
        minutes=spec.get("minutes"),
    )
    meeting = build_meeting(**spec)
    meeting.save()
    return meeting


@transaction.atomic
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
    """One record per meeting; a 党委会 record can then decide several cases."""
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


@transaction.atomic
def record_meeting_once(*, org: Organization, body: str, held_on: dt.date, actor, **spec) -> Meeting:
    """The meetings page's write: a meeting of the same organization, body and day already recorded
    is refused (a double click, a resent form), so that it is entered once and chosen by the steps."""
    actor = as_actor(actor)
    granted(meeting_answer(actor.user, org, body))
    # A second submit of the same meeting (a double click, a resent form) waits for the first, then is refused.
    Organization.objects.select_for_update().filter(pk=org.pk).first()
    if Meeting.objects.filter(org=org, body=body, held_on=held_on).exists():
        raise InvalidInput(
            f"{org.name}{held_on:%Y年%-m月%-d日}的{Meeting(body=body).get_body_display()}已记录，请直接选用"
        )
    return record_meeting(org=org, body=body, held_on=held_on, actor=actor, **spec)
