"""Page benchmark on PostgreSQL: the case list and a case detail against a bare 50-row page.

    .venv/bin/python bench/run.py [--duration 20] [--repeat 1] [--target NAME=/path ...]

Not a test. Needs PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dangyuan_bench)
and Debian's `wrk`. It creates the database if missing, migrates, runs `seed_demo` and tops the
database up to 100,000 cases with `seed_demo --cases` (generated histories, written as an import writes them),
starts gunicorn (config.wsgi, 3 sync workers, DJANGO_DEBUG=0, DJANGO_BENCH_BARE=1) on a free
loopback port, logs in as a committee officer through /login/, and runs wrk (2 threads, 16
connections) against each target. Results: a table on stdout and bench/out/results.json.
All traffic goes to 127.0.0.1; every step has a time limit; gunicorn is stopped at the end.
See bench/README.md.
"""

import argparse
import datetime as dt
import http.cookiejar
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import admin_cursor  # noqa: E402

OUT = ROOT / "bench" / "out"
LUA = ROOT / "bench" / "report.lua"
PYTHON = ROOT / ".venv" / "bin" / "python"
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangyuan_bench"
SETTINGS = "config.settings.base"
LOOPBACK = "127.0.0.1"

# What is measured: name → path. "{detail_pk}" is filled with a case in the officer's scope.
# Change here or with --target NAME=/path (e.g. --target login=/login/ while a view is missing).
TARGETS = {
    "list": "/cases/?stage=activist",
    "detail": "/cases/{detail_pk}/",
    "bare": "/bench/bare/",
}
BASELINE = "bare"
OFFICER = "zuzhi_chengguan"  # 城关镇党委 组织委员: two-thirds of the county, 党总支 included
DEMO_PASSWORD = "demo12345"


STARTED = time.monotonic()


def log(message: str) -> None:
    print(f"[bench {time.monotonic() - STARTED:6.1f}s] {message}", flush=True)


def run(cmd: list[str], env: dict, timeout: int, what: str) -> str:
    log(f"{what} …")
    started = time.monotonic()
    try:
        done = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise SystemExit(f"{what}: no result after {timeout} s") from exc
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"{what}: exit code {done.returncode}")
    log(f"{what}: {time.monotonic() - started:.1f} s")
    return done.stdout


# ---- database -----------------------------------------------------------------------------------


def ensure_database(url: str) -> None:
    with admin_cursor(url) as (cursor, name):
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            log(f"creating database {name}")
            cursor.execute(f'CREATE DATABASE "{name}"')


def prepare_data(env: dict, target_cases: int) -> None:
    run([str(PYTHON), "manage.py", "migrate", "--noinput"], env, 600, "migrate")
    out = run([str(PYTHON), "manage.py", "seed_demo", "--allow-any-database"], env, 900, "seed_demo")
    if "已存在" not in out:
        print(out, flush=True)
    count = case_count(env)
    if count < target_cases:
        out = run(
            [
                str(PYTHON),
                "manage.py",
                "seed_demo",
                "--allow-any-database",
                "--cases",
                str(target_cases - count),
            ],
            env,
            1800,
            f"seed_demo --cases {target_cases - count} (to {target_cases} cases)",
        )
        print("\n".join(line for line in out.splitlines() if "批量生成完成" in line), flush=True)
    else:
        log(f"{count} cases present, no bulk data needed")
    # Bulk COPY leaves the visibility map and statistics stale; production has autovacuum for that.
    code = "from django.db import connection; connection.cursor().execute('VACUUM ANALYZE')"
    run([str(PYTHON), "manage.py", "shell", "-c", code], env, 600, "vacuum analyze")


def case_count(env: dict) -> int:
    code = "from cases.models import Case; print(Case.objects.count())"
    out = run([str(PYTHON), "manage.py", "shell", "-c", code], env, 120, "count cases")
    return int(out.strip().splitlines()[-1])


def django_setup(env: dict) -> None:
    """Read the database from this process too (pick the detail case; a session if /login/ fails)."""
    os.environ.update({k: env[k] for k in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_DEBUG")})
    import django  # noqa: PLC0415

    django.setup()


def pick_detail_case(username: str) -> int:
    """The first archived case (all 25 steps, built through the services by seed_demo) in scope."""
    from django.contrib.auth import get_user_model  # noqa: PLC0415

    from branches.permissions import role_grants  # noqa: PLC0415
    from cases.models import Case  # noqa: PLC0415

    user = get_user_model().objects.get(username=username)
    prefixes = [g.org.path for g in role_grants(user)]
    case = (
        Case.objects.filter(branch__path__startswith=prefixes[0], outcome="archived").order_by("pk").first()
        or Case.objects.filter(branch__path__startswith=prefixes[0]).order_by("-steps_done", "pk").first()
    )
    return case.pk


def direct_session(username: str) -> str:
    """A logged-in session made in the database, as django.contrib.auth.login would make it."""
    from importlib import import_module  # noqa: PLC0415

    from django.conf import settings  # noqa: PLC0415
    from django.contrib.auth import (  # noqa: PLC0415
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,  # noqa: PLC0415
    )

    user = get_user_model().objects.get(username=username)
    session = import_module(settings.SESSION_ENGINE).SessionStore()
    session[SESSION_KEY] = str(user.pk)
    # The backend that loads users (the first one, axes', only refuses locked-out logins).
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key


# ---- gunicorn -----------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


class Server:
    def __init__(self, env: dict, workers: int):
        self.port = free_port()
        self.base = f"http://{LOOPBACK}:{self.port}"
        OUT.mkdir(parents=True, exist_ok=True)
        self.log_file = open(OUT / "gunicorn.log", "w")  # noqa: SIM115 - closed in stop()
        cmd = [
            str(GUNICORN),
            "config.wsgi:application",
            "--bind",
            f"{LOOPBACK}:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--timeout",
            "60",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ]
        log(f"starting gunicorn ({workers} sync workers) on {self.base}")
        self.proc = subprocess.Popen(
            cmd, env=env, cwd=ROOT, stdout=self.log_file, stderr=subprocess.STDOUT, start_new_session=True
        )

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"gunicorn exited with {self.proc.returncode}: see {OUT / 'gunicorn.log'}")
            try:
                urllib.request.urlopen(self.base + "/login/", timeout=5).close()
                return
            except urllib.error.HTTPError:
                return  # it answers; the status is the page's business
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.3)
        raise SystemExit(f"gunicorn did not answer within {timeout} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)  # the process group started above, by its id
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        self.log_file.close()


# ---- HTTP ---------------------------------------------------------------------------------------


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def login(base: str, username: str, password: str) -> str | None:
    """POST /login/ with the CSRF token, as a browser does; the session id, or None."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), _NoRedirect)
    try:
        page = opener.open(base + "/login/", timeout=10).read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        log(f"GET /login/ answered {exc.code}")
        return None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    if not token:
        log("no CSRF token on /login/")
        return None
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1)}
    ).encode()
    request = urllib.request.Request(base + "/login/", data=form, headers={"Referer": base + "/login/"})
    try:
        opener.open(request, timeout=10)
    except urllib.error.HTTPError as exc:
        if exc.code not in (301, 302, 303):
            log(f"POST /login/ answered {exc.code}")
            return None
    return next((c.value for c in jar if c.name == "sessionid"), None)


def probe(base: str, path: str, session: str) -> tuple[int, int]:
    """Status and size of one GET with the session cookie, redirects not followed."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(base + path, headers={"Cookie": f"sessionid={session}"})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, len(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, 0


# ---- wrk ----------------------------------------------------------------------------------------


def wrk(url: str, session: str, duration: int, connections: int, threads: int) -> dict:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{duration}s",
        "--timeout",
        "10s",
        "--latency",
        "-s",
        str(LUA),
        "-H",
        f"Cookie: sessionid={session}",
        url,
    ]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=duration + 60)
    line = next((x for x in done.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if done.returncode != 0 or line is None:
        raise SystemExit(f"wrk failed ({done.returncode}): {done.stdout[-2000:]} {done.stderr[-2000:]}")
    data = json.loads(line.removeprefix("BENCH_JSON "))
    data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
    return data


def measure(base: str, name: str, path: str, session: str, args) -> dict:
    url = base + path
    status, size = probe(base, path, session)
    if status != 200:
        log(f"{name} {path}: HTTP {status}, not measured")
        return {"path": path, "status": status, "measured": False}
    if args.warmup:
        wrk(url, session, args.warmup, args.connections, args.threads)
    runs = []
    for n in range(args.repeat):
        result = wrk(url, session, args.duration, args.connections, args.threads)
        runs.append(result)
        log(
            f"{name} run {n + 1}/{args.repeat}: {result['rps']:.1f} req/s, p50 {result['p50_us'] / 1000:.1f} ms, "
            f"p95 {result['p95_us'] / 1000:.1f} ms, non-200 {result['non200']}"
        )
    return {
        "path": path,
        "status": status,
        "bytes": size,
        "measured": True,
        "rps": statistics.median(r["rps"] for r in runs),
        "p50_ms": statistics.median(r["p50_us"] for r in runs) / 1000,
        "p95_ms": statistics.median(r["p95_us"] for r in runs) / 1000,
        "p99_ms": statistics.median(r["p99_us"] for r in runs) / 1000,
        "non200": sum(r["non200"] for r in runs),
        "socket_errors": {k: sum(r["errors"][k] for r in runs) for k in runs[0]["errors"]},
        "runs": runs,
    }


def ratios(results: dict) -> dict:
    base = results.get(BASELINE)
    if not base or not base.get("measured"):
        return {}
    out = {}
    for name, result in results.items():
        if name == BASELINE or not result.get("measured"):
            continue
        out[f"{name}/{BASELINE}"] = {
            "throughput": result["rps"] / base["rps"],  # < 1: the page serves fewer requests per second
            "p50": result["p50_ms"] / base["p50_ms"],  # > 1: the page is slower
            "p95": result["p95_ms"] / base["p95_ms"],
        }
    return out


def table(results: dict, shares: dict) -> str:
    lines = [f"{'page':<8} {'path':<28} {'req/s':>8} {'p50 ms':>8} {'p95 ms':>8} {'bytes':>8}  vs {BASELINE}"]
    for name, r in results.items():
        if not r.get("measured"):
            lines.append(f"{name:<8} {r['path']:<28} {'HTTP ' + str(r['status']):>8}  (not measured)")
            continue
        share = shares.get(f"{name}/{BASELINE}")
        versus = (
            f"  ×{share['throughput']:.2f} req/s, ×{share['p50']:.2f} p50, ×{share['p95']:.2f} p95"
            if share
            else ""
        )
        lines.append(
            f"{name:<8} {r['path']:<28} {r['rps']:>8.1f} {r['p50_ms']:>8.1f} {r['p95_ms']:>8.1f} {r['bytes']:>8}{versus}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--duration", type=int, default=20, help="seconds per measured wrk run (default 20)")
    parser.add_argument("--warmup", type=int, default=5, help="seconds of unmeasured load first (default 5)")
    parser.add_argument("--repeat", type=int, default=1, help="runs per page; the median is reported")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn sync workers (default 3)")
    parser.add_argument("--cases", type=int, default=100_000, help="top the database up to this many cases")
    parser.add_argument("--user", default=OFFICER, help=f"who is logged in (default {OFFICER})")
    parser.add_argument(
        "--detail-pk", type=int, help="the case of the detail page (default: chosen in scope)"
    )
    parser.add_argument(
        "--target", action="append", default=[], metavar="NAME=PATH", help="add or replace a page to measure"
    )
    parser.add_argument("--only", nargs="*", help="measure only these page names")
    parser.add_argument("--skip-seed", action="store_true", help="do not migrate or seed")
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": SETTINGS,
        "DJANGO_DEBUG": "0",
        "DJANGO_BENCH_BARE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    ensure_database(database_url)
    if not args.skip_seed:
        prepare_data(env, args.cases)
    django_setup(env)
    targets = dict(TARGETS)
    for item in args.target:
        name, _, path = item.partition("=")
        targets[name] = path
    if args.only:
        targets = {k: v for k, v in targets.items() if k in args.only}
    detail_pk = args.detail_pk or pick_detail_case(args.user)
    targets = {k: v.format(detail_pk=detail_pk) for k, v in targets.items()}

    from cases.models import Case  # noqa: PLC0415

    server = Server(env, args.workers)
    results = {}
    try:
        server.wait_ready()
        session = login(server.base, args.user, DEMO_PASSWORD)
        login_method = "POST /login/"
        if session is None:
            log("logging in through /login/ failed: using a session created in the database")
            session, login_method = direct_session(args.user), "session created directly"
        for name, path in targets.items():
            log(f"measuring {name} {path}")
            results[name] = measure(server.base, name, path, session, args)
    finally:
        server.stop()

    shares = ratios(results)
    report = {
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "git": subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip(),
        "database": urllib.parse.urlsplit(database_url)._replace(netloc="…").geturl(),
        "cases": Case.objects.count(),
        "user": args.user,
        "login": login_method,
        "detail_pk": detail_pk,
        "wrk": {
            "threads": args.threads,
            "connections": args.connections,
            "duration_s": args.duration,
            "warmup_s": args.warmup,
            "repeat": args.repeat,
        },
        "gunicorn": {"workers": args.workers, "worker_class": "sync", "settings": SETTINGS},
        "load_average_after": os.getloadavg(),
        "results": results,
        "ratios": shares,
    }
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "results.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print()
    print(table(results, shares))
    print(f"\nJSON: {OUT / 'results.json'}  ({report['cases']} cases, user {args.user}, case {detail_pk})")


if __name__ == "__main__":
    main()
