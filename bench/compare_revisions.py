"""Import benchmark of two revisions in one run: CPU time and peak memory, runs alternated.

    git -C /work/main worktree add /work/wt/base9 6fe2147      # the revision to compare with,
    cd /work/wt/base9 && cp -a /work/main/.venv .venv && \\
        sed -i "s#/work/main/#$PWD/#g" .venv/bin/* && .venv/bin/pip install -q --no-deps -e .
    .venv/bin/python bench/compare_revisions.py --base /work/wt/base9 [--rows 10000] [--rounds 3]

Not a test. Each revision runs its own bench/import_bench.py phases with its own .venv, so any
two revisions whose import_bench.py has the --phase setup/dry/import interface can be compared
(6fe2147 onwards). For each revision, once: a PostgreSQL database `<prefix>_<label>_tmpl` is
created, migrated and given the benchmark's county and file (phase setup). Then, for each round,
in alternating order (base, head; head, base; ...) so drift of the machine's load falls on both:
a fresh database is copied from the template (CREATE DATABASE ... TEMPLATE), and the dry run
and the write (all_or_nothing) run on it, each in its own process. Measured per process:
CPU time of the Python process (user + system, from wait4; PostgreSQL's own work is not in it),
wall time, and peak RSS (ru_maxrss). Printed: the median of each, and head ÷ base ratios (below
1: the head is cheaper), with the load average at start and end — above ~2 on this 2-core
machine, other work shared the cores and the ratios are noisier. Results: bench/out/compare.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import admin_cursor  # noqa: E402

DEFAULT_URL = "postgres://postgres@127.0.0.1:5432/dangyuan_compare"
PHASES = ("dry", "import")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="work tree of the revision to compare with")
    parser.add_argument("--head", default=str(ROOT), help="work tree of the new revision (default: this one)")
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--database-url", default=os.environ.get("COMPARE_DATABASE_URL", DEFAULT_URL))
    args = parser.parse_args()

    trees = {"base": Path(args.base).resolve(), "head": Path(args.head).resolve()}
    var = Path(tempfile.mkdtemp(prefix="compare-revisions-"))
    results = {
        "rows": args.rows,
        "rounds": args.rounds,
        "load_start": os.getloadavg(),
        "commits": {label: commit_of(tree) for label, tree in trees.items()},
        "runs": {label: {phase: [] for phase in PHASES} for label in trees},
    }
    print(f"load average at start: {results['load_start']}", flush=True)
    for label, tree in trees.items():
        prepare(label, tree, args, var)
    for n in range(args.rounds):
        order = list(trees) if n % 2 == 0 else list(reversed(trees))
        for label in order:
            database = copy_template(args.database_url, label)
            for phase in PHASES:
                run = run_phase(trees[label], label, phase, args, var, database)
                results["runs"][label][phase].append(run)
                print(f"round {n + 1} {label:4} {phase:6} {json.dumps(run, ensure_ascii=False)}", flush=True)
            drop(database)
    results["load_end"] = os.getloadavg()
    results["summary"] = summarize(results["runs"])
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print(f"\nbase {results['commits']['base']}  head {results['commits']['head']}  rows {args.rows}")
    print(f"{'phase':7}{'measure':10}{'base':>10}{'head':>10}{'head/base':>11}")
    for phase, measures in results["summary"].items():
        for measure, row in measures.items():
            print(f"{phase:7}{measure:10}{row['base']:10.2f}{row['head']:10.2f}{row['ratio']:11.3f}")
    print(f"load average: start {results['load_start']}, end {results['load_end']}")


def commit_of(tree: Path) -> str:
    done = subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
    )
    return done.stdout.strip()


def url_for(base_url: str, name: str) -> str:
    parts = urlsplit(base_url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def base_name(url: str) -> str:
    return urlsplit(url).path.lstrip("/")


def env_for(tree: Path, database_url: str, var: Path, label: str) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_DEBUG="0",
        DJANGO_LOG_LEVEL="WARNING",
        DJANGO_VAR_DIR=str(var / label),
    )
    env.pop("BENCH_PROFILE", None)
    return env


def file_of(var: Path, label: str, rows: int) -> Path:
    return var / label / f"import-{rows}.xlsx"


def prepare(label: str, tree: Path, args, var: Path) -> None:
    """The revision's template database: migrated, with the county, and its generated file."""
    template = url_for(args.database_url, f"{base_name(args.database_url)}_{label}_tmpl")
    with admin_cursor(template) as (cursor, name):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    (var / label).mkdir(parents=True, exist_ok=True)
    env = env_for(tree, template, var, label)
    python = str(tree / ".venv" / "bin" / "python")
    subprocess.run([python, "manage.py", "migrate", "-v", "0"], cwd=tree, env=env, check=True, timeout=900)
    command = [
        python,
        "bench/import_bench.py",
        "--phase",
        "setup",
        "--file",
        str(file_of(var, label, args.rows)),
    ]
    command += ["--rows", str(args.rows), "--seed", str(args.seed)]
    subprocess.run(command, cwd=tree, env=env, check=True, timeout=1800, capture_output=True)
    print(f"{label}: {tree} prepared ({template.rsplit('/', 1)[1]})", flush=True)


def copy_template(url: str, label: str) -> str:
    prefix = base_name(url)
    run_url = url_for(url, f"{prefix}_{label}_run")
    with admin_cursor(run_url) as (cursor, name):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}" TEMPLATE "{prefix}_{label}_tmpl"')
    return run_url


def drop(url: str) -> None:
    with admin_cursor(url) as (cursor, name):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')


def run_phase(tree: Path, label: str, phase: str, args, var: Path, database_url: str) -> dict:
    """One phase in its own process: its CPU (user + system), wall time and peak RSS."""
    python = str(tree / ".venv" / "bin" / "python")
    command = [
        python,
        "bench/import_bench.py",
        "--phase",
        phase,
        "--file",
        str(file_of(var, label, args.rows)),
    ]
    command += ["--rows", str(args.rows), "--seed", str(args.seed)]
    with tempfile.TemporaryFile("w+") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, cwd=tree, env=env_for(tree, database_url, var, label), stdout=out)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        lines = out.read().strip().splitlines()
    if process.returncode != 0:
        raise SystemExit(f"{label} {phase} failed ({process.returncode}): {lines[-5:]}")
    reported = json.loads(lines[-1])
    return {
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "wall_s": round(wall, 2),
        "peak_mb": round(usage.ru_maxrss / 1024, 1),
        "summary": reported["summary"],
    }


def summarize(runs: dict) -> dict:
    summary = {}
    for phase in PHASES:
        summary[phase] = {}
        for measure in ("cpu_s", "wall_s", "peak_mb"):
            base = statistics.median(r[measure] for r in runs["base"][phase])
            head = statistics.median(r[measure] for r in runs["head"][phase])
            summary[phase][measure] = {"base": base, "head": head, "ratio": round(head / base, 3)}
    return summary


if __name__ == "__main__":
    main()
