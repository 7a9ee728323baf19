"""Audit browser benchmark on PostgreSQL: page 1 and a deep page of the events tab (filtered by
organization and date range) beside the bare 50-row page, in the same run.

    .venv/bin/python bench/audit_bench.py [--events 1000000] [--per-case 20] [--deep 200] [--repeat 30]
    .venv/bin/python bench/audit_bench.py --events 11000000 --per-case 11   # issue 11: 1M cases, 11M rows

Not a test. DATABASE_URL (default postgres://postgres@127.0.0.1:5432/dangyuan_auditbench) must be
a PostgreSQL database on this machine; it is created if missing and migrated. The seed is SQL: a
county (1 department, 10 committees, 10 branches each), one case built through the services as a
template, its person and case copied by generate_series to `--events / --per-case` cases, and
`--per-case` events per case (created_at spread over two years, a warning on every 50th) inserted in one statement.
The events carry placeholder seals: this measures the browser, not verify_audit.

The pages are requested in-process through Django's test client (the same middleware, a logged-in
committee officer, DJANGO_DEBUG=0), each `--repeat` times after a warm-up; the deep page is reached
by following 下一页 `--deep - 1` times and then timed by its own link. Prints p50/p95 per page and
the ratio to the bare page.
"""

import argparse
import os
import re
import statistics
import sys
import time
from html import unescape
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dangyuan_auditbench"


def setup(url: str) -> None:
    from bench.pg import admin_cursor

    with admin_cursor(url) as (cursor, name):
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cursor.fetchone():
            cursor.execute(f'CREATE DATABASE "{name}"')
    os.environ.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="0",
        DJANGO_BENCH_BARE="1",
    )
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def seed(n_events: int, per_case: int):
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.db import connection

    from branches.models import Organization, OrgKind, Role
    from branches.services import grant_role
    from cases.models import Case, CaseEvent, Person
    from cases.services import open_case
    from tests import factories as f

    officer = get_user_model().objects.filter(username="bench_officer").first()
    if officer is None:
        dept = f.org("县委组织部", OrgKind.DEPARTMENT, code="B-DEPT")
        for c in range(10):
            town = f.org(f"第{c}镇党委", OrgKind.COMMITTEE, dept, can_approve=True, code=f"B-{c}")
            for b in range(10):
                f.org(f"第{c}镇第{b}党支部", OrgKind.BRANCH, town, code=f"B-{c}-{b}")
        town0 = Organization.objects.get(code="B-0")
        officer = get_user_model().objects.create_user(
            "bench_officer", password="x" * 12, first_name="组织委员"
        )
        grant_role(user=officer, role=Role.COMMITTEE_OFFICER, org=town0)
        secretary = f.user("bench_secretary", Role.BRANCH_SECRETARY, Organization.objects.get(code="B-0-0"))
        open_case(
            branch=Organization.objects.get(code="B-0-0"),
            person=f.person(name="模板"),
            applied_on=dt.date(2023, 1, 10),
            actor=secretary,
        )
    have = CaseEvent.objects.count()
    want_cases = (n_events - have) // per_case + 1
    if have >= n_events:
        return officer
    template = Case.objects.order_by("pk").first()
    started = time.monotonic()
    person_cols = [fd.column for fd in Person._meta.concrete_fields if not fd.primary_key]
    case_cols = [fd.column for fd in Case._meta.concrete_fields if not fd.primary_key]
    event_cols = [fd.column for fd in CaseEvent._meta.concrete_fields if not fd.primary_key]
    branches = list(
        Organization.objects.filter(kind=OrgKind.BRANCH).order_by("pk").values_list("pk", flat=True)
    )
    offset = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with connection.cursor() as cur:
        person_select = [
            {
                "name": "'人员' || g",
                "id_number": f"lpad((g + {offset})::text, 18, '0')",
                "name_initials": "'ry'",
            }.get(c, c)
            for c in person_cols
        ]
        cur.execute(
            f"INSERT INTO cases_person ({', '.join(person_cols)}) SELECT {', '.join(person_select)} "
            f"FROM cases_person t, generate_series(1, %s) g WHERE t.id = %s",
            [want_cases, template.person_id],
        )
        case_select = [
            {
                "person_id": "p.id",
                "branch_id": f"(ARRAY{branches})[1 + (p.id %% {len(branches)})]",
            }.get(c, f"t.{c}")
            for c in case_cols
        ]
        cur.execute(
            f"INSERT INTO cases_case ({', '.join(case_cols)}) SELECT {', '.join(case_select)} "
            f"FROM cases_case t, cases_person p WHERE t.id = %s AND p.id <> %s "
            f"AND NOT EXISTS (SELECT 1 FROM cases_case c WHERE c.person_id = p.id)",
            [template.pk, template.person_id],
        )
        event_select = [
            {
                "case_id": "c.id",
                "seq": "g",
                "kind": "'step'",
                "step": "'initial_talk'",
                "summary": "'办理步骤 第' || g || ' 项'",
                "occurred_on": "NULL",
                "actor_id": str(officer.pk),
                "role": "'branch_secretary'",
                "org_id": "c.branch_id",
                "ip": "'10.0.0.1'",
                "source": "'web'",
                "warnings": "CASE WHEN (c.id + g) %% 50 = 0 THEN "
                '\'[{"code": "W01", "message": "逾期", "reason": "外出"}]\'::jsonb ELSE \'[]\'::jsonb END',
                "note": "''",
                "created_at": "timestamp with time zone '2024-01-01' + ((c.id * 7919 + g * 104729) %% 63072000) * interval '1 second'",
                "prev_hash": "''",
                "key_id": "'dev'",
                "hash": "md5(c.id::text || ':' || g)",
            }[c]
            for c in event_cols
        ]
        cur.execute(
            f"INSERT INTO cases_caseevent ({', '.join(event_cols)}) SELECT {', '.join(event_select)} "
            f"FROM cases_case c, generate_series(1, {per_case}) g WHERE c.id <> %s "
            "AND NOT EXISTS (SELECT 1 FROM cases_caseevent e WHERE e.case_id = c.id)",
            [template.pk],
        )
        cur.execute("ANALYZE")
    print(
        f"seeded {Case.objects.count()} cases, {CaseEvent.objects.count()} events in {time.monotonic() - started:.0f} s",
        flush=True,
    )
    return officer


def timed(client, url: str, repeat: int) -> list[float]:
    client.get(url)
    client.get(url)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    return samples


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--per-case", type=int, default=20, help="events per seeded case")
    parser.add_argument("--deep", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--org", default="B-0", help="organization code filtered by (default: a committee)")
    args = parser.parse_args()
    setup(os.environ.get("DATABASE_URL", DEFAULT_URL))
    officer = seed(args.events, args.per_case)

    from django.test import Client
    from django.urls import reverse

    from branches.models import Organization

    client = Client()
    client.force_login(officer)
    org = Organization.objects.get(code=args.org)
    base = f"{reverse('audit:tab', args=['events'])}?org={org.pk}&since=2024-01-01&until=2025-12-31"
    url, started = base, time.monotonic()
    for _ in range(args.deep - 1):
        found = re.search(r'href="\?([^"]+)" rel="next"', client.get(url).content.decode())
        if not found:
            raise SystemExit("fewer pages than --deep")
        url = reverse("audit:tab", args=["events"]) + "?" + unescape(found.group(1))
    print(f"followed {args.deep - 1} 下一页 links in {time.monotonic() - started:.1f} s", flush=True)
    pages = {"bare": "/bench/bare/", "page 1": base, f"page {args.deep}": url}
    results = {name: timed(client, path, args.repeat) for name, path in pages.items()}
    bare = p95(results["bare"])
    print(f"{'page':<10} {'p50 ms':>8} {'p95 ms':>8} {'p95/bare':>9}")
    for name, samples in results.items():
        print(f"{name:<10} {statistics.median(samples):8.1f} {p95(samples):8.1f} {p95(samples) / bare:9.2f}")


if __name__ == "__main__":
    main()
