"""The benchmarks' own PostgreSQL databases: created (or dropped and created) through an admin
connection, and only on this machine, so a stray DATABASE_URL never touches a real server."""

import urllib.parse
from contextlib import contextmanager

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@contextmanager
def admin_cursor(url: str):
    """(cursor on the `postgres` database, name of the database `url` names), autocommit."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit(f"DATABASE_URL must point to PostgreSQL, not {parts.scheme}://")
    if parts.hostname not in LOCAL_HOSTS:
        raise SystemExit("DATABASE_URL must point to a database on this machine (127.0.0.1)")
    import psycopg2  # noqa: PLC0415 - only the benchmarks need it directly

    admin = psycopg2.connect(
        host=parts.hostname,
        port=parts.port or 5432,
        user=urllib.parse.unquote(parts.username or "postgres"),
        password=urllib.parse.unquote(parts.password) if parts.password else None,
        dbname="postgres",
        connect_timeout=10,
    )
    admin.autocommit = True
    try:
        with admin.cursor() as cursor:
            yield cursor, parts.path.lstrip("/")
    finally:
        admin.close()
