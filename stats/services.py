"""Writes of the statistics boards: the 四色研判 (daily, and on demand) and the follow-ups.

judge_colours is the one place a colour is stored; record_follow_up and complete_follow_up the
one place a follow-up is written. Who may do either is cases.permissions (board_answer)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from branches.models import Organization, OrgKind
from cases import counting, tallies
from cases.permissions import board_answer
from stats import colours
from stats.models import BoardSettings, BranchColour, Colour, FollowUp


class InvalidFollowUp(Exception):
    pass


@transaction.atomic
def judge_colours(*, on: dt.date | None = None, branch_ids: list[int] | None = None) -> int:
    """Judge every branch (or those given) on `on` (default today) and store the day's colour,
    replacing a judgement of the same day, from the kept tallies (cases.tallies). Returns the
    number of branches judged."""
    on = on or timezone.localdate()
    settings = BoardSettings.current()
    branches = Organization.objects.filter(kind=OrgKind.BRANCH)
    if branch_ids is not None:
        branches = branches.filter(pk__in=branch_ids)
    ids = list(branches.values_list("pk", flat=True))
    last_admission = tallies.last_dates(counting.ADMISSION, ids, before=on)
    last_activist = tallies.last_dates(counting.ACTIVIST, ids, before=on)
    year_start = dt.date(on.year, 1, 1)
    admitted = tallies.counts_between(counting.ADMISSION, ids, year_start, on)
    activists = tallies.counts_between(counting.ACTIVIST, ids, year_start, on)
    now = timezone.now()
    rows = []
    for pk in ids:
        judgement = colours.judge(
            colours.BranchDates(last_admission.get(pk), last_activist.get(pk)), settings, on
        )
        rows.append(
            BranchColour(
                branch_id=pk,
                on=on,
                colour=judgement.colour,
                reasons=list(judgement.reasons),
                last_admission=last_admission.get(pk),
                admitted_this_year=admitted.get(pk, 0),
                activists_this_year=activists.get(pk, 0),
                judged_at=now,
            )
        )
    BranchColour.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["branch", "on"],
        update_fields=[
            "colour",
            "reasons",
            "last_admission",
            "admitted_this_year",
            "activists_this_year",
            "judged_at",
        ],
    )
    return len(rows)


@transaction.atomic
def record_follow_up(
    *, branch: Organization, colour: str, action: str, what: str, on: dt.date, done: bool, actor
) -> FollowUp:
    """A follow-up the committee records on a branch's colour (what, when, by whom, done or not)."""
    if not board_answer(actor, branch):
        raise PermissionDenied
    if colour not in Colour.values or colour == Colour.NONE:
        raise InvalidFollowUp("请选择针对的颜色")
    if on > timezone.localdate():
        raise InvalidFollowUp("日期不能晚于今天")
    item = FollowUp(
        branch=branch,
        colour=colour,
        action=action,
        what=what.strip(),
        on=on,
        by=actor,
        done=done,
        done_on=on if done else None,
    )
    item._history_user = actor
    item.save()
    return item


@transaction.atomic
def complete_follow_up(*, item: FollowUp, on: dt.date, actor) -> FollowUp:
    """Mark a follow-up done (落实) on `on`; done once, never undone."""
    item = FollowUp.objects.select_for_update().get(pk=item.pk)
    if not board_answer(actor, item.branch):
        raise PermissionDenied
    if item.done:
        raise InvalidFollowUp("该措施已标记为落实")
    if on < item.on or on > timezone.localdate():
        raise InvalidFollowUp("落实日期应在登记日期与今天之间")
    item.done, item.done_on = True, on
    item._history_user = actor
    item.save(update_fields=["done", "done_on"])
    return item
