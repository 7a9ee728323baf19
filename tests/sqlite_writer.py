"""One writer process of tests/test_sqlite_concurrency.py: Django on a SQLite file with the product's
options (config/sqlite.py), running transactions that read and then write — the pattern of the web
recording a step while the worker renders letters. Prints "ok N" or the first error's text.

    python tests/sqlite_writer.py DB_PATH WRITER_ID ROUNDS [deferred]
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

from config import sqlite  # noqa: E402

path, writer, rounds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
database = sqlite.configure({"ENGINE": "django.db.backends.sqlite3", "NAME": path})
if "deferred" in sys.argv[4:]:
    database["OPTIONS"]["transaction_mode"] = None  # the control: what Django does by default
settings.configure(DATABASES={"default": database}, USE_TZ=True)
django.setup()

from django.db import OperationalError, connection, transaction  # noqa: E402

done = 0
try:
    for _ in range(rounds):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM entries WHERE writer = %s", [writer])
            (count,) = cursor.fetchone()
            time.sleep(0.002)  # work between the read and the write, as a service does
            cursor.execute("INSERT INTO entries (writer, n) VALUES (%s, %s)", [writer, count])
        done += 1
except OperationalError as error:
    print(f"error {done} {error}")
else:
    print(f"ok {done}")
