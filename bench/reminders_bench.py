"""Reminders' sweep benchmark on PostgreSQL: 100,000 and 1,000,000 open cases with their deadlines.

    .venv/bin/python bench/reminders_bench.py [--cases 100000 1000000] [--repeat N]

Not a test. Needs PostgreSQL on this machine: DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/dangyuan_remind_bench) names a database that is dropped and
created here (bench/pg.py refuses any other host). For each size:

1. Seeds, in SQL (INSERT … SELECT over generate_series, not through the write path: the sweep only
   reads cases.CaseDeadline): a county of 20 approving committees × 50 branches, one secretary per
   branch, two officers per committee, two department auditors; N open cases spread over the
   branches, each with three open deadlines — a branch step due, a quarterly 思想汇报 due, and one
   of a committee approval, a hard limit or an earliest-date notice — dated from 120 days ago to a
   year ahead (so about a quarter are overdue, some past the 30- and 90-day escalations).
2. Times `reminders.services.sweep.sweep(day)` three times: the first sweep (every threshold
   reached so far: the catch-up), the same day again (nothing new: the idempotent re-run), and the
   next day (the daily steady state). Peak memory is this process's maximum resident set size
   (ru_maxrss) around the sweeps — the sweep works in SQL, so Python holds only the audience.

Target (issue 10): at most 60 s and 500 MB at 1,000,000 cases, growing roughly linearly. The
PostgreSQL backend's memory is reported too (peak private RssAnon and VmHWM, read from /proc).
`--repeat N` sweeps each size N times (from no notices each time). Figures: bench/README.md.
"""

import argparse
import datetime as dt
import os
import resource
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import admin_cursor  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangyuan_remind_bench"
COMMITTEES, BRANCHES_PER_COMMITTEE = 20, 50
DAY = dt.date(2026, 11, 25)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument(
        "--repeat", type=int, default=1, help="sweep each size this many times (notices emptied in between)"
    )
    return parser.parse_args()


def fresh_database(url: str) -> None:
    with admin_cursor(url) as (cursor, name):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    call_command("migrate", verbosity=0)


def seed_county():
    """The tree and the people holding roles in it (through the ordinary services)."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    from branches.models import OrgKind, Role  # noqa: PLC0415
    from branches.services import create_organization, grant_role  # noqa: PLC0415

    users = get_user_model().objects
    dept = create_organization(name="某县委组织部", code="DEPT", kind=OrgKind.DEPARTMENT)
    for i in range(2):
        grant_role(user=users.create_user(f"auditor{i}"), role=Role.DEPARTMENT_AUDITOR, org=dept)
    branches = []
    for c in range(COMMITTEES):
        town = create_organization(
            name=f"第{c}镇党委", code=f"T{c}", kind=OrgKind.COMMITTEE, parent=dept, can_approve=True
        )
        for i in range(2):
            grant_role(user=users.create_user(f"officer{c}_{i}"), role=Role.COMMITTEE_OFFICER, org=town)
        for b in range(BRANCHES_PER_COMMITTEE):
            branch = create_organization(
                name=f"第{c}镇第{b}支部", code=f"T{c}B{b}", kind=OrgKind.BRANCH, parent=town
            )
            grant_role(user=users.create_user(f"sec{c}_{b}"), role=Role.BRANCH_SECRETARY, org=branch)
            branches.append((branch.pk, town.pk))
    return branches


def seed_cases(n: int, branches) -> None:
    """N open cases, each with three open deadlines, in four INSERT … SELECT statements."""
    from django.db import connection  # noqa: PLC0415

    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE reminders_notice, cases_casedeadline, cases_case, cases_person CASCADE")
        cursor.execute("DROP TABLE IF EXISTS bench_branch")
        cursor.execute("CREATE TEMP TABLE bench_branch (i int, branch_id bigint, town_id bigint)")
        cursor.executemany(
            "INSERT INTO bench_branch VALUES (%s, %s, %s)", [(i, b, t) for i, (b, t) in enumerate(branches)]
        )
        cursor.execute(
            "INSERT INTO cases_person (id, name, name_initials, gender, ethnicity, birth_date, id_number, education,"
            " is_league_member, is_frontline, phone, workplace)"
            " SELECT g, '测试' || g, 'cs', 'M', '汉族', DATE '1990-01-01' + (g %% 3000), lpad(g::text, 18, '0'),"
            " 'bachelor', false, true, '', '' FROM generate_series(1, %s) g",
            [n],
        )
        cursor.execute(
            "INSERT INTO cases_case (id, person_id, branch_id, stage, outcome, outcome_reason, next_step,"
            " steps_done, applied_on, extension_months, created_at, updated_at)"
            " SELECT g, g, b.branch_id, 'activist', '', '', 'activist_cultivation', 5,"
            " DATE '2025-01-01' + (g %% 600), 0, now(), now()"
            " FROM generate_series(1, %s) g JOIN bench_branch b ON b.i = g %% %s",
            [n, len(branches)],
        )
        # Three deadlines a case: k=0 a branch step, k=1 a 思想汇报, k=2 an approval at the
        # committee / a hard limit / an earliest-date notice. Dates from DAY-120 to DAY+365.
        cursor.execute(
            "INSERT INTO cases_casedeadline (case_id, key, step, rule, kind, title, due_on, org_id, role, updated_at)"
            " SELECT c.id, k.key, k.step, '', k.kind, k.title,"
            " %s::date - 120 + ((c.id * 7919 + k.k * 104729) %% 486)::int,"
            " CASE WHEN k.at_committee THEN b.town_id ELSE b.branch_id END,"
            " CASE WHEN k.at_committee THEN 'committee_officer' ELSE 'branch_secretary' END, now()"
            " FROM cases_case c JOIN bench_branch b ON b.branch_id = c.branch_id"
            " JOIN (VALUES (0, 'activist_cultivation:assessment#1', 'activist_cultivation', 'due', '第1次考察', false, 0),"
            "   (1, 'activist_cultivation:thought_report#1', 'activist_cultivation', 'due', '第1次思想汇报', false, 0),"
            "   (2, 'admission_approval:W03', 'admission_approval', 'due', '上级党委审批（W03）', true, 0),"
            "   (2, 'admission_approval:E12', 'admission_approval', 'limit', '上级党委审批最迟期限（E12）', false, 1),"
            "   (2, 'target_selection:E04', 'target_selection', 'earliest', '已可确定发展对象', false, 2))"
            "   AS k(k, key, step, kind, title, at_committee, variant)"
            " ON k.k < 2 OR k.variant = c.id %% 3",
            [DAY],
        )
        # As autovacuum leaves a table that has lived a while (hint bits set, statistics current).
        cursor.execute("VACUUM (ANALYZE) cases_casedeadline")
        cursor.execute("VACUUM (ANALYZE) cases_case")
        cursor.execute("SELECT count(*) FROM cases_casedeadline")
        return cursor.fetchone()[0]


def max_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class BackendMemory:
    """The PostgreSQL backend serving this process, watched from /proc (the server is on this
    machine, bench/pg.py): its peak private memory (RssAnon: sorts, hashes, the trigger queue) and
    its peak resident set (VmHWM, which also counts the shared buffers it touched)."""

    def __init__(self):
        from django.db import connection  # noqa: PLC0415

        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            self.status = Path(f"/proc/{cursor.fetchone()[0]}/status")
        self.peak_anon_kb = 0
        self._stop = threading.Event()

    def _read(self) -> dict[str, int]:
        try:
            lines = self.status.read_text().splitlines()
        except OSError:  # not readable (another user's process): report zeros
            return {}
        sizes = (line.split(":", 1) for line in lines if line.endswith(" kB"))
        return {key: int(value.split()[0]) for key, value in sizes}

    def _watch(self):
        while not self._stop.wait(0.02):
            self.peak_anon_kb = max(self.peak_anon_kb, self._read().get("RssAnon", 0))

    def __enter__(self):
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join()
        self.hwm_mb = round(self._read().get("VmHWM", 0) / 1024, 1)
        self.anon_mb = round(self.peak_anon_kb / 1024, 1)


def run_size(n: int, branches, repeat: int) -> list[dict]:
    from django.db import connection  # noqa: PLC0415

    from reminders.services.sweep import sweep  # noqa: PLC0415

    started = time.monotonic()
    deadlines = seed_cases(n, branches)
    seeded = time.monotonic() - started
    runs = []
    for run in range(repeat):
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE reminders_notice")
            cursor.execute("CHECKPOINT")  # each run starts from the same clean state
        figures = {"cases": n, "run": run + 1, "deadlines": deadlines, "seed_s": round(seeded, 1)}
        figures["load_before"] = round(os.getloadavg()[0], 2)
        rss_before = max_rss_mb()
        with BackendMemory() as backend:
            for label, day in (("first", DAY), ("rerun", DAY), ("next_day", DAY + dt.timedelta(days=1))):
                t0 = time.monotonic()
                result = sweep(day)
                figures[f"{label}_s"] = round(time.monotonic() - t0, 2)
                figures[f"{label}_notices"] = result.total
        figures["rss_before_mb"] = round(rss_before, 1)
        figures["peak_rss_mb"] = round(max_rss_mb(), 1)
        figures["pg_peak_anon_mb"] = backend.anon_mb
        figures["pg_hwm_mb"] = backend.hwm_mb
        figures["load_after"] = round(os.getloadavg()[0], 2)
        runs.append(figures)
        print(" ".join(f"{k}={v}" for k, v in figures.items()), flush=True)
    return runs


def main():
    args = parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    fresh_database(url)
    setup_django(url)
    branches = seed_county()
    best = []
    for n in sorted(args.cases):
        runs = run_size(n, branches, args.repeat)
        best.append(min(runs, key=lambda r: r["first_s"]))
        if len(runs) > 1:
            worst = max(runs, key=lambda r: r["first_s"])
            print(f"{n} cases: first sweep best {best[-1]['first_s']} s, worst {worst['first_s']} s")
    if len(best) > 1:
        small, big = best[0], best[-1]
        ratio = big["first_s"] / max(small["first_s"], 0.001)
        print(f"first sweep grows ×{ratio:.1f} for ×{big['cases'] / small['cases']:.0f} cases")


if __name__ == "__main__":
    main()
