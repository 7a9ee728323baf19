"""Letter rendering benchmark: one letter, a 50-person batch letter, and 100 letters by a real worker.

    .venv/bin/python bench/letters_bench.py [--runs 15] [--letters 100] [--concurrency 2] [--no-worker]

Runs in a throw-away var directory (its own SQLite database, media and Celery filesystem queue), so it
never touches var/. With REDIS_URL set, the worker part uses Redis instead of the filesystem transport.

1. single: median wall time of reviews.letters.render() for a one-person 批复, warm (after one render).
2. batch-50: the same for a 50-person 批复 (a name table over two or three pages).
3. worker: 100 pending letters handed to `celery -A config worker` (started here, warmed with two
   letters first), timed from the first .delay() until the database shows all 100 rendered.
   For comparison, the same 100 rendered in this process one after another (the retry command's path).

Targets (issue 4): one letter under 300 ms warm; 100 letters under 30 s.
"""

import argparse
import datetime as dt
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--runs", type=int, default=15, help="timed renders per letter size (median reported)"
    )
    parser.add_argument("--letters", type=int, default=100, help="letters for the worker run")
    parser.add_argument("--concurrency", type=int, default=2, help="worker processes")
    parser.add_argument("--no-worker", action="store_true", help="skip the real-worker run")
    parser.add_argument("--keep", action="store_true", help="keep the temporary var directory")
    return parser.parse_args()


def setup_django(var_dir: Path):
    os.environ["DJANGO_VAR_DIR"] = str(var_dir)
    os.environ["DJANGO_MEDIA_ROOT"] = str(var_dir / "media")
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_world(people: int):
    """A committee, a branch, an officer and `people` admitted cases (rows written directly: this
    measures rendering, not the write path), with their admission_approval records."""
    import itertools
    import random

    from django.contrib.auth import get_user_model

    from branches.models import OrgKind, Role
    from branches.services import create_organization, grant_role
    from cases import idcard
    from cases.dates import add_years
    from cases.models import Case, Meeting, Person, StepRecord
    from demo.people import Names

    dept = create_organization(name="某县委组织部", code="DEPT", kind=OrgKind.DEPARTMENT)
    town = create_organization(
        name="城关镇党委",
        code="CG",
        kind=OrgKind.COMMITTEE,
        parent=dept,
        can_approve=True,
        letter_prefix="城组",
    )
    branch = create_organization(name="城关镇第一党支部", code="CG01", kind=OrgKind.BRANCH, parent=town)
    officer = get_user_model().objects.create_user(username="bench-officer", password="x")
    grant_role(user=officer, role=Role.COMMITTEE_OFFICER, org=town)
    met = dt.date(2025, 10, 13)
    meeting = Meeting.objects.create(
        body="party_committee",
        org=town,
        held_on=dt.date(2025, 11, 2),
        entitled=7,
        present=7,
        created_by=officer,
    )
    counter = itertools.count(1)
    names = Names(random.Random(7))
    records = []
    for i in range(people):
        n = next(counter)
        birth = dt.date(1990 + n % 10, 1 + n % 12, 1 + n % 28)
        person = Person.objects.create(
            name=names.make("M" if n % 2 else "F"),
            gender="M" if n % 2 else "F",
            birth_date=birth,
            id_number=idcard.make("330102", birth, n % 900, "M" if n % 2 else "F"),
            education="bachelor",
        )
        case = Case.objects.create(
            person=person,
            branch=branch,
            stage="probationary",
            probation_start=met,
            probation_end=add_years(met, 1),
        )
        StepRecord.objects.create(
            case=case, step="admission_meeting", on=met, recorded_by=officer, org=branch, rule_set="2014"
        )
        records.append(
            StepRecord.objects.create(
                case=case,
                step="admission_approval",
                on=meeting.held_on,
                recorded_by=officer,
                org=town,
                meeting=meeting,
                rule_set="2014",
            )
        )
        del i
    return officer, meeting, records


def issue(officer, meeting, records):
    from reviews.services import issuing

    return issuing.issue_letter(
        records=records, actor=officer, meeting=meeting, site_url="http://dangjian.example"
    )


def median_ms(fn, runs: int) -> tuple[float, float]:
    """Median wall time and median CPU time of this process, in ms. On a shared machine the CPU
    time is what the render costs; the wall time also holds the waits for a busy CPU."""
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    return statistics.median(wall), statistics.median(cpu)


def in_process(letter_ids) -> tuple[float, float]:
    """Wall and CPU seconds to render and store the letters one after another (the command's path)."""
    from reviews.models import Letter
    from reviews.services import render_letter

    Letter.objects.filter(pk__in=letter_ids).update(status="pending")
    start, start_cpu = time.perf_counter(), time.process_time()
    for pk in letter_ids:
        render_letter(letter_id=pk)
    return time.perf_counter() - start, time.process_time() - start_cpu


def wait_rendered(letter_ids, timeout: float) -> float:
    from reviews.models import Letter

    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        if Letter.objects.filter(pk__in=letter_ids, status="rendered").count() == len(letter_ids):
            return time.perf_counter()
        time.sleep(0.05)
    raise TimeoutError(f"not all {len(letter_ids)} letters rendered within {timeout} s")


def with_worker(letter_ids, warm_ids, concurrency: int, var_dir: Path) -> dict:
    from reviews.models import Letter
    from reviews.tasks import render_letter_task

    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.base", "PYTHONUNBUFFERED": "1"}
    log = open(var_dir / "worker.log", "w")  # noqa: SIM115 (closed below)
    cmd = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "config",
        "worker",
        "-l",
        "warning",
        "--concurrency",
        str(concurrency),
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    started = time.perf_counter()
    worker = subprocess.Popen(
        cmd, cwd=BASE_DIR, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    try:
        for pk in warm_ids:  # brings the worker up and warms its processes (fonts, templates)
            render_letter_task.delay(pk)
        ready = wait_rendered(warm_ids, timeout=120) - started
        Letter.objects.filter(pk__in=letter_ids).update(status="pending")
        start = time.perf_counter()
        for pk in letter_ids:
            render_letter_task.delay(pk)
        done = wait_rendered(letter_ids, timeout=300)
        return {"ready_s": ready, "total_s": done - start}
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, signal.SIGKILL)
        log.close()


def main():
    args = parse_args()
    var_dir = Path(tempfile.mkdtemp(prefix="letters-bench-"))
    try:
        setup_django(var_dir)
        from django.db import transaction

        from reviews import letters
        from reviews.services import issuing

        issuing.queue_render = lambda letter_id: True  # letters are rendered below, not on commit
        officer, meeting, records = make_world(50 + args.letters + 2)
        with transaction.atomic():
            single = issue(officer, meeting, records[:1])
            batch = issue(officer, meeting, records[1:51])
            many = [issue(officer, meeting, [r]).pk for r in records[51 : 51 + args.letters]]
            warm = [issue(officer, meeting, [r]).pk for r in records[51 + args.letters :]]

        first = time.perf_counter()
        pdf = letters.render(single)
        cold_ms = (time.perf_counter() - first) * 1000
        single_ms, single_cpu = median_ms(lambda: letters.render(single), args.runs)
        letters.render(batch)
        batch_pdf = letters.render(batch)
        batch_ms, batch_cpu = median_ms(lambda: letters.render(batch), max(3, args.runs // 2))
        sequential_s, sequential_cpu = in_process(many)

        load = os.getloadavg()[0]
        print(
            f"Letter rendering (WeasyPrint, Noto Serif CJK SC), {os.cpu_count()} cores, load average {load:.1f}:"
        )
        print(f"  one letter, first render in process : {cold_ms:7.0f} ms  ({len(pdf) // 1024} KB)")
        print(
            f"  one letter, warm median of {args.runs:<3}      : {single_ms:7.0f} ms  "
            f"(CPU {single_cpu:.0f} ms; target < 300 ms)"
        )
        print(
            f"  50-person letter, warm median        : {batch_ms:7.0f} ms  (CPU {batch_cpu:.0f} ms; {len(batch_pdf) // 1024} KB)"
        )
        print(
            f"  {args.letters} letters in process, sequential  : {sequential_s:7.1f} s  "
            f"(CPU {sequential_cpu:.1f} s; render + store + DB, one by one)"
        )
        if not args.no_worker:
            result = with_worker(many, warm, args.concurrency, var_dir)
            transport = "Redis" if os.environ.get("REDIS_URL") else "filesystem transport"
            print(
                f"  {args.letters} letters by a real worker ({args.concurrency} processes, {transport}): "
                f"{result['total_s']:.1f} s  (target < 30 s; worker up and warm in {result['ready_s']:.1f} s)"
            )
    finally:
        if args.keep:
            print(f"kept {var_dir}")
        else:
            shutil.rmtree(var_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
