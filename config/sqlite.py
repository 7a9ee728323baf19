"""The embedded database (SQLite, what `make run` uses without DATABASE_URL) made safe for the web,
the Celery worker and beat writing to one file at once.

- WAL: readers never block the writer and the writer never blocks readers.
- BEGIN IMMEDIATE for every transaction Django opens: a transaction takes the write lock when it
  starts, so two that read and then write queue on the busy timeout instead of one failing at once
  with "database is locked" (a deferred transaction that upgrades to a write cannot wait: SQLite
  refuses it to avoid a deadlock, whatever the timeout).
- A busy timeout long enough for the longest write (rendering a batch of letters commits per letter).
- synchronous=NORMAL is durable in WAL mode except for the last transactions on power loss.
"""

BUSY_TIMEOUT_SECONDS = 20

OPTIONS = {
    "timeout": BUSY_TIMEOUT_SECONDS,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}


def configure(database: dict) -> dict:
    """The DATABASES entry with the options above (its own OPTIONS win)."""
    if database["ENGINE"].endswith("sqlite3"):
        database["OPTIONS"] = {**OPTIONS, **database.get("OPTIONS", {})}
    return database
