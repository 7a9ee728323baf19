"""Two sweeps at the same moment, on PostgreSQL, each on its own connection: the database's
unique constraint (not a check in Python) keeps one notice per deadline, threshold and recipient.
Skipped on SQLite (one writer at a time there)."""

import datetime as dt
import threading

import pytest
from django.db import connection

from reminders.models import Notice
from reminders.services import sweep as sweep_module
from reminders.services.sweep import sweep
from tests import factories as f
from tests.reminders.conftest import DAY, make_deadline, notices

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]


def test_two_sweeps_at_once_add_each_notice_once(county, everyone, monkeypatch):
    secretaries = {
        county.branch: everyone["secretary"],
        county.branch_under_reviewer: everyone["secretary_under_reviewer"],
        county.other_branch: everyone["outsider"],
    }
    for n in range(4):
        for branch, secretary in secretaries.items():
            case = f.new_case(branch, secretary, applied_on=dt.date(2026, 10, 1))
            make_deadline(case, due_on=DAY - dt.timedelta(days=95), key=f"k{n}-{branch.code}")
    # Both sweeps must be inside their transactions before either commits.
    barrier = threading.Barrier(2)
    real = sweep_module._load_audience

    def load_then_wait(cursor):
        real(cursor)
        barrier.wait(timeout=10)

    monkeypatch.setattr(sweep_module, "_load_audience", load_then_wait)
    results, errors = [None, None], [None, None]

    def run(i):
        try:
            results[i] = sweep(DAY)
        except Exception as exc:  # noqa: BLE001 - the test inspects it
            errors[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert errors == [None, None]
    rows = notices()
    assert sum(r.total for r in results) == len(rows) == Notice.objects.count()
    assert len(rows) == 12 * 3  # each case: its secretary, its committee's officer, the department
    monkeypatch.undo()
    assert sweep(DAY).total == 0
