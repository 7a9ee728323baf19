"""Page benchmark of two revisions in one run: each revision's bench/run.py, runs alternated.

    .venv/bin/python bench/compare_pages.py --base /work/wt/base9 [--rounds 3] [--duration 10]

Not a test. The work tree to compare with is made as for bench/compare_revisions.py (a git
worktree with its own .venv). Each revision is measured by its own bench/run.py (its gunicorn,
its pages, its own database `<prefix>_<label>`, seeded to 100,000 cases on the first run — about
ten minutes each), so any two revisions with that script can be compared. Rounds alternate the
order (base, head; head, base; ...) so that drift of the machine's speed — large on these shared
cores, where the bare page alone moves between 150 and 250 req/s from one minute to the next —
falls on both. Printed: for each page, the median req/s and p50 of each revision and head ÷ base
(above 1: the head serves more), and each revision's page ÷ its own bare page. After each wrk run,
bench/page_cpu.py (this revision's, run with the other's code) measures the Python CPU time of
one request in process: the figure that moves least with the machine's speed. Results:
bench/out/compare_pages.json.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.compare_revisions import commit_of, url_for  # noqa: E402

DEFAULT_PREFIX = "postgres://postgres@127.0.0.1:5432/dangyuan_pagebench"
RUN_LIMIT_S = 3600  # a first run seeds its database


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", required=True, help="work tree of the revision to compare with")
    parser.add_argument("--head", default=str(ROOT), help="work tree of the new revision (default: this one)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per page and run")
    parser.add_argument(
        "--database-prefix", default=DEFAULT_PREFIX, help="databases <prefix>_base, <prefix>_head"
    )
    args = parser.parse_args()

    trees = {"base": Path(args.base).resolve(), "head": Path(args.head).resolve()}
    runs = {label: [] for label in trees}
    load_start = os.getloadavg()
    for n in range(args.rounds):
        for label in list(trees) if n % 2 == 0 else list(reversed(trees)):
            result = run_page_bench(trees[label], label, args)
            result["cpu"] = run_page_cpu(trees[label], label, args)
            runs[label].append(result)
            shown = {page: round(r["rps"], 1) for page, r in result.items() if page != "cpu"}
            cpu = {page: round(r["cpu_ms"], 2) for page, r in result["cpu"].items()}
            print(f"round {n + 1} {label:4} req/s {json.dumps(shown)} cpu ms {json.dumps(cpu)}", flush=True)
    summary = summarize(runs)
    report = {
        "commits": {label: commit_of(tree) for label, tree in trees.items()},
        "rounds": args.rounds,
        "duration_s": args.duration,
        "load_start": load_start,
        "load_end": os.getloadavg(),
        "runs": runs,
        "summary": summary,
        "cpu_summary": cpu_summary(runs),
    }
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare_pages.json").write_text(json.dumps(report, ensure_ascii=False, indent=2))
    print(f"\nbase {report['commits']['base']}  head {report['commits']['head']}  rounds {args.rounds}")
    print(
        f"{'page':8}{'base req/s':>12}{'head req/s':>12}{'head/base':>11}{'base p50':>10}{'head p50':>10}",
        end="",
    )
    print(f"{'base÷bare':>11}{'head÷bare':>11}")
    for page, row in summary.items():
        print(
            f"{page:8}{row['base_rps']:12.1f}{row['head_rps']:12.1f}{row['ratio']:11.3f}"
            f"{row['base_p50_ms']:10.1f}{row['head_p50_ms']:10.1f}"
            f"{row['base_vs_bare']:11.3f}{row['head_vs_bare']:11.3f}"
        )
    print(f"\n{'page':8}{'base cpu ms':>13}{'head cpu ms':>13}{'head/base':>11}{'base q':>8}{'head q':>8}")
    for page, row in cpu_summary(runs).items():
        print(
            f"{page:8}{row['base_cpu_ms']:13.2f}{row['head_cpu_ms']:13.2f}{row['ratio']:11.3f}"
            f"{row['base_queries']:8d}{row['head_queries']:8d}"
        )
    print(f"load average: start {report['load_start']}, end {report['load_end']}")


def run_page_bench(tree: Path, label: str, args) -> dict:
    """One run of the revision's own bench/run.py: {page: {"rps", "p50_ms"}}."""
    env = {
        **os.environ,
        "DATABASE_URL": url_for(args.database_prefix, f"{name_of(args.database_prefix)}_{label}"),
    }
    command = [str(tree / ".venv" / "bin" / "python"), "bench/run.py", "--duration", str(args.duration)]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=RUN_LIMIT_S)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"{label}: bench/run.py exit code {done.returncode}")
    results = json.loads((tree / "bench" / "out" / "results.json").read_text())["results"]
    return {
        page: {"rps": r["rps"], "p50_ms": r["p50_ms"]} for page, r in results.items() if r.get("measured")
    }


def run_page_cpu(tree: Path, label: str, args) -> dict:
    """bench/page_cpu.py with the revision's code and database: {page: {"cpu_ms", "wall_ms", "queries"}}."""
    detail_pk = json.loads((tree / "bench" / "out" / "results.json").read_text())["detail_pk"]
    env = {
        **os.environ,
        "DATABASE_URL": database_of(args, label),
        "DJANGO_LOG_LEVEL": "WARNING",
    }
    command = [str(tree / ".venv" / "bin" / "python"), str(ROOT / "bench" / "page_cpu.py")]
    command += ["--detail-pk", str(detail_pk)]
    done = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-3000:] + done.stderr[-3000:])
        raise SystemExit(f"{label}: bench/page_cpu.py exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def database_of(args, label: str) -> str:
    return url_for(args.database_prefix, f"{name_of(args.database_prefix)}_{label}")


def name_of(url: str) -> str:
    return url.rsplit("/", 1)[-1]


def summarize(runs: dict) -> dict:
    """Per page: each revision's median req/s and p50, head ÷ base, and each one's page ÷ its bare."""
    medians = {
        label: {
            page: {
                measure: statistics.median(run[page][measure] for run in label_runs)
                for measure in ("rps", "p50_ms")
            }
            for page in label_runs[0]
            if page != "cpu"
        }
        for label, label_runs in runs.items()
    }
    base, head = medians["base"], medians["head"]
    return {
        page: {
            "base_rps": base[page]["rps"],
            "head_rps": head[page]["rps"],
            "ratio": head[page]["rps"] / base[page]["rps"],
            "base_p50_ms": base[page]["p50_ms"],
            "head_p50_ms": head[page]["p50_ms"],
            "base_vs_bare": base[page]["rps"] / base["bare"]["rps"],
            "head_vs_bare": head[page]["rps"] / head["bare"]["rps"],
        }
        for page in base
        if page in head
    }


def cpu_summary(runs: dict) -> dict:
    """Per page: each revision's median CPU ms of a request (over its runs' medians), head ÷ base."""
    medians = {
        label: {
            page: statistics.median(run["cpu"][page]["cpu_ms"] for run in label_runs)
            for page in label_runs[0]["cpu"]
        }
        for label, label_runs in runs.items()
    }
    queries = {label: label_runs[-1]["cpu"] for label, label_runs in runs.items()}
    return {
        page: {
            "base_cpu_ms": medians["base"][page],
            "head_cpu_ms": medians["head"][page],
            "ratio": medians["head"][page] / medians["base"][page],
            "base_queries": queries["base"][page]["queries"],
            "head_queries": queries["head"][page]["queries"],
        }
        for page in medians["base"]
    }


if __name__ == "__main__":
    main()
