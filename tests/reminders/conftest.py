"""Helpers for the reminders' tests: a deadline row where a test wants it, and the notices as a set."""

import datetime as dt

import pytest

from branches.models import Role
from cases.models import CaseDeadline
from reminders.models import Notice

DAY = dt.date(2026, 11, 25)  # the sweep's day in these tests


def make_deadline(case, *, due_on, kind="due", role=Role.BRANCH_SECRETARY, org=None, key="test"):
    """A deadline of `case` as the write path would save it (its own rows of the case removed first)."""
    CaseDeadline.objects.filter(case=case).delete()
    return CaseDeadline.objects.create(
        case=case,
        key=key,
        step="initial_talk",
        rule="",
        kind=kind,
        title="测试期限",
        due_on=due_on,
        org=org or case.branch,
        role=role,
    )


def notices() -> set[tuple]:
    """(deadline key, recipient, threshold, due date) of every notice."""
    return set(Notice.objects.values_list("deadline__key", "recipient__username", "threshold", "due_on"))


@pytest.fixture
def everyone(personas):
    """Every persona holds a role somewhere: the sweep's audience is the whole county."""
    return personas
