"""Import benchmark on PostgreSQL: a generated 10,000-row file, checked (dry run) and imported.

    .venv/bin/python bench/import_bench.py [--rows 10000] [--seed 7]

Not a test. Needs PostgreSQL (DATABASE_URL, default
postgres://postgres@127.0.0.1:5432/dangyuan_bench_import). The database is dropped and created
afresh on every run (an import needs an empty database, or every row is "already imported"),
migrated, and given a county: one 乡镇党委 with 20 党支部 of 14 members each, an importing
组织委员 and the working-day calendar. The file mixes every stage from 入党申请人 to 归档
(about 12 steps a row on average), some rows with a W01 warning.

Each phase runs in its own process, so its peak memory (ru_maxrss) is its own:
  dry run   — imports.importer.check_batch: read, plan, check every step with cases.rules
  import    — imports.importer.import_batch, all_or_nothing: the same check, then every row
              through services.backfill_cases (the write path for histories, saved in bulk)
              in one transaction
Target (issue 3): under 60 s and under 500 MB each. Results: stdout and bench/out/import.json;
with BENCH_PROFILE=1 also a cProfile of each phase in bench/out/import-<phase>.prof (slower).
"""

import argparse
import datetime as dt
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.pg import admin_cursor  # noqa: E402

PYTHON = ROOT / ".venv" / "bin" / "python"
OUT = ROOT / "bench" / "out"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/dangyuan_bench_import"
BRANCHES, FULL_MEMBERS, PROBATIONARY_MEMBERS = 20, 12, 2
IMPORTER = "bench_importer"

# (last column filled, weight): where the people of a county stand.
STAGES = [
    ("谈话日期", 25),
    ("积极分子备案日期", 20),
    ("发展对象备案日期", 10),
    ("支委会审查日期", 10),
    ("入党宣誓日期", 15),
    ("转正审批日期", 5),
    ("归档日期", 15),
]
# Days after the application date, on a valid 2014-rules path (as in tests/imports/conftest.py).
OFFSETS = {
    "谈话日期": 15,
    "确定积极分子日期": 55,
    "积极分子备案日期": 64,
    "确定发展对象日期": 55 + 372,
    "发展对象备案日期": 55 + 380,
    "政审日期": 55 + 397,
    "集中培训结业日期": 55 + 406,
    "支委会审查日期": 55 + 416,
    "预审日期": 55 + 432,
    "接收大会日期": 55 + 446,
    "党委谈话日期": 55 + 458,
    "党委审批日期": 55 + 472,
    "入党宣誓日期": 55 + 488,
}
AFTER_MEETING = {"转正申请日期": 355, "转正大会日期": 367, "转正审批日期": 387, "归档日期": 397}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--phase", choices=["setup", "dry", "import"], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        return run_phase(args)

    env = {**os.environ, "DATABASE_URL": os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", DJANGO_DEBUG="0", DJANGO_LOG_LEVEL="WARNING")
    env.setdefault("DJANGO_VAR_DIR", tempfile.mkdtemp(prefix="import-bench-"))
    recreate_database(env["DATABASE_URL"])
    subprocess.run([PYTHON, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True, timeout=600)
    file = Path(env["DJANGO_VAR_DIR"]) / f"import-{args.rows}.xlsx"
    results = {"rows": args.rows, "database": urlparse(env["DATABASE_URL"]).path.lstrip("/")}
    for phase in ("setup", "dry", "import"):
        command = [
            PYTHON,
            __file__,
            "--phase",
            phase,
            "--file",
            str(file),
            "--rows",
            str(args.rows),
            "--seed",
            str(args.seed),
        ]
        done = subprocess.run(
            command, cwd=ROOT, env=env, check=True, timeout=3600, capture_output=True, text=True
        )
        results[phase] = json.loads(done.stdout.strip().splitlines()[-1])
        print(phase, results[phase], flush=True)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "import.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    for phase in ("dry", "import"):
        r = results[phase]
        print(f"{phase:7} {r['seconds']:7.1f} s   peak {r['peak_mb']:6.0f} MB   {r['summary']}")


def recreate_database(url: str) -> None:
    with admin_cursor(url) as (cursor, name):
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')


def run_phase(args) -> None:
    import django

    django.setup()
    phase = {"setup": setup, "dry": dry_run, "import": real_import}[args.phase]
    started = time.perf_counter()
    if os.environ.get("BENCH_PROFILE") and args.phase != "setup":
        import cProfile

        OUT.mkdir(parents=True, exist_ok=True)
        profile = cProfile.Profile()
        summary = profile.runcall(phase, args)
        profile.dump_stats(OUT / f"import-{args.phase}.prof")
    else:
        summary = phase(args)
    seconds = time.perf_counter() - started
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        json.dumps(
            {"seconds": round(seconds, 2), "peak_mb": round(peak_mb, 1), "summary": summary},
            ensure_ascii=False,
        )
    )


def setup(args) -> str:
    from django.contrib.auth import get_user_model

    from branches.models import MemberStatus, OrgKind, PartyMember, Role
    from branches.services import create_organization, grant_role
    from cases.workdays import seed_from_package

    dept = create_organization(name="基准县委组织部", code="BDEPT", kind=OrgKind.DEPARTMENT)
    town = create_organization(
        name="基准镇党委", code="BTOWN", kind=OrgKind.COMMITTEE, parent=dept, can_approve=True
    )
    branches = []
    for b in range(BRANCHES):
        branch = create_organization(
            name=f"基准镇第{b + 1}党支部", code=f"B{b + 1:02d}", kind=OrgKind.BRANCH, parent=town
        )
        PartyMember.objects.bulk_create(
            [
                PartyMember(branch=branch, name=f"支{b + 1}党员{m}", status=MemberStatus.FULL)
                for m in range(FULL_MEMBERS)
            ]
            + [
                PartyMember(branch=branch, name=f"支{b + 1}预备{m}", status=MemberStatus.PROBATIONARY)
                for m in range(PROBATIONARY_MEMBERS)
            ]
        )
        branches.append(branch)
    user = get_user_model().objects.create_user(IMPORTER, password="bench-123456", first_name="基准组织委员")
    grant_role(user=user, role=Role.COMMITTEE_OFFICER, org=town)
    holidays = seed_from_package(range(2013, 2027))
    write_file(Path(args.file), args.rows, args.seed)
    return (
        f"{BRANCHES} 党支部, {holidays} 节假日/调休, 文件 {Path(args.file).stat().st_size / 1048576:.1f} MB"
    )


def write_file(path: Path, rows: int, seed: int) -> None:
    import openpyxl

    from cases import idcard
    from demo.people import Names
    from imports.importer.template import HEADERS

    rng = random.Random(seed)
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("导入模板")
    sheet.append(list(HEADERS))
    stages, weights = zip(*STAGES, strict=True)
    names = Names(rng, unique=False)
    for i in range(rows):
        values = generated_row(i, rng, rng.choices(stages, weights)[0], idcard, names)
        sheet.append([values.get(h) for h in HEADERS])
    workbook.save(path)


def generated_row(i: int, rng: random.Random, last: str, idcard, names) -> dict:
    gender = rng.choice("MF")
    birth = dt.date(1966, 1, 1) + dt.timedelta(days=rng.randrange(0, 30 * 365))  # 18+ by 2015
    applied = dt.date(2015, 1, 1) + dt.timedelta(days=rng.randrange(0, 9 * 365))
    branch = i % BRANCHES + 1
    row = {
        "姓名": names.make(gender),
        "性别": "男" if gender == "M" else "女",
        "民族": "汉族",
        "出生日期": birth,
        "公民身份号码": idcard.make(f"3301{(i // 500) % 90 + 10:02d}", birth, i % 500, gender),
        "学历": rng.choice(["高中/中专", "大专", "本科", "研究生"]),
        "是否团员": "否",
        "是否生产工作一线": rng.choice(["是", "否"]),
        "所在党支部": f"B{branch:02d}",
        "申请入党日期": applied,
    }
    dates = {h: applied + dt.timedelta(days=days) for h, days in OFFSETS.items()}
    meeting = dates["接收大会日期"]
    dates.update({h: meeting + dt.timedelta(days=days) for h, days in AFTER_MEETING.items()})
    if rng.random() < 0.05:
        dates["谈话日期"] = applied + dt.timedelta(days=40)  # W01: the talk came late
    headers = list(dates)
    for header in headers[: headers.index(last) + 1]:
        if dates[header] > dt.date(2026, 5, 1):  # keep to the 2014 rules and to the past
            break
        row[header] = dates[header]
    if "确定积极分子日期" in row:
        row["培养联系人"] = f"支{branch}党员0、支{branch}党员1"
    if "发展对象备案日期" in row:
        row["入党介绍人"] = f"支{branch}党员2、支{branch}党员3"
    if "政审日期" in row:
        row["政审结论"] = "合格"
    if "集中培训结业日期" in row:
        row["集中培训学时"] = 24
    for prefix, date_header in (("接收大会", "接收大会日期"), ("转正大会", "转正大会日期")):
        if date_header in row:
            row.update({f"{prefix}应到人数": 12, f"{prefix}实到人数": 11, f"{prefix}赞成票数": 11})
    return row


def dry_run(args) -> str:
    from django.contrib.auth import get_user_model

    from imports.importer import check_batch, store_path

    user = get_user_model().objects.get(username=IMPORTER)
    batch, result = check_batch(store_path(args.file), user=user, source="command")
    return f"{batch.rows_total} 行：无错误 {batch.rows_valid}（有预警 {batch.rows_warned}），有错误 {batch.rows_invalid}"


def real_import(args) -> str:
    from django.contrib.auth import get_user_model

    from cases.models import CaseEvent, StepRecord
    from imports.importer import import_batch, store_path

    user = get_user_model().objects.get(username=IMPORTER)
    batch, result = import_batch(
        store_path(args.file),
        user=user,
        mode="all_or_nothing",
        warning_reason="基准测试：按原始档案补录",
        source="command",
    )
    if batch.status != "imported":
        raise SystemExit(f"import failed: {batch.error}")
    return (
        f"导入 {batch.rows_imported} 行，{StepRecord.objects.count()} 个步骤记录，"
        f"{CaseEvent.objects.count()} 个事件"
    )


if __name__ == "__main__":
    main()
