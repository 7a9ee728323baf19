"""A real Celery worker killed (SIGKILL) in the middle of a batch of letters, on the filesystem
transport and on Redis: a new worker and the beat job's sweep deliver every letter, each rendered
and stored exactly once — one file per letter, no orphan file, the serials as issued.

Everything runs against a throw-away SQLite file and media folder that the worker subprocesses and
this test both see (the test reads the database with sqlite3, read-only). The Redis case uses
database 6 (LETTERS_KILL_TEST_REDIS_URL to change it), emptied before and after, and is skipped
when Redis is not reachable.
"""

import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings

LETTERS = 10
REDIS_URL = os.environ.get("LETTERS_KILL_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")


@pytest.fixture(scope="module")
def world(tmp_path_factory) -> Path:
    """A migrated database with a committee and LETTERS approved cases, copied by each test."""
    var = tmp_path_factory.mktemp("world")
    scene(var, "", "world", str(LETTERS))
    return var / "db.sqlite3"


def scene_env(var: Path, redis_url: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_VAR_DIR": str(var),
        "DJANGO_MEDIA_ROOT": str(var / "media"),
        "DATABASE_URL": f"sqlite:///{var / 'db.sqlite3'}",
        "REDIS_URL": redis_url,  # empty: the filesystem transport in var/celery
        "DJANGO_LOG_LEVEL": "WARNING",
        "PYTHONUNBUFFERED": "1",
    }


def scene(var: Path, redis_url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "tests.reviews.worker_scene", *args],
        cwd=settings.BASE_DIR,
        env=scene_env(var, redis_url),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout.strip().splitlines()[-1] if done.stdout.strip() else ""


def start_worker(var: Path, redis_url: str, log_name: str) -> subprocess.Popen:
    log = open(var / log_name, "w")  # noqa: SIM115 (the worker writes to it until it ends)
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "-l", "warning", "--concurrency", "1"]
        + ["--without-gossip", "--without-mingle", "--without-heartbeat"],
        cwd=settings.BASE_DIR,
        env=scene_env(var, redis_url),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: the kill takes the pool processes too
    )


def stop(worker: subprocess.Popen, sig=signal.SIGTERM) -> None:
    if worker.poll() is None:
        os.killpg(worker.pid, sig)
    try:
        worker.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait()


def letters_in(var: Path) -> dict[int, dict]:
    with sqlite3.connect(f"file:{var / 'db.sqlite3'}?mode=ro", uri=True, timeout=20) as db:
        db.row_factory = sqlite3.Row
        rows = db.execute(
            "SELECT id, status, claim_token, attempts, serial, number, pdf, sha256 FROM reviews_letter"
        ).fetchall()
    return {row["id"]: dict(row) for row in rows}


def wait_for(var: Path, condition, timeout: float, worker_log: Path) -> dict[int, dict]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        letters = letters_in(var)
        if condition(letters):
            return letters
        time.sleep(0.02)
    pytest.fail(f"timed out; letters: {letters_in(var)}\nworker log:\n{worker_log.read_text()[-3000:]}")


def files_in(media: Path) -> dict[str, str]:
    return {
        str(p.relative_to(media)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in media.rglob("*")
        if p.is_file()
    }


def rendered(letters: dict) -> list[dict]:
    return [letter for letter in letters.values() if letter["status"] == "rendered"]


def redis_or_skip() -> str:
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL} ({exc}): the Redis transport is not tested")
    client.flushdb()  # no message of an earlier run may reach this worker
    return REDIS_URL


@pytest.mark.parametrize("transport", ["filesystem", "redis"])
def test_it_delivers_every_letter_exactly_once_after_the_worker_is_killed_mid_batch(
    transport, world, tmp_path
):
    redis_url = redis_or_skip() if transport == "redis" else ""
    var = tmp_path / "var"
    var.mkdir()
    shutil.copy(world, var / "db.sqlite3")
    ids = json.loads(scene(var, redis_url, "issue"))  # each letter's message is on the broker now
    issued = {pk: (row["serial"], row["number"]) for pk, row in letters_in(var).items()}
    assert sorted(ids) == sorted(issued) and len(ids) == LETTERS

    worker = start_worker(var, redis_url, "first-worker.log")
    try:  # killed as soon as one letter is stored and another one is being rendered
        wait_for(
            var,
            lambda ls: rendered(ls) and any(row["claim_token"] for row in ls.values()),
            timeout=60,
            worker_log=var / "first-worker.log",
        )
    finally:
        stop(worker, signal.SIGKILL)
    at_kill = letters_in(var)
    killed_mid_render = [pk for pk, row in at_kill.items() if row["claim_token"]]
    assert 1 <= len(rendered(at_kill)) < LETTERS and killed_mid_render

    worker = start_worker(var, redis_url, "second-worker.log")
    try:
        scene(var, redis_url, "sweep")  # the beat job, once the dead worker's claims ran out
        final = wait_for(
            var,
            lambda ls: len(rendered(ls)) == LETTERS,
            timeout=60,
            worker_log=var / "second-worker.log",
        )
    finally:
        stop(worker)
        if redis_url:
            import redis

            redis.Redis.from_url(redis_url).flushdb()

    files = files_in(var / "media")
    assert sorted(files) == sorted(row["pdf"] for row in final.values())  # one file each, no orphan
    assert all(files[row["pdf"]] == row["sha256"] for row in final.values())
    assert {pk: (row["serial"], row["number"]) for pk, row in final.items()} == issued
    assert all(final[pk]["attempts"] >= 2 for pk in killed_mid_render)  # their claims were taken over
    assert not any(row["claim_token"] for row in final.values())
