"""Statistics pages' benchmark on PostgreSQL: every board for the department over N cases.

    .venv/bin/python bench/stats_bench.py [--cases 1000000] [--requests 20] [--skip-seed]

Not a test. Needs PostgreSQL on this machine: DATABASE_URL (default
postgres://postgres@127.0.0.1:5432/dangyuan_stats_bench) names a database that is dropped and
created here (bench/pg.py refuses any other host); `--skip-seed` reuses it as it is
(migrated: the statistics' tallies are filled by the migration that adds them; `--rebuild`
recounts them, timed).

1. Seeds the county of bench/reminders_bench.py (20 approving committees × 50 branches, the same
   logins) and then, in SQL (INSERT … SELECT over generate_series, not through the write path: the
   boards only read), N cases spread over the branches with histories from 2017 to today: the
   application, 确定积极分子, 确定发展对象, 上级党委审批 and 转正审批 records as far as each case got
   (plus a replaced, non-current record for one case in seven and a non-counted step record per
   stage reached), the Case columns those dates fill, one open deadline per open case (a third
   overdue, some E12), 10% withdrawn, the full members archived. One branch in 17 never got past
   入党积极分子 (the 三年以上未发展党员 list is not empty). The day's 四色 colours are judged through
   stats.services.judge_colours (timed too: the daily recomputation). The SQL writes around the
   write path, so the kept tallies (cases.tallies) are rebuilt from the case file (timed).
2. Logs in a department auditor (force_login) and requests each page in-process with Django's test
   Client (the full middleware stack, DEBUG off; no gunicorn, no network): once to check the answer
   is 200, twice unmeasured, then `--requests` times measured. Reports p50/p95/max per page and
   the bare page (bench/bare_urls.py, the same client in the same run) as the baseline.

Target (issue 12): every statistics page for the department p95 under 1 s at 1,000,000 cases.
Figures: bench/README.md.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import admin_cursor  # noqa: E402

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangyuan_stats_bench"


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=20, help="measured requests per page")
    parser.add_argument("--skip-seed", action="store_true", help="reuse the database as it is")
    parser.add_argument("--only", nargs="*", help="page names to measure (default: all)")
    parser.add_argument(
        "--rebuild", action="store_true", help="with --skip-seed: rebuild the tallies (timed)"
    )
    return parser.parse_args()


def fresh_database(url: str) -> None:
    with admin_cursor(url) as (cursor, name):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_BENCH_BARE"] = "1"  # mounts /bench/bare/ (config/urls.py)
    os.environ["DJANGO_DEBUG"] = "0"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)  # a seeded database gets its tallies here (cases 0026)
    print(f"migrate: {time.monotonic() - t0:.1f} s", flush=True)


def seed_cases(n: int, branches, today: dt.date) -> dict:
    """N cases with their step records and deadlines, in a handful of INSERT … SELECT statements."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    recorder = get_user_model().objects.get(username="auditor0").pk
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_branch")
        cursor.execute("CREATE TEMP TABLE bench_branch (i int, branch_id bigint, town_id bigint)")
        cursor.executemany(
            "INSERT INTO bench_branch VALUES (%s, %s, %s)", [(i, b, t) for i, (b, t) in enumerate(branches)]
        )
        # Each case's dates: applied from 2017 on; each later step a while after the one before,
        # kept only when on or before today. w: withdrawn (10%); dead branches stop at 积极分子.
        cursor.execute(
            "CREATE TEMP TABLE bench_dates AS"
            " SELECT g, b.branch_id, applied,"
            "  CASE WHEN a <= %(today)s AND NOT w THEN a END AS activist,"
            "  CASE WHEN t <= %(today)s AND NOT w AND NOT dead THEN t END AS target,"
            "  CASE WHEN p <= %(today)s AND NOT w AND NOT dead THEN p END AS probation,"
            "  CASE WHEN f <= %(today)s AND NOT w AND NOT dead THEN f END AS full_member,"
            "  CASE WHEN w THEN applied + 120 END AS withdrawn"
            " FROM (SELECT g, applied, applied + 90 + (g * 31 %% 180) AS a,"
            "        applied + 455 + (g * 37 %% 300) AS t, applied + 560 + (g * 37 %% 300) + (g * 41 %% 90) AS p,"
            "        applied + 925 + (g * 37 %% 300) + (g * 41 %% 90) AS f, g %% 10 = 0 AS w"
            "       FROM (SELECT g, DATE '2017-01-01' + ((g::bigint * 7919) %% (%(today)s - DATE '2017-01-01'))::int"
            "             AS applied FROM generate_series(1, %(n)s) g) s0) s"
            " JOIN bench_branch b ON b.i = s.g %% %(branches)s"
            " CROSS JOIN LATERAL (SELECT b.i %% 17 = 0 AS dead) d"
            " WHERE applied + 120 <= %(today)s OR NOT w",
            {"today": today, "n": n, "branches": len(branches)},
        )
        cursor.execute(
            "INSERT INTO cases_person (id, name, name_initials, gender, ethnicity, birth_date, id_number, education,"
            " is_league_member, is_frontline, phone, workplace, category, frontline_kind, honour_level, title_level)"
            " SELECT g, '测试' || g, 'cs', CASE WHEN g %% 5 < 2 THEN 'F' ELSE 'M' END,"
            " CASE WHEN g %% 20 = 0 THEN '回族' ELSE '汉族' END, DATE '1975-01-01' + (g * 13 %% 12000),"
            " lpad(g::text, 18, '0'), CASE WHEN g %% 3 = 0 THEN 'senior' ELSE 'bachelor' END, false,"
            " g %% 3 = 1, '', '', '', '', '', '' FROM bench_dates",
            [],
        )
        cursor.execute(
            "INSERT INTO cases_case (id, person_id, branch_id, stage, outcome, outcome_on, outcome_reason,"
            " next_step, steps_done, applied_on, activist_on, target_on, probation_start, full_member_on,"
            " extension_months, created_at, updated_at, materials_missing, special_development)"
            " SELECT g, g, branch_id,"
            "  CASE WHEN full_member IS NOT NULL THEN 'full_member' WHEN probation IS NOT NULL THEN 'probationary'"
            "       WHEN target IS NOT NULL THEN 'target' WHEN activist IS NOT NULL THEN 'activist'"
            "       ELSE 'applicant' END,"
            "  CASE WHEN withdrawn IS NOT NULL THEN 'withdrawn' WHEN full_member IS NOT NULL THEN 'archived'"
            "       ELSE '' END,"
            "  COALESCE(withdrawn, full_member + 30), '', '', 3, applied, activist, target, probation,"
            "  full_member, 0, applied::timestamptz, now(), 0, false"
            " FROM bench_dates",
            [],
        )
        # The counted records, a non-counted record of each stage reached, and a replaced record
        # (is_current false) for one case in seven.
        cursor.execute(
            'INSERT INTO cases_steprecord (step, "on", data, note, rule_set, is_current, created_at, case_id,'
            " org_id, recorded_by_id)"
            " SELECT r.step, r.day, '{}', '', '2026', r.cur, now(), d.g, d.branch_id, %s"
            " FROM bench_dates d CROSS JOIN LATERAL (VALUES"
            "  ('application', d.applied, true), ('applicant_talk', d.applied + 20, true),"
            "  ('activist_selection', d.activist, true), ('activist_cultivation', d.activist + 30, true),"
            "  ('activist_selection', CASE WHEN d.g %% 7 = 0 THEN d.activist - 5 END, false),"
            "  ('target_selection', d.target, true), ('political_review', d.target + 20, true),"
            "  ('admission_approval', d.probation, true), ('admission_meeting', d.probation - 10, true),"
            "  ('conversion_approval', d.full_member, true)) AS r(step, day, cur)"
            " WHERE r.day IS NOT NULL AND r.day <= %s",
            [recorder, today],
        )
        cursor.execute(
            "INSERT INTO cases_casedeadline (case_id, key, step, rule, kind, title, due_on, org_id, role, updated_at)"
            " SELECT c.id, 'next', c.next_step, CASE WHEN c.id %% 9 = 0 THEN 'E12' ELSE '' END,"
            " CASE WHEN c.id %% 9 = 0 THEN 'limit' ELSE 'due' END, '下一步', %s::date - 60 + (c.id * 7 %% 180)::int,"
            " c.branch_id, 'branch_secretary', now() FROM cases_case c WHERE c.outcome = ''",
            [today],
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))"
        )
        cursor.execute(
            "SELECT setval(pg_get_serial_sequence('cases_person', 'id'), (SELECT max(id) FROM cases_person))"
        )
        for table in ("cases_person", "cases_case", "cases_steprecord", "cases_casedeadline"):
            cursor.execute(f"VACUUM (ANALYZE) {table}")
        counts = {}
        for table in ("cases_case", "cases_steprecord", "cases_casedeadline"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        cursor.execute("SELECT stage, outcome = '', count(*) FROM cases_case GROUP BY 1, 2 ORDER BY 1, 2")
        counts["by_stage"] = {f"{s}{'' if o else ' (closed)'}": k for s, o, k in cursor.fetchall()}
        return counts


def pages(today: dt.date) -> dict[str, str]:
    from branches.models import Organization  # noqa: PLC0415

    dept = Organization.objects.get(code="DEPT")
    town = Organization.objects.get(code="T0")
    branch = Organization.objects.get(code="T0B1")
    return {
        "bare": "/bench/bare/",
        "stages": "/stats/",
        "stages_3years": f"/stats/?start={today.year - 3}-01&end={today:%Y-%m}",
        "stages_committee": f"/stats/?org={town.pk}",
        "dormant": "/stats/dormant/",
        "dormant_xlsx": "/stats/dormant/?format=xlsx",
        "board": "/stats/board/",
        "board_red": "/stats/board/?colour=red",
        "board_xlsx": "/stats/board/?format=xlsx",
        "branch": f"/stats/board/{branch.pk}/",
        "plan": f"/plans/{dept.pk}/{today.year}/",
        "plan_xlsx": f"/plans/{dept.pk}/{today.year}/export.xlsx",
        "plans": "/plans/",
    }


def measure(client, url: str, n: int) -> dict:
    response = client.get(url)
    if response.status_code != 200:
        return {"status": response.status_code}
    size = len(b"".join(response.streaming_content) if response.streaming else response.content)
    for _ in range(2):
        client.get(url)
    times = []
    for _ in range(n):
        t0 = time.perf_counter()
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)
        times.append((time.perf_counter() - t0) * 1000)
    times.sort()
    p95 = times[max(0, -(-95 * len(times) // 100) - 1)]
    return {
        "status": 200,
        "p50_ms": round(statistics.median(times), 1),
        "p95_ms": round(p95, 1),
        "max_ms": round(times[-1], 1),
        "bytes": size,
    }


def main():
    args = parse_args()
    url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not args.skip_seed:
        fresh_database(url)
    setup_django(url)
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from bench.reminders_bench import seed_county  # noqa: PLC0415
    from cases import tallies  # noqa: PLC0415
    from stats.services import judge_colours  # noqa: PLC0415

    today = timezone.localdate()
    if not args.skip_seed:
        t0 = time.monotonic()
        counts = seed_cases(args.cases, seed_county(), today)
        print(
            f"seeded in {time.monotonic() - t0:.0f} s: {json.dumps(counts, ensure_ascii=False)}", flush=True
        )
    if args.rebuild or not args.skip_seed:  # the SQL seed writes around the write path
        t0 = time.monotonic()
        n = tallies.rebuild()
        print(f"tallies rebuilt for {n} branches in {time.monotonic() - t0:.1f} s", flush=True)
        from django.db import connection  # noqa: PLC0415

        with connection.cursor() as cursor:  # as autovacuum would soon: index-only scans need it
            for table in ("cases_stagetally", "cases_flowtally"):
                cursor.execute(f"VACUUM (ANALYZE) {table}")
    t0 = time.monotonic()
    judged = judge_colours(on=today)
    print(f"judge_colours: {judged} branches in {time.monotonic() - t0:.2f} s", flush=True)

    client = Client()
    client.force_login(get_user_model().objects.get(username="auditor0"))
    targets = pages(today)
    if args.only:
        targets = {k: v for k, v in targets.items() if k in args.only or k == "bare"}
    results = {}
    print(f"load before: {os.getloadavg()}", flush=True)
    print(f"{'page':18} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'p95/bare':>9}  path", flush=True)
    for name, path in targets.items():
        results[name] = figures = measure(client, path, args.requests)
        if figures["status"] != 200:
            print(f"{name:18} answered {figures['status']}  {path}", flush=True)
            continue
        ratio = figures["p95_ms"] / results["bare"]["p95_ms"] if results.get("bare", {}).get("p95_ms") else 1
        print(
            f"{name:18} {figures['p50_ms']:8.1f} {figures['p95_ms']:8.1f} {figures['max_ms']:8.1f}"
            f" {ratio:9.1f}  {path}",
            flush=True,
        )
    load = os.getloadavg()
    print(f"load after: {load}", flush=True)
    out = ROOT / "bench" / "out"
    out.mkdir(exist_ok=True)
    (out / "stats_results.json").write_text(json.dumps({"load": load, "pages": results}, indent=1))


if __name__ == "__main__":
    main()
