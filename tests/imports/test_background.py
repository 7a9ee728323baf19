"""The check runs in a worker, never in the web request: the upload stores the file and queues the
check on commit; the batch page polls and shows the rows checked, then the preview. A task that
dies, or a worker that never answers, leaves the batch failed (or stalled) with a retry — never a
spinner for ever. In the tests Celery is eager: the queued task runs when the callbacks run."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cases.models import Case
from imports.importer import background, batches
from imports.importer.background import INTERRUPTED
from imports.importer.progress import BatchProgress
from imports.models import ImportBatch, ImportStatus
from imports.tasks import check_batch_task
from tests.imports.conftest import full_row, person
from tests.imports.test_limits import BLANK_ROWS, with_sheet_xml
from tests.imports.test_views import upload_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def upload(client, secretary, book, today, django_capture_on_commit_callbacks):
    """upload(rows or path, run=False) → (response, batch, on-commit callbacks); run=True lets the
    queued check run (eagerly) once the request's transaction commits."""

    def go(rows_or_path, run=False):
        client.force_login(secretary)
        path = rows_or_path if not isinstance(rows_or_path, list) else book(rows_or_path)
        with django_capture_on_commit_callbacks(execute=run) as callbacks:
            response = client.post(reverse("imports:upload"), {"file": upload_file(path)})
        assert response.status_code == 302, response.content.decode()[:300]
        return response, ImportBatch.objects.filter(user=secretary).latest("pk"), callbacks

    return go


def page_of(client, batch) -> str:
    return client.get(reverse("imports:batch", args=[batch.pk])).content.decode()


def test_it_queues_the_check_on_commit_and_answers_before_any_row_is_checked(client, upload, monkeypatch):
    checked = []
    real_check_file = batches.check_file
    monkeypatch.setattr(batches, "check_file", lambda *a, **k: checked.append(a) or real_check_file(*a, **k))

    response, batch, callbacks = upload([full_row(), person(2)])
    assert len(callbacks) == 1 and checked == []  # the request only stored the file and queued the task
    assert (batch.status, batch.rows_checked, batch.report) == (ImportStatus.PENDING, 0, [])
    waiting = page_of(client, batch)
    assert "处理中（排队等待检查）" in waiting and 'hx-trigger="every 2s"' in waiting

    callbacks[0]()  # what the worker does once the message arrives
    batch.refresh_from_db()
    assert len(checked) == 1
    assert (batch.status, batch.rows_total, batch.rows_checked, batch.rows_valid) == (
        ImportStatus.CHECKED,
        2,
        2,
        2,
    )
    done = page_of(client, batch)
    assert "尚未写入任何数据" in done and 'hx-trigger="every 2s"' not in done and not Case.objects.exists()


def test_the_page_shows_the_rows_checked_so_far(client, upload):
    _, batch, _ = upload([full_row()])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.CHECKING)
    BatchProgress(batch.pk).heartbeat()
    assert "正在读取文件" in page_of(client, batch)

    BatchProgress(batch.pk)(3, 10)
    page = page_of(client, batch)
    assert "处理中（检查中）" in page and "已检查 3 / 10 行" in page
    assert '<progress class="w-100 mt-2" value="3" max="10"' in page and 'hx-trigger="every 2s"' in page


def test_the_worker_reports_every_row_up_to_the_total(secretary, book, today, monkeypatch):
    heard = []
    monkeypatch.setattr(
        BatchProgress, "__call__", lambda self, checked=0, total=0: heard.append((checked, total))
    )
    batch = batches.new_batch(
        batches.store_path(book([full_row(), person(2), person(3)])),
        user=secretary,
        source="web",
        dry_run=True,
        status=ImportStatus.PENDING,
    )
    batch.save()
    check_batch_task.apply(args=[batch.pk])
    assert [h for h in heard if h[1]] == [(1, 3), (2, 3), (3, 3)]
    batch.refresh_from_db()
    assert batch.status == ImportStatus.CHECKED and batch.alive_until > timezone.now()


def test_a_blank_row_bomb_is_refused_in_the_worker_and_the_page_names_the_limit(client, upload, tmp_path):
    path = tmp_path / "blank.xlsx"
    with_sheet_xml(path, b"<row/>" * BLANK_ROWS)
    _, batch, _ = upload(path, run=True)
    batch.refresh_from_db()
    assert batch.status == ImportStatus.REJECTED and batch.report == []
    page = page_of(client, batch)
    assert "文件无法导入" in page and "超过每个文件 10000 行的上限" in page and not Case.objects.exists()


def test_a_check_task_that_dies_leaves_the_batch_failed_with_a_retry(
    client, upload, monkeypatch, django_capture_on_commit_callbacks
):
    _, batch, _ = upload([full_row()])
    with monkeypatch.context() as patched:
        patched.setattr(
            background, "run_check", lambda *a: (_ for _ in ()).throw(MemoryError("out of memory"))
        )
        check_batch_task.apply(args=[batch.pk], throw=False)  # as a worker runs it: errors not re-raised
    batch.refresh_from_db()
    assert (
        batch.status == ImportStatus.FAILED
        and "检查过程中出错" in batch.error
        and "MemoryError" in batch.error
    )
    page = page_of(client, batch)
    assert "检查失败" in page and "重新检查</button>" in page and 'hx-trigger="every 2s"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        retried = client.post(reverse("imports:retry", args=[batch.pk]), follow=True).content.decode()
    batch.refresh_from_db()
    assert (batch.status, batch.rows_valid, batch.error) == (ImportStatus.CHECKED, 1, "")
    assert "已重新排队检查" in retried and not Case.objects.exists()


def test_a_check_whose_worker_never_answers_is_shown_interrupted_and_can_be_retried(
    client, upload, django_capture_on_commit_callbacks
):
    _, batch, _ = upload([full_row()])  # its message is lost: the task never runs
    ImportBatch.objects.filter(pk=batch.pk).update(alive_until=timezone.now() - dt.timedelta(seconds=1))
    page = page_of(client, batch)
    assert "处理中断（失败）" in page and "重新检查</button>" in page and 'hx-trigger="every 2s"' not in page
    listing = client.get(reverse("imports:index")).content.decode()
    assert "处理中断" in listing

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(reverse("imports:retry", args=[batch.pk]))
    batch.refresh_from_db()
    assert len(callbacks) == 1 and batch.status == ImportStatus.CHECKED

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = client.post(reverse("imports:retry", args=[batch.pk]), follow=True).content.decode()
    assert callbacks == [] and "无需重新检查" in again


def test_a_message_delivered_twice_checks_once(upload):
    _, batch, callbacks = upload([full_row()])
    callbacks[0]()
    batch.refresh_from_db()
    finished = batch.finished_at
    check_batch_task.apply(args=[batch.pk])
    batch.refresh_from_db()
    assert batch.finished_at == finished and batch.status == ImportStatus.CHECKED


def test_a_stalled_import_does_not_block_confirming_again(client, upload, django_capture_on_commit_callbacks):
    _, preview, _ = upload([full_row()], run=True)
    client.post(reverse("imports:confirm", args=[preview.pk]), {"mode": "valid_only"})  # queued, never run
    lost = ImportBatch.objects.get(preview_of=preview)
    ImportBatch.objects.filter(pk=lost.pk).update(
        status=ImportStatus.RUNNING, alive_until=timezone.now() - dt.timedelta(seconds=1)
    )
    page = page_of(client, lost)
    assert "处理中断（失败）" in page and "导入没有完成，整批已回滚" in page
    assert reverse("imports:batch", args=[preview.pk]) in page
    assert "确认导入</button>" in page_of(client, preview)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:confirm", args=[preview.pk]), {"mode": "valid_only"})
    lost.refresh_from_db()
    assert (lost.status, lost.error) == (ImportStatus.FAILED, INTERRUPTED)
    assert ImportBatch.objects.get(preview_of=preview, status=ImportStatus.IMPORTED).rows_imported == 1
    assert Case.objects.count() == 1


@pytest.mark.parametrize(("persona", "status"), [("outsider", 404), ("officer", 404), ("reviewer", 403)])
def test_only_the_uploader_may_retry(client, request, upload, persona, status):
    _, batch, _ = upload([full_row()])
    ImportBatch.objects.filter(pk=batch.pk).update(status=ImportStatus.FAILED)
    client.force_login(request.getfixturevalue(persona))
    assert client.post(reverse("imports:retry", args=[batch.pk])).status_code == status
    assert ImportBatch.objects.get(pk=batch.pk).status == ImportStatus.FAILED
