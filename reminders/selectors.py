"""What the reminders' pages, the digest and the calendar feed read, always for one user: the
notices they were told (reminders.services.sweep wrote them, for the audience it found), and the
open deadlines they answer for — where one of their role grants covers the deadline's organization
in the deadline's role (the audience's own rule), or where they were told about it (escalations)."""

import datetime as dt
from functools import reduce
from operator import or_

from django.db.models import Exists, OuterRef, Q, QuerySet

from branches.permissions import role_grants
from cases.models import CaseDeadline, DeadlineKind
from reminders.models import Notice
from reminders.services.sweep import SOON_DAYS  # 「7 天内到期」

DATED = (DeadlineKind.DUE, DeadlineKind.LIMIT)  # an earliest date is never due


def unread_count(user) -> int:
    """The bell: one COUNT on the partial index notice_unread."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).count()


def notices_for(user) -> QuerySet[Notice]:
    return Notice.objects.filter(recipient=user).select_related("deadline__case__person", "deadline__org")


def notice_of(user, pk) -> Notice | None:
    return notices_for(user).filter(pk=pk).first()


def deadlines_for(user) -> QuerySet[CaseDeadline]:
    """The open deadlines of open cases the user answers for or was told about."""
    told = Exists(Notice.objects.filter(deadline=OuterRef("pk"), recipient=user))
    grants = [Q(role=g.role.value, org__path__startswith=g.org.path) for g in role_grants(user)]
    scope = reduce(or_, grants, Q(told))
    return (
        CaseDeadline.objects.filter(scope, met_on__isnull=True, case__outcome="")
        .select_related("case__person", "org")
        .order_by("due_on", "pk")
    )


def due_lists(user, today: dt.date, limit: int = 20) -> dict[str, list[CaseDeadline]]:
    """The 工作台's opening lists: 已逾期 and 7 天内到期 (due today included)."""
    dated = deadlines_for(user).filter(kind__in=DATED)
    return {
        "overdue": list(dated.filter(due_on__lt=today)[:limit]),
        "due_soon": list(
            dated.filter(due_on__gte=today, due_on__lte=today + dt.timedelta(days=SOON_DAYS))[:limit]
        ),
    }
