"""Python CPU per page request, in process: the page benchmark's figure least moved by the machine.

    DATABASE_URL=... <tree>/.venv/bin/python <this file> --detail-pk 25 [--requests 100]

Not a test. Run from a revision's work tree (its settings, its code) against the database its
bench/run.py seeded; bench/compare_pages.py runs it for both revisions after each wrk run. It logs
in the committee officer bench/run.py uses and requests the same pages through Django's test client
(every middleware, context processor and template, no HTTP server), and prints one JSON object:
per page, the median process CPU time and wall time of a request in ms, and its number of queries.
PostgreSQL's own work is not in the CPU figure; the wall figure includes it.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

PAGES = {"list": "/cases/?stage=activist", "detail": "/cases/{detail_pk}/"}
OFFICER = "zuzhi_chengguan"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--detail-pk", type=int, required=True)
    parser.add_argument("--requests", type=int, default=100)
    args = parser.parse_args()

    sys.path.insert(0, str(Path.cwd()))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    os.environ["DJANGO_DEBUG"] = "0"
    import django  # noqa: PLC0415

    django.setup()
    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415

    settings.ALLOWED_HOSTS = ["testserver"]
    client = Client()
    client.force_login(get_user_model().objects.get(username=OFFICER))
    queries = []
    counted = lambda execute, *a: queries.append(1) or execute(*a)  # noqa: E731
    results = {}
    for name, path in PAGES.items():
        path = path.format(detail_pk=args.detail_pk)
        for _ in range(5):  # warm: templates compiled, connection open
            assert client.get(path).status_code == 200, path
        cpu, wall = [], []
        for _ in range(args.requests):
            queries.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            with connection.execute_wrapper(counted):
                client.get(path)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
        results[name] = {
            "cpu_ms": statistics.median(cpu) * 1000,
            "wall_ms": statistics.median(wall) * 1000,
            "queries": len(queries),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
