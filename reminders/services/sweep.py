"""The daily sweep: every open deadline (cases.CaseDeadline) that reached a threshold on `day`
becomes a Notice for each person responsible, in a handful of INSERT … SELECT … ON CONFLICT DO
NOTHING statements — sets in SQL, never case by case in Python, on PostgreSQL and SQLite alike.

- Thresholds: an earliest date reached → 已可办理; due within 7 days → 7天内到期; due today →
  今日到期; past due → 已逾期; a branch step overdue for ReminderSettings' days → its approving
  committee's officers, then the department (reminders.services.audience says who).
- The conditions of one audience exclude each other, so a sweep that missed some days tells each
  person only the most severe threshold reached, never a burst of stale ones.
- Each notice is unique in the database per (deadline, due date, threshold, recipient): running
  the sweep again, ten times or twice at once adds nothing; a sweep that failed half-way rolled
  back as a whole (one transaction) and its rerun misses nothing.
- A met deadline (met_on set) is skipped: its notices stop.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from branches.models import Role
from cases.models import CaseDeadline, DeadlineKind
from reminders.models import Notice, ReminderSettings, Threshold
from reminders.services.audience import audience

SOON_DAYS = 7  # 7天内到期

_AUDIENCE = "reminder_audience"
_ROWS_PER_INSERT = 300  # 900 parameters: within SQLite's oldest limit (999)


@dataclass
class SweepResult:
    day: dt.date
    counts: dict[str, int] = field(default_factory=dict)  # threshold → notices added
    notices: list[Notice] = field(default_factory=list)  # what was added (when asked to list them)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def _conditions(day: dt.date, settings_row: ReminderSettings) -> list[tuple[Threshold, str, str, list]]:
    """(threshold, the audience it goes to — an SQL expression —, condition on d, parameters)."""
    own, branch = "d.role", f"'{Role.BRANCH_SECRETARY.value}'"
    earliest = f"d.kind = '{DeadlineKind.EARLIEST.value}'"
    # Written as IN, not <> earliest, so that the (kind, due_on) index serves it.
    dated = f"d.kind IN ('{DeadlineKind.DUE.value}', '{DeadlineKind.LIMIT.value}')"
    committee = day - dt.timedelta(days=settings_row.escalate_committee_days)
    department = day - dt.timedelta(days=settings_row.escalate_department_days)
    soon = day + dt.timedelta(days=SOON_DAYS)
    return [
        (Threshold.AVAILABLE, own, f"{earliest} AND d.due_on <= %s", [day]),
        (Threshold.SOON, own, f"{dated} AND d.due_on > %s AND d.due_on <= %s", [day, soon]),
        (Threshold.TODAY, own, f"{dated} AND d.due_on = %s", [day]),
        (Threshold.OVERDUE, own, f"{dated} AND d.due_on < %s", [day]),
        (
            Threshold.ESCALATED_COMMITTEE,
            f"'{Threshold.ESCALATED_COMMITTEE.value}'",
            f"{dated} AND d.role = {branch} AND d.due_on <= %s",
            [committee],
        ),
        (
            Threshold.ESCALATED_DEPARTMENT,
            f"'{Threshold.ESCALATED_DEPARTMENT.value}'",
            f"{dated} AND d.role = {branch} AND d.due_on <= %s",
            [department],
        ),
    ]


def sweep(
    day: dt.date | None = None, *, dry_run: bool = False, listing: bool = False, _after=None
) -> SweepResult:
    """Add the notices due on `day` (default: today in Asia/Shanghai). `dry_run`: work them out and
    roll back (with `listing`, the result lists them). `_after(threshold)`: a test's hook, called
    after each statement (to fail half-way)."""
    day = day or timezone.localdate()
    result = SweepResult(day, dry_run=dry_run)
    settings_row = ReminderSettings.current()
    now = timezone.now()
    ops = connection.ops
    with transaction.atomic():
        with connection.cursor() as cursor:
            _load_audience(cursor)
            notice, deadline = Notice._meta.db_table, CaseDeadline._meta.db_table
            for threshold, who, condition, params in _conditions(day, settings_row):
                cursor.execute(
                    f"INSERT INTO {notice} (deadline_id, recipient_id, threshold, due_on, swept_on, created_at) "
                    f"SELECT d.id, a.user_id, %s, d.due_on, %s, %s FROM {deadline} d "
                    f"JOIN {_AUDIENCE} a ON a.org_id = d.org_id AND a.audience = {who} "
                    f"WHERE d.met_on IS NULL AND {condition} "
                    "ON CONFLICT DO NOTHING",
                    [
                        threshold.value,
                        ops.adapt_datefield_value(day),
                        ops.adapt_datetimefield_value(now),
                        *(ops.adapt_datefield_value(p) for p in params),
                    ],
                )
                result.counts[threshold.value] = max(cursor.rowcount, 0)
                if _after is not None:
                    _after(threshold)
            cursor.execute(f"DROP TABLE {_AUDIENCE}")
        if listing:
            result.notices = list(
                Notice.objects.filter(swept_on=day, created_at=now)
                .select_related("recipient", "deadline__case__person", "deadline__org")
                .order_by("recipient__username", "deadline__due_on", "pk")
            )
        if dry_run:
            transaction.set_rollback(True)
    return result


def _load_audience(cursor) -> None:
    """Who may be told where, as a temporary table of this connection (dropped with the sweep)."""
    temporary = "TEMPORARY" if connection.vendor == "postgresql" else "TEMP"
    cursor.execute(f"DROP TABLE IF EXISTS {_AUDIENCE}")
    cursor.execute(
        f"CREATE {temporary} TABLE {_AUDIENCE} (org_id bigint, audience varchar(30), user_id bigint)"
    )
    rows = [(x.org_id, x.audience, x.user_id) for x in audience()]
    for start in range(0, len(rows), _ROWS_PER_INSERT):
        chunk = rows[start : start + _ROWS_PER_INSERT]
        cursor.execute(
            f"INSERT INTO {_AUDIENCE} (org_id, audience, user_id) VALUES "
            + ", ".join(["(%s, %s, %s)"] * len(chunk)),
            [value for row in chunk for value in row],
        )
    if connection.vendor == "postgresql":
        cursor.execute(f"ANALYZE {_AUDIENCE}")
