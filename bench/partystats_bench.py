"""Benchmark of the 党内统计 tables (partystats): a province of 1,000,000 cases, every table counted
for the root organization (the province's 组织部) for one 年报, timed, with the peak memory of this
process. A script, not a test (bench/README.md).

    .venv/bin/python bench/partystats_bench.py                  # seeds once (a few minutes), then times
    .venv/bin/python bench/partystats_bench.py --repeat 3       # best and median of three rounds
    .venv/bin/python bench/partystats_bench.py --reseed --cases 200000

The data goes into its own PostgreSQL database on this machine (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/dangyuan_pstats13_bench), created and migrated if missing and
seeded in SQL (INSERT … SELECT generate_series): 1 province → 100 committees → 2,000 branches
(marked for the row 「乡（镇）、建制村」: 60 township committees with 2 乡镇机关, 12 建制村 and 5 other
branches each, the other 40 committees' branches neither, and one branch of every committee left
unmarked — its admissions are 待补充);
1,000,000 people with a realistic spread of 人员类别, 学历, age, gender, 民族, 一线, 职称, 先进模范
(some facts left unknown, as after an import); 1,000,000 cases at every stage with the dates each
stage implies, some closed, some extended, some cancelled; the 上级党委审批 and 转正审批 records of
every admitted case."""

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dangyuan_pstats13_bench"

from bench.pg import admin_cursor  # noqa: E402

COMMITTEES, BRANCHES_EACH = 100, 20


def pick(values: list[tuple[str, int]], r: str) -> str:
    """SQL choosing among `values` by weight with the uniform random column `r`."""
    total = sum(w for _, w in values)
    whens, upto = [], 0
    for value, weight in values:
        upto += weight
        whens.append(f"WHEN {r} < {upto / total:.6f} THEN {value}")
    return "CASE " + " ".join(whens[:-1]) + f" ELSE {values[-1][0]} END"


def q(value) -> str:
    return "NULL" if value is None else f"'{value}'"


CATEGORY = [
    ("pub_gov", 5), ("pub_inst_mgr", 3), ("pub_inst_pro", 8), ("pub_ent_mgr", 2), ("pub_ent_pro", 3),
    ("pub_worker", 4), ("prv_ent_mgr", 4), ("prv_ent_pro", 5), ("prv_npo_mgr", 1), ("prv_npo_pro", 1),
    ("prv_worker", 8), ("farmer", 25), ("military", 2), ("student", 20), ("retired", 2), ("other", 4),
    ("", 3),
]  # fmt: skip
EDUCATION = [
    ("primary", 2), ("junior", 10), ("senior", 3), ("high_school", 12), ("technical", 8), ("college", 25),
    ("bachelor", 32), ("postgraduate", 6), ("", 2),
]  # fmt: skip


def seed(cursor, cases: int) -> None:
    """The province, its people and cases, in SQL (a few minutes for 1,000,000)."""
    cat = pick([(q(v), w) for v, w in CATEGORY], "r1")
    edu = pick([(q(v), w) for v, w in EDUCATION], "r2")
    kind = pick(
        [(q("enterprise"), 3), (q("rural"), 4), (q("research"), 2), (q("organ"), 1), (q(""), 1)], "r3"
    )
    title = pick([(q("none"), 70), (q("junior"), 12), (q("middle"), 10), (q("senior"), 3), (q(""), 5)], "r4")
    honour = pick(
        [(q("none"), 90), (q("county"), 5), (q("prefectural"), 2), (q("provincial"), 1), (q(""), 2)], "r5"
    )
    maybe = "CASE WHEN {r} < 0.05 THEN NULL WHEN {r} < {p} THEN true ELSE false END"
    statements = [
        "TRUNCATE cases_steprecord, cases_case, cases_person RESTART IDENTITY CASCADE",
        "SELECT setseed(0.13)",
        """INSERT INTO branches_organization (name, short_name, code, kind, can_approve, path, letter_prefix, locality)
           SELECT '某省委组织部', '省委组织部', 'P', 'department', true, '', '', ''
           WHERE NOT EXISTS (SELECT 1 FROM branches_organization WHERE code = 'P')""",
        f"""INSERT INTO branches_organization (name, short_name, code, kind, can_approve, path, letter_prefix, locality, parent_id)
           SELECT '第' || g || '党委', '党委' || g, 'C' || g, 'committee', true, '', '', '',
                  (SELECT id FROM branches_organization WHERE code = 'P')
           FROM generate_series(1, {COMMITTEES}) g
           WHERE NOT EXISTS (SELECT 1 FROM branches_organization WHERE code = 'C1')""",
        f"""INSERT INTO branches_organization (name, short_name, code, kind, can_approve, path, letter_prefix, locality, parent_id)
           SELECT c.short_name || '第' || g || '支部', '支部' || g, c.code || '-' || g, 'branch', false, '', '', '', c.id
           FROM branches_organization c, generate_series(1, {BRANCHES_EACH}) g
           WHERE c.kind = 'committee' AND c.code LIKE 'C%%'
             AND NOT EXISTS (SELECT 1 FROM branches_organization WHERE code = 'C1-1')""",
        """UPDATE branches_organization o SET path = '/' || o.id || '/' WHERE code = 'P'""",
        """UPDATE branches_organization o SET path = p.path || o.id || '/'
           FROM branches_organization p WHERE o.parent_id = p.id AND p.code = 'P'""",
        """UPDATE branches_organization o SET path = p.path || o.id || '/'
           FROM branches_organization p WHERE o.parent_id = p.id AND p.kind = 'committee' AND p.code LIKE 'C%%'""",
        f"""INSERT INTO cases_person (id, name, name_initials, gender, ethnicity, birth_date, id_number, education,
               is_league_member, is_frontline, phone, workplace, category, frontline_kind, honour_level,
               is_dispatched, is_migrant_worker, is_taiwanese, title_level)
           SELECT g, '人员' || g, 'ry', CASE WHEN r6 < 0.42 THEN 'F' ELSE 'M' END,
                  CASE WHEN r7 < 0.08 THEN '回族' ELSE '汉族' END,
                  DATE '2007-06-30' - (r8 * r8 * 45 * 365)::int, lpad(g::text, 18, '0'), {edu},
                  r9 < 0.3, r10 < 0.55, '', '', {cat}, CASE WHEN r10 < 0.55 THEN {kind} ELSE '' END, {honour},
                  {maybe.format(r="r11", p=0.08)}, {maybe.format(r="r12", p=0.3)},
                  {maybe.format(r="r13", p=0.06)}, {title}
           FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6,
                        random() r7, random() r8, random() r9, random() r10, random() r11, random() r12,
                        random() r13
                 FROM generate_series(1, {cases}) g) s""",
        # Stage by weight; every stage's dates follow from the application (2014–2025).
        f"""INSERT INTO cases_case (id, person_id, branch_id, stage, outcome, outcome_on, outcome_reason, next_step,
               steps_done, applied_on, activist_on, target_on, probation_start, probation_end,
               extension_months, full_member_on, league_recommended_on, created_at, updated_at,
               materials_missing, special_development)
           SELECT g, g, b.id, st,
                  CASE WHEN st = 'probationary' AND r2 < 0.02 THEN 'probation_cancelled'
                       WHEN st IN ('applicant', 'activist') AND r2 < 0.08 THEN 'withdrawn'
                       WHEN st = 'full_member' AND r2 < 0.5 THEN 'archived' ELSE '' END,
                  CASE WHEN (st = 'probationary' AND r2 < 0.02) OR (st IN ('applicant', 'activist') AND r2 < 0.08)
                            OR (st = 'full_member' AND r2 < 0.5) THEN applied + 900 END,
                  '', '', 1, applied,
                  CASE WHEN st <> 'applicant' THEN applied + 90 END,
                  CASE WHEN st NOT IN ('applicant', 'activist') THEN applied + 460 END,
                  CASE WHEN st IN ('probationary', 'full_member') THEN applied + 600 END,
                  CASE WHEN st IN ('probationary', 'full_member') THEN applied + 965 END,
                  CASE WHEN st IN ('probationary', 'full_member') AND r3 < 0.03 THEN 6 ELSE 0 END,
                  CASE WHEN st = 'full_member' THEN applied + 980 END,
                  CASE WHEN r3 < 0.2 THEN applied + 400 END, now(), now(), 0, r4 < 0.01
           FROM (SELECT g, r2, r3, r4,
                        {
            pick(
                [
                    (q("applicant"), 30),
                    (q("activist"), 25),
                    (q("target"), 10),
                    (q("probationary"), 10),
                    (q("full_member"), 25),
                ],
                "r1",
            )
        } st,
                        DATE '2014-01-01' + (r5 * 4380)::int applied,
                        1 + (r6 * {COMMITTEES * BRANCHES_EACH - 1})::int branch_no
                 FROM (SELECT g, random() r1, random() r2, random() r3, random() r4, random() r5, random() r6
                       FROM generate_series(1, {cases}) g) s0) s
           JOIN (SELECT id, row_number() OVER (ORDER BY id) n FROM branches_organization
                 WHERE kind = 'branch' AND code LIKE 'C%%') b ON b.n = s.branch_no""",
        """INSERT INTO cases_steprecord (case_id, step, "on", data, note, rule_set, is_current, created_at,
               org_id, recorded_by_id)
           SELECT c.id, 'admission_approval', c.probation_start, '{}', '', '2014', true, now(),
                  (SELECT id FROM branches_organization WHERE code = 'P'), (SELECT min(id) FROM auth_user)
           FROM cases_case c WHERE c.probation_start IS NOT NULL""",
        """INSERT INTO cases_steprecord (case_id, step, "on", data, note, rule_set, is_current, created_at,
               org_id, recorded_by_id)
           SELECT c.id, 'conversion_approval', c.full_member_on, '{}', '', '2014', true, now(),
                  (SELECT id FROM branches_organization WHERE code = 'P'), (SELECT min(id) FROM auth_user)
           FROM cases_case c WHERE c.full_member_on IS NOT NULL""",
        "SELECT setval(pg_get_serial_sequence('cases_person', 'id'), (SELECT max(id) FROM cases_person))",
        "SELECT setval(pg_get_serial_sequence('cases_case', 'id'), (SELECT max(id) FROM cases_case))",
        "ANALYZE",
    ]
    for sql in statements:
        started = time.perf_counter()
        cursor.execute(sql.replace("%%", "%"))
        print(f"  {time.perf_counter() - started:6.1f} s  {' '.join(sql.split())[:70]}", flush=True)


def mark_localities(cursor) -> None:
    """The organizations' 乡（镇）/建制村 marks, by their codes (C<g> and C<g>-<k>): idempotent, so an
    older seed gets them too."""
    cursor.execute(
        """UPDATE branches_organization SET locality = CASE
               WHEN code ~ '^C[0-9]+$' THEN
                   CASE WHEN substring(code from 2)::int <= 60 THEN 'township' ELSE 'neither' END
               WHEN code ~ '^C[0-9]+-[0-9]+$' THEN
                   CASE WHEN split_part(code, '-', 2)::int = %s THEN ''
                        WHEN substring(split_part(code, '-', 1) from 2)::int > 60 THEN 'neither'
                        WHEN split_part(code, '-', 2)::int <= 2 THEN 'township'
                        WHEN split_part(code, '-', 2)::int <= 14 THEN 'village'
                        ELSE 'neither' END
               ELSE 'neither' END""",
        [BRANCHES_EACH],
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--year", type=int, default=2025)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--reseed", action="store_true", help="seed again even when the cases exist")
    args = parser.parse_args()

    url = os.environ.setdefault("DATABASE_URL", DEFAULT_URL)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")
    with admin_cursor(url) as (cursor, name):
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')

    import django  # noqa: PLC0415

    django.setup()
    from django.contrib.auth import get_user_model  # noqa: PLC0415
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import connection  # noqa: PLC0415

    from branches.models import Organization  # noqa: PLC0415
    from cases.models import Case  # noqa: PLC0415
    from partystats.selectors import YEAR, Period, count_table  # noqa: PLC0415
    from partystats.tables import TABLES  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    if args.reseed or Case.objects.count() < args.cases:
        user_model = get_user_model()
        if not user_model.objects.exists():
            user_model.objects.create_user("bench", password=None)
        print(f"seeding {args.cases:,} cases …", flush=True)
        with connection.cursor() as cursor:
            seed(cursor, args.cases)
    with connection.cursor() as cursor:
        mark_localities(cursor)
    root = Organization.objects.get(code="P")
    period = Period(args.year, YEAR)
    print(f"{Case.objects.count():,} cases, {Organization.objects.count():,} organizations; {period.label}")

    rounds: list[dict[str, float]] = []
    for _ in range(args.repeat):
        times = {}
        for table in TABLES:
            started = time.perf_counter()
            counted = count_table(table, root, period)
            times[table.title] = time.perf_counter() - started
            times.setdefault("_total_cell", 0)
            times["_total_cell"] += counted.cells[table.rows[0].key, "total"]
        rounds.append(times)
        print(
            "  ".join(f"{k} {v:.2f} s" for k, v in times.items() if not k.startswith("_"))
            + f"  | all {sum(v for k, v in times.items() if not k.startswith('_')):.2f} s",
            flush=True,
        )
    totals = [sum(v for k, v in r.items() if not k.startswith("_")) for r in rounds]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"all six tables: best {min(totals):.2f} s, median {statistics.median(totals):.2f} s")
    print(f"peak RSS of this process: {peak_mb:.0f} MB; load average {os.getloadavg()}")


if __name__ == "__main__":
    main()
