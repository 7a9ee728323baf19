"""The database half: a dump taken in one snapshot, and its load into the configured database.

PostgreSQL: pg_dump (custom format) of a snapshot exported by a REPEATABLE READ transaction that
stays open, so reads made in the `snapshot()` block see exactly what was dumped; the load pipes
pg_restore's SQL into psql in one transaction (all or nothing). The dump keeps the functions and
triggers (the append-only event trail of cases/migrations/0002).
SQLite: the sqlite3 online backup API copies the whole file (triggers included) inside a read
transaction, in both directions.
"""

import os
import sqlite3
import subprocess
import tempfile
from contextlib import contextmanager
from pathlib import Path

from django.db import connection, transaction

from cases.backup import BackupError

DUMP_NAMES = {"postgresql": "database.dump", "sqlite": "database.sqlite3"}
VENDOR_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}


def dump_name() -> str:
    if connection.vendor not in DUMP_NAMES:
        raise BackupError(f"不支持备份此类数据库：{connection.vendor}")
    return DUMP_NAMES[connection.vendor]


@contextmanager
def snapshot(dest: Path):
    """Dump the database to `dest`; inside the block the default connection reads the same snapshot."""
    dump_name()
    if connection.vendor == "postgresql" and connection.in_atomic_block:
        raise BackupError("备份不能在事务中进行（需要新的快照）")
    with transaction.atomic():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                cursor.execute("SELECT pg_export_snapshot()")
                _run(["pg_dump", "--format=custom", f"--snapshot={cursor.fetchone()[0]}", f"--file={dest}"])
            else:
                cursor.execute("SELECT COUNT(*) FROM sqlite_master")  # holds the read snapshot from here
                with sqlite3.connect(dest) as target:
                    connection.connection.backup(target)
                target.close()
        yield


def table_names() -> list[str]:
    return connection.introspection.table_names()


def load(dump: Path, *, replace: bool) -> None:
    """Load a dump into the configured database; `replace` first drops everything it holds."""
    if connection.in_atomic_block:
        raise BackupError("恢复不能在事务中进行")
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(dump) as source:
            source.backup(connection.connection)  # replaces the whole file, triggers included
        source.close()
    else:
        _load_postgres(dump, replace=replace)
    connection.close()  # the next query reconnects to what was loaded


def _load_postgres(dump: Path, *, replace: bool) -> None:
    """pg_restore's SQL piped into psql, run as one transaction: the database ends as before or loaded."""
    prelude = ["-c", "DROP SCHEMA public CASCADE; CREATE SCHEMA public;"] if replace else []
    restore = ["pg_restore", "--no-owner", "--no-privileges", "--file=-", str(dump)]
    # Its messages go to a file, not a pipe, so pg_restore never blocks on them.
    with (
        tempfile.TemporaryFile() as errors,
        subprocess.Popen(restore, stdout=subprocess.PIPE, stderr=errors) as sql,
    ):
        try:
            _run(
                ["psql", "--single-transaction", "--quiet", "-v", "ON_ERROR_STOP=1", *prelude, "-f", "-"],
                stdin=sql.stdout,
            )
        finally:
            sql.stdout.close()  # psql stopped reading: pg_restore ends too
            sql.wait()
        if sql.returncode != 0:
            errors.seek(0)
            raise BackupError(f"pg_restore 失败：{errors.read().decode(errors='replace').strip()}")


def _run(command: list[str], stdin=None) -> None:
    """Run a PostgreSQL client tool against the configured database (its address and password from
    the same settings dbshell uses)."""
    args, env = connection.client.settings_to_cmd_args_env(connection.settings_dict, [])
    try:
        done = subprocess.run(
            [*command, *args[1:]], stdin=stdin, capture_output=True, env={**os.environ, **(env or {})}
        )
    except FileNotFoundError as exc:
        raise BackupError(f"找不到 {command[0]}：请安装 PostgreSQL 客户端（postgresql-client）") from exc
    if done.returncode != 0:
        raise BackupError(f"{command[0]} 失败：{done.stderr.decode(errors='replace').strip()}")
