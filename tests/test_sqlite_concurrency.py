"""The embedded database (`make run` without DATABASE_URL) under web, worker and beat writing at once:
with the product's SQLite options no writer ever sees "database is locked" (issue 15: 「预审合格」 failed
while the worker rendered letters). The control run shows the workload does collide without them."""

import sqlite3
import subprocess
import sys
from pathlib import Path

from django.conf import settings

WRITER = Path(__file__).with_name("sqlite_writer.py")
WRITERS, ROUNDS = 4, 60


def _run_writers(db: Path, *extra: str) -> list[str]:
    procs = [
        subprocess.Popen(
            [sys.executable, str(WRITER), str(db), str(i), str(ROUNDS), *extra],
            stdout=subprocess.PIPE,
            text=True,
        )
        for i in range(WRITERS)
    ]
    return [p.communicate(timeout=120)[0].strip() for p in procs]


def _database(tmp_path: Path) -> Path:
    db = tmp_path / "db.sqlite3"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE entries (id INTEGER PRIMARY KEY, writer INTEGER, n INTEGER)")
    return db


def test_concurrent_writers_on_a_file_database_never_see_a_lock_error(tmp_path):
    db = _database(tmp_path)
    results = _run_writers(db)
    assert results == [f"ok {ROUNDS}"] * WRITERS
    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)  # set by the options, and kept
        assert conn.execute("SELECT count(*) FROM entries").fetchone() == (WRITERS * ROUNDS,)
        # Each writer saw its own earlier rows: no transaction lost another's write.
        for writer in range(WRITERS):
            ns = [n for (n,) in conn.execute("SELECT n FROM entries WHERE writer = ? ORDER BY id", [writer])]
            assert ns == list(range(ROUNDS))


def test_without_immediate_transactions_the_same_workload_collides(tmp_path):
    db = _database(tmp_path)
    results = _run_writers(db, "deferred")
    assert any("database is locked" in r for r in results), results


def test_the_default_settings_use_these_options_on_sqlite():
    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):
        assert database["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
        assert "journal_mode=WAL" in database["OPTIONS"]["init_command"]
