"""A county with files to back up, built through the services, and an empty database to restore into:
a SQLite file in tmp_path, or a fresh PostgreSQL database dropped afterwards. The restore runs in a
subprocess (`manage.py restore_data`, as an operator runs it); the test reads what it restored through
a second Django connection alias, `restored`."""

import datetime as dt
import io
import os
import secrets
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from pypdf import PdfWriter

from cases import services
from demo.journey import advance
from reviews.models import Letter
from reviews.queues import BY_SLUG
from reviews.selectors import queue_items
from reviews.services import decide_batch
from tests import factories as f

ALIAS = "restored"


def scan(title: str) -> SimpleUploadedFile:
    """A real one-page PDF, as a scanner would produce."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_metadata({"/Title": title})
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(f"{title}.pdf", buffer.getvalue(), content_type="application/pdf")


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def filed_case(county, secretary, officer, crew, media):
    """An activist whose filing the committee acknowledged: a 备案回执 rendered, and one scan."""
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2024, 6, 3), name="张三")
    advance(case, crew, until="activist_selection")
    on = case.records.get(step="activist_selection", is_current=True).on
    services.submit(case=case, step_code="activist_filing", on=on, actor=secretary)
    queue = BY_SLUG["activist_filing"]
    items = list(queue_items(officer, queue))
    decide_batch(queue=queue, action="acknowledge", items=items, actor=officer, on=on + dt.timedelta(days=2))
    services.upload_material(
        case=case, title="入党申请书", upload=scan("入党申请书"), actor=secretary, step="application"
    )
    assert Letter.objects.get().status == "rendered"  # rendered after commit (eager Celery)
    return case


@pytest.fixture
def county_with_files(county, secretary, crew, filed_case, media):
    """Besides the filed case: one case through all 25 steps (meetings, votes, people), one just opened."""
    done = f.new_case(county.branch, secretary, name="李四")
    advance(done, crew, until="archiving")
    services.upload_material(
        case=done, title="入党志愿书", upload=scan("入党志愿书"), actor=secretary, step="oath"
    )
    f.new_case(county.branch, secretary, name="王五")
    return county


@dataclass
class Target:
    """An empty database (and MEDIA_ROOT) for `manage.py restore_data` to restore into."""

    url: str
    media: Path
    var: Path

    def restore(self, archive: Path, *flags: str) -> subprocess.CompletedProcess:
        connections[ALIAS].close()  # the test's reads hold nothing open while the restore runs
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.base",
            "DATABASE_URL": self.url,
            "DJANGO_MEDIA_ROOT": str(self.media),
            "DJANGO_VAR_DIR": str(self.var),
            "DJANGO_SECRET_KEY": secrets.token_urlsafe(40),
            "REDIS_URL": "",
        }
        done = subprocess.run(
            [sys.executable, "manage.py", "restore_data", str(archive), *flags],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        open_restored()
        return done


def open_restored():
    """Django's test case refuses to open connections to an alias it did not set up, but lets one that
    is already open be used: so the `restored` alias is opened explicitly."""
    connections[ALIAS].connect()


def _postgres_url(name: str) -> str:
    db = connection.settings_dict
    login = quote(db["USER"]) + (f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else "")
    return f"postgres://{login}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


VENDORS = [
    pytest.param(
        "sqlite",
        marks=pytest.mark.skipif(connection.vendor != "sqlite", reason="the suite runs on PostgreSQL"),
    ),
    pytest.param(
        "postgresql",
        marks=[
            pytest.mark.postgres,
            pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
        ],
    ),
]


@pytest.fixture(params=VENDORS)
def empty_target(request, tmp_path):
    """An empty database of the suite's kind, readable in the test as connections["restored"]."""
    if request.param == "sqlite":
        name = str(tmp_path / "restored.sqlite3")
        url = f"sqlite:///{name}"
    else:
        name = f"dangyuan_backup_restore_{secrets.token_hex(4)}"
        url = _postgres_url(name)
        with connection.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{name}"')
    connections.settings[ALIAS] = {**connection.settings_dict, "NAME": name}
    open_restored()
    yield Target(url=url, media=tmp_path / "restored-media", var=tmp_path / "restored-var")
    connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]
    if request.param == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
