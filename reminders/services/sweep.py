"""The daily sweep: every open deadline (cases.CaseDeadline) that reached a threshold on `day`
becomes a Notice for each person responsible, in one INSERT … SELECT … ON CONFLICT DO NOTHING
statement — sets in SQL, never case by case in Python, on PostgreSQL and SQLite alike.

- Thresholds: an earliest date reached → 已可办理; due within 7 days → 7天内到期; due today →
  今日到期; past due → 已逾期; a branch step overdue for ReminderSettings' days → its approving
  committee's officers, then the department (reminders.services.audience says who).
- The conditions of one audience exclude each other, so a sweep that missed some days tells each
  person only the most severe threshold reached, never a burst of stale ones.
- Each notice is unique in the database per (deadline, due date, threshold, recipient): running
  the sweep again, ten times or twice at once adds nothing; a sweep that failed half-way rolled
  back as a whole (one transaction) and its rerun misses nothing.
- Cost (bench/reminders_bench.py, figures in bench/README.md): grows linearly with the open
  deadlines reached. 1,000,000 open cases on PostgreSQL: the first sweep (2 million notices)
  29–44 s, the next day's 4–6 s; the PostgreSQL backend's private memory about 55 MB, Python's
  unchanged (the audience only).
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


def _candidates(day: dt.date, settings_row: ReminderSettings) -> tuple[str, list]:
    """The SELECT of every notice reached on `day` — (deadline, recipient, threshold, due date) — as
    three branches of one UNION ALL, each one hash join of the open deadlines with the audience:
    the people answering for the deadline (the threshold worked out by a CASE whose arms exclude
    each other: only the most severe one reached), and for an overdue branch step the committee's
    officers, then the department. Each branch reads the open deadlines from the index
    deadline_open_due alone (cases.models.CaseDeadline)."""
    deadline = CaseDeadline._meta.db_table
    earliest, branch = DeadlineKind.EARLIEST.value, Role.BRANCH_SECRETARY.value
    soon = day + dt.timedelta(days=SOON_DAYS)
    committee = day - dt.timedelta(days=settings_row.escalate_committee_days)
    department = day - dt.timedelta(days=settings_row.escalate_department_days)
    own = (
        f"SELECT d.id, a.user_id, CASE WHEN d.kind = '{earliest}' THEN '{Threshold.AVAILABLE.value}'"
        f" WHEN d.due_on < %s THEN '{Threshold.OVERDUE.value}' WHEN d.due_on = %s THEN '{Threshold.TODAY.value}'"
        f" ELSE '{Threshold.SOON.value}' END AS threshold, d.due_on"
        f" FROM {deadline} d JOIN {_AUDIENCE} a ON a.org_id = d.org_id AND a.audience = d.role"
        f" WHERE d.met_on IS NULL AND d.due_on <= %s AND (d.kind <> '{earliest}' OR d.due_on <= %s)"
    )
    escalated = (
        "SELECT d.id, a.user_id, a.audience, d.due_on"
        f" FROM {deadline} d JOIN {_AUDIENCE} a ON a.org_id = d.org_id AND a.audience = %s"
        f" WHERE d.met_on IS NULL AND d.due_on <= %s AND d.kind <> '{earliest}' AND d.role = '{branch}'"
    )
    return f"{own} UNION ALL {escalated} UNION ALL {escalated}", [
        day,
        day,
        soon,
        day,
        Threshold.ESCALATED_COMMITTEE.value,
        committee,
        Threshold.ESCALATED_DEPARTMENT.value,
        department,
    ]


def sweep(
    day: dt.date | None = None, *, dry_run: bool = False, listing: bool = False, _after=None
) -> SweepResult:
    """Add the notices due on `day` (default: today in Asia/Shanghai). `dry_run`: work them out and
    roll back (with `listing`, the result lists them). `_after(threshold)`: a test's hook, called
    for each threshold once the notices are added (to fail before the sweep commits)."""
    day = day or timezone.localdate()
    result = SweepResult(day, dry_run=dry_run)
    settings_row = ReminderSettings.current()
    now = timezone.now()
    ops = connection.ops
    with transaction.atomic():
        with connection.cursor() as cursor:
            _load_audience(cursor)
            select, params = _candidates(day, settings_row)
            insert = (
                f"INSERT INTO {Notice._meta.db_table}"
                " (deadline_id, recipient_id, threshold, due_on, swept_on, created_at)"
                f" SELECT c.id, c.user_id, c.threshold, c.due_on, %s, %s FROM ({select}) c"
                # Those told already are left out before the insert (on PostgreSQL one hash anti
                # join, far cheaper than a conflict found row by row); ON CONFLICT DO NOTHING stays
                # the guarantee against a sweep running at the same moment. (The WHERE is needed
                # anyway: without one SQLite would read ON CONFLICT as a join's ON.)
                f" WHERE NOT EXISTS (SELECT 1 FROM {Notice._meta.db_table} n WHERE n.deadline_id = c.id"
                " AND n.due_on = c.due_on AND n.threshold = c.threshold AND n.recipient_id = c.user_id)"
                " ON CONFLICT DO NOTHING RETURNING threshold"
            )
            params = [ops.adapt_datefield_value(day), ops.adapt_datetimefield_value(now)] + [
                ops.adapt_datefield_value(p) if isinstance(p, dt.date) else p for p in params
            ]
            result.counts = dict.fromkeys(Threshold.values, 0)
            if connection.vendor == "postgresql":  # counted in the server, not row by row here
                cursor.execute(
                    f"WITH added AS ({insert}) SELECT threshold, count(*) FROM added GROUP BY 1", params
                )
                result.counts.update(cursor.fetchall())
            else:  # SQLite: no INSERT inside WITH
                cursor.execute(insert, params)
                for (threshold,) in cursor.fetchall():
                    result.counts[threshold] += 1
            if _after is not None:
                for threshold in Threshold:
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
