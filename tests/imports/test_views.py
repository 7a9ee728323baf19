"""The browser flow (upload → preview → confirm) and the export downloads, with their permissions."""

import datetime as dt
import io
import os
import re
from pathlib import Path

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case, CaseEvent, EventSource
from imports.importer.template import HEADERS
from imports.models import ExportKind, ExportLog, ImportBatch, ImportStatus
from tests.imports.conftest import full_row, person, until

pytestmark = pytest.mark.django_db
d = dt.date


def upload_file(path_or_bytes, name="导入.xlsx"):
    content = Path(path_or_bytes).read_bytes() if isinstance(path_or_bytes, (str, Path)) else path_or_bytes
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def preview(client, secretary, book, today, django_capture_on_commit_callbacks):
    """Upload as the secretary; the check queued on commit runs (eagerly in the tests, in a Celery
    worker in production). Returns the preview batch."""

    def go(rows):
        client.force_login(secretary)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(reverse("imports:upload"), {"file": upload_file(book(rows))})
        assert response.status_code == 302, response.content.decode()[:500]
        return ImportBatch.objects.filter(user=secretary, dry_run=True).latest("pk")

    return go


@pytest.fixture
def confirm(client, django_capture_on_commit_callbacks):
    """POST the confirm form; the queued import runs when the request's transaction commits
    (eagerly in the tests, in a Celery worker in production)."""

    def go(batch, data, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(reverse("imports:confirm", args=[batch.pk]), data, **kwargs)

    return go


def workbook(response) -> openpyxl.Workbook:
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)


def test_the_import_page_offers_upload_to_importers_only(client, secretary, auditor, reviewer):
    client.force_login(secretary)
    page = client.get(reverse("imports:index")).content.decode()
    assert "上传并检查" in page and "导入导出" in page
    for user in (auditor, reviewer):
        client.force_login(user)
        page = client.get(reverse("imports:index")).content.decode()
        assert "上传并检查" not in page and "花名册" in page


@pytest.mark.parametrize("persona", ["auditor", "reviewer"])
def test_roles_without_import_rights_get_403(client, request, book, persona, today):
    client.force_login(request.getfixturevalue(persona))
    response = client.post(reverse("imports:upload"), {"file": upload_file(book([full_row()]))})
    assert response.status_code == 403
    assert not ImportBatch.objects.exists()


def test_upload_shows_a_preview_and_writes_nothing(client, preview):
    batch = preview([full_row(), person(2, 谈话日期=d(2021, 2, 6)), person(3, 集中培训学时=8)])
    assert (batch.rows_total, batch.rows_valid, batch.rows_warned, batch.rows_invalid) == (3, 2, 1, 1)
    assert not Case.objects.exists()
    page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "尚未写入任何数据" in page and "确认导入" in page
    assert "W01" in page and "E08" in page and "第4行「集中培训学时」" in page
    only_errors = client.get(
        reverse("imports:batch", args=[batch.pk]), {"status": "invalid"}
    ).content.decode()
    assert "第4行" in only_errors and "第3行「谈话日期」" not in only_errors


def test_the_confirm_form_offers_the_mode_that_imports_something(client, preview):
    clean = preview([full_row()])
    page = client.get(reverse("imports:batch", args=[clean.pk])).content.decode()
    assert re.search(r'value="all_or_nothing"[^>]*checked', page)
    assert "<legend" in page and "导入方式" in page  # the radio group is named for screen readers

    with_errors = preview([person(1), person(2, 集中培训学时=8)])
    page = client.get(reverse("imports:batch", args=[with_errors.pk])).content.decode()
    assert re.search(r'value="valid_only"[^>]*checked', page)
    assert not re.search(r'value="all_or_nothing"[^>]*checked', page)


def test_htmx_upload_redirects_the_client(client, secretary, book, today):
    client.force_login(secretary)
    response = client.post(
        reverse("imports:upload"), {"file": upload_file(book([full_row()]))}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200 and response["HX-Redirect"].startswith("/io/batches/")


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("导入.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "不是 .xlsx 文件"),
        ("导入.xlsx", b"%PDF-1.4 fake", "PDF 文件"),
        ("导入.xlsx", b"PK\x03\x04" + b"\x00" * (10 * 1024 * 1024), "超过上限 10 MB"),
    ],
)
def test_bad_uploads_get_a_clear_message(
    client, secretary, name, content, says, today, django_capture_on_commit_callbacks
):
    client.force_login(secretary)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:upload"), {"file": upload_file(content, name)})
    page = response.content.decode()
    if response.status_code == 302:  # readable enough to store: the batch page says why
        page = client.get(response["Location"]).content.decode()
        assert "文件无法导入" in page
    assert says in page
    assert not Case.objects.exists()


def test_confirm_imports_with_a_reason_for_the_warnings(client, secretary, preview, confirm):
    batch = preview([full_row(), person(2, 谈话日期=d(2021, 2, 6))])
    refused = confirm(batch, {"mode": "all_or_nothing", "warning_reason": ""})
    assert refused.status_code == 200 and "须填写一条预警说明" in refused.content.decode()
    assert not Case.objects.exists() and not ImportBatch.objects.filter(preview_of=batch).exists()

    response = confirm(batch, {"mode": "all_or_nothing", "warning_reason": "按原始档案补录"})
    done = ImportBatch.objects.get(preview_of=batch)
    assert response.status_code == 302 and response["Location"] == reverse("imports:batch", args=[done.pk])
    assert (done.status, done.rows_imported, done.user, done.ip) == (
        ImportStatus.IMPORTED,
        2,
        secretary,
        "127.0.0.1",
    )
    assert Case.objects.count() == 2
    assert set(CaseEvent.objects.values_list("source", flat=True)) == {EventSource.IMPORT}
    assert set(CaseEvent.objects.values_list("ip", flat=True)) == {"127.0.0.1"}
    result = client.get(response["Location"]).content.decode()
    assert "已导入 2 行" in result

    again = confirm(batch, {"mode": "all_or_nothing", "warning_reason": "再来一次"}, follow=True)
    assert "未重复导入" in again.content.decode() and Case.objects.count() == 2


def test_a_queued_import_shows_that_it_is_in_progress(client, preview):
    batch = preview([full_row()])
    client.post(
        reverse("imports:confirm", args=[batch.pk]), {"mode": "valid_only"}
    )  # not committed: still queued
    queued = ImportBatch.objects.get(preview_of=batch)
    assert queued.status == ImportStatus.QUEUED and not Case.objects.exists()
    page = client.get(reverse("imports:batch", args=[queued.pk])).content.decode()
    assert "处理中（排队等待导入）" in page and 'hx-trigger="every 2s"' in page
    preview_page = client.get(reverse("imports:batch", args=[batch.pk])).content.decode()
    assert "确认导入</button>" not in preview_page


def test_a_task_delivered_twice_imports_once(client, preview):
    from imports.tasks import import_batch_task

    batch = preview([full_row()])
    client.post(reverse("imports:confirm", args=[batch.pk]), {"mode": "valid_only"})
    queued = ImportBatch.objects.get(preview_of=batch)
    import_batch_task.apply(args=[queued.pk])
    import_batch_task.apply(args=[queued.pk])
    assert Case.objects.count() == 1 and ImportBatch.objects.get(pk=queued.pk).rows_imported == 1


def test_all_or_nothing_with_an_invalid_row_imports_nothing(client, preview, confirm):
    batch = preview([full_row(), person(3, 集中培训学时=8)])
    confirm(batch, {"mode": "all_or_nothing"})
    done = ImportBatch.objects.get(preview_of=batch)
    assert done.status == ImportStatus.FAILED and not Case.objects.exists()
    page = client.get(reverse("imports:batch", args=[done.pk])).content.decode()
    assert "有 1 行存在错误" in page
    confirm(batch, {"mode": "valid_only"})  # a failed attempt may be followed by another choice
    assert Case.objects.count() == 1


def test_the_stored_file_is_what_gets_imported(client, preview, confirm):
    batch = preview([full_row()])
    Path(batch.stored_path).write_bytes(b"tampered")
    response = confirm(batch, {"mode": "valid_only"}, follow=True)
    assert "已不存在或已被改动" in response.content.decode()
    assert not Case.objects.exists()
    os.remove(batch.stored_path)


def test_another_users_batch_is_404(client, officer, outsider, preview):
    batch = preview([full_row()])
    for user in (officer, outsider):
        client.force_login(user)
        assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 404
        assert (
            client.post(reverse("imports:confirm", args=[batch.pk]), {"mode": "valid_only"}).status_code
            == 404
        )
    assert not Case.objects.exists()


def test_reviewer_cannot_see_batches(client, reviewer, preview):
    batch = preview([full_row()])
    client.force_login(reviewer)
    assert client.get(reverse("imports:batch", args=[batch.pk])).status_code == 403


def test_the_blank_template_has_the_exact_headers_and_instructions(client, secretary):
    client.force_login(secretary)
    book = workbook(client.get(reverse("imports:template")))
    assert book.sheetnames == ["导入模板", "填写说明"]
    assert [c for c in next(book["导入模板"].iter_rows(values_only=True))] == list(HEADERS)
    notes = [r[0] for r in book["填写说明"].iter_rows(values_only=True)]
    assert set(HEADERS) <= set(notes)
    assert "第5步 指定培养联系人" in notes and "第18步 再上一级党委组织部门备案" in notes


def test_stage_rosters_and_the_case_list_export(client, secretary, auditor, book, today, preview, confirm):
    batch = preview(
        [
            until("积极分子备案日期"),
            person(2),
            until("确定发展对象日期", **{k: person(3)[k] for k in ("姓名", "公民身份号码")}),
        ]
    )
    confirm(batch, {"mode": "all_or_nothing"})
    assert Case.objects.count() == 3

    roster = workbook(client.get(reverse("imports:export_roster", args=["activist"])))
    rows = list(roster.worksheets[0].iter_rows(values_only=True))
    assert roster.sheetnames == ["入党积极分子花名册"] and [r[1] for r in rows[1:]] == ["张建国"]
    assert rows[1][5] == full_row()["公民身份号码"]  # the secretary sees it in full

    client.force_login(auditor)
    listing = workbook(client.get(reverse("imports:export_cases"), {"outcome": "all", "stage": "target"}))
    rows = list(listing.worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows[1:]] == [person(3)["姓名"]]
    assert "*" in rows[1][2]  # masked for the department
    log = ExportLog.objects.filter(user=auditor).get()
    assert (log.kind, log.row_count, log.full_id_numbers, log.filters["stage"]) == (
        ExportKind.CASE_LIST,
        1,
        False,
        "target",
    )

    assert client.get(reverse("imports:export_roster", args=["nonsense"])).status_code == 404


def test_the_template_export_and_member_roster_are_scoped(client, outsider, preview, confirm):
    batch = preview([full_row()])
    confirm(batch, {"mode": "all_or_nothing"})
    client.force_login(outsider)
    rows = list(
        workbook(client.get(reverse("imports:export_template"))).worksheets[0].iter_rows(values_only=True)
    )
    assert rows == [tuple(HEADERS)]
    members = list(
        workbook(client.get(reverse("imports:export_members"))).worksheets[0].iter_rows(values_only=True)
    )
    assert {r[0] for r in members[1:]} == {"河口镇第一党支部"}
    assert ExportLog.objects.filter(user=outsider).count() == 2


def test_the_case_list_has_an_export_button(client, secretary):
    client.force_login(secretary)
    page = client.get(reverse("cases:list"), {"stage": "activist"}).content.decode()
    assert reverse("imports:export_cases") + "?stage=activist" in page


def test_uploads_are_rate_limited_per_user(client, secretary, officer, book, settings):
    """Each row's check says whether its number is registered: a file is a batch of lookups."""
    settings.IMPORT_UPLOAD_RATES = ["2/h"]
    client.force_login(secretary)
    answers = [
        client.post(reverse("imports:upload"), {"file": upload_file(book([full_row()]))}).status_code
        for _ in range(3)
    ]
    assert answers == [302, 302, 429]
    assert ImportBatch.objects.filter(user=secretary).count() == 2  # the third was never stored
    client.force_login(officer)
    assert (
        client.post(reverse("imports:upload"), {"file": upload_file(book([full_row()]))}).status_code == 302
    )
