"""The Excel import (product.md §6), clicked through in real Chromium.

The secretary of 城关一支部 opens 导入导出 from the navigation, downloads the blank template (its
header row is imports.importer.template.HEADERS), and uploads a workbook of three people still under
way (up to 发展对象备案): one clean row, one with W01 (谈话 more than a month after the
application) and one with E06 (a 培养联系人 not on the branch roster). The preview shows the counts
and each row's codes and messages and writes nothing. She chooses 「仅导入无错误的行」, gives the
one warning reason and confirms; the import runs (eagerly in the tests) and the result page says
2 rows imported, 1 not. Confirming the same preview again, from a second tab left open on it (what
Back shows too, when Chromium restores the page from its back/forward cache), imports nothing more;
loaded afresh, the preview names the batch that imported it. The two people are on the case list and
their timelines show the steps as 导入 events, the W01 carrying its reason.

A stale preview (a second tab) confirmed again says why nothing happened.

A department auditor has no import rights: the navigation offers 导出 only, the page has no upload
form, and the server refuses an upload and the batch pages with 403.
"""

import datetime as dt
import re
import time

import openpyxl
import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from cases.models import Case, CaseEvent, EventSource
from imports.importer.template import HEADERS
from imports.models import ImportBatch, ImportStatus
from tests.e2e.browser import label, login
from tests.imports.conftest import TODAY, person, until, write_xlsx

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

IDENTITY = ("姓名", "性别", "出生日期", "公民身份号码")
REASON = "按原始档案补录，谈话记录见档案第3页"


def under_way(n: int, **changes) -> dict:
    """person(n), still under way: every step after 发展对象备案 is blank (on the default case list)."""
    return until("发展对象备案日期", **{k: person(n)[k] for k in IDENTITY}, **changes)


def stat(page: Page, caption: str):
    """The number in one of the count cards at the top of a batch page."""
    card = page.get_by_label("统计").locator(".card").filter(has_text=caption)
    return card.locator(".fs-4")


def confirm_again(page: Page) -> None:
    """Fill and send a confirm form still on screen (only the valid rows, a new reason)."""
    form = page.locator("#confirm-form")
    form.get_by_label("仅导入无错误的行").check()
    form.get_by_label(label("预警说明（记录在每个被预警的步骤上）")).fill("再导一次")
    form.get_by_role("button", name="确认导入").click()


def row_of(page: Page, name: str):
    return page.locator("table tbody tr").filter(has_text=name)


@pytest.fixture
def pinned_today(monkeypatch):
    """The rules read timezone.localdate(); the live server thread runs in this process."""
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: TODAY)
    return TODAY


def test_a_secretary_imports_a_workbook_in_the_browser(
    page: Page, live_server, secretary, pinned_today, tmp_path
):
    started = time.monotonic()
    base = live_server.url
    page.set_default_timeout(10_000)
    clean, warned, wrong = person(1)["姓名"], person(2)["姓名"], person(3)["姓名"]  # 张乙 张丙 张丁

    # --- 1. the import page from the navigation, and the blank template -----------------------
    login(page, base, "secretary")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="导入导出").click()
    expect(page).to_have_url(f"{base}/io/")
    expect(page.get_by_role("heading", name="从 Excel 导入已在发展过程中的人员")).to_be_visible()
    with page.expect_download() as info:
        page.get_by_role("link", name="导入模板（.xlsx）").click()
    download = info.value
    assert download.suggested_filename == "发展党员导入模板.xlsx"
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    template = openpyxl.load_workbook(saved, read_only=True)
    assert next(template.worksheets[0].iter_rows(values_only=True)) == tuple(HEADERS)

    # --- 2. upload three rows: the preview writes nothing -------------------------------------
    workbook = write_xlsx(
        tmp_path / "城关一支部补录.xlsx",
        [
            under_way(1),
            under_way(2, 谈话日期=dt.date(2021, 2, 6)),  # applied 2021-01-05: W01
            under_way(3, 培养联系人="城关一党员0、王不在册"),  # not on the roster: E06
        ],
    )
    page.get_by_label(label("导入文件（.xlsx，不超过 10 MB、10000 行）")).set_input_files(workbook)
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("导入检查（预览）")
    preview = ImportBatch.objects.get(user=secretary, dry_run=True)
    preview_url = f"{base}/io/batches/{preview.pk}/"
    expect(page).to_have_url(preview_url)
    expect(page.get_by_role("status").filter(has_text="尚未写入任何数据")).to_be_visible()
    for caption, count in [("数据行", 3), ("无错误（可导入）", 2), ("其中有预警", 1), ("有错误", 1)]:
        expect(stat(page, caption)).to_have_text(str(count))
    expect(row_of(page, clean)).to_contain_text("可导入")
    expect(row_of(page, warned).locator(".badge-warn")).to_have_text("W01")
    expect(row_of(page, warned)).to_contain_text("第3行「谈话日期」：W01 收到入党申请书后应在一个月内谈话")
    expect(row_of(page, wrong).locator(".badge-block")).to_have_text("E06")
    expect(row_of(page, wrong)).to_contain_text("第4行「培养联系人」：E06 培养联系人须为本支部在册正式党员")
    expect(row_of(page, wrong)).to_contain_text("王不在册")
    assert not Case.objects.exists()

    # A second tab left open on the preview, to confirm it again later.
    stale = page.context.new_page()
    stale.set_default_timeout(10_000)
    stale.goto(preview_url)
    expect(stale.get_by_role("button", name="确认导入")).to_be_visible()

    # --- 3. only the valid rows, with the warning's reason -------------------------------------
    form = page.locator("#confirm-form")
    expect(form).to_contain_text("有 1 行存在错误")
    expect(form).to_contain_text("有 1 行存在预警，须填写一条预警说明")
    form.get_by_label("仅导入无错误的行").check()
    form.get_by_label(label("预警说明（记录在每个被预警的步骤上）")).fill(REASON)
    form.get_by_role("button", name="确认导入").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("导入结果")
    expect(page.locator("#batch-body")).to_contain_text("已导入 2 行", timeout=15_000)  # polls if queued
    done = ImportBatch.objects.get(preview_of=preview)
    expect(page).to_have_url(f"{base}/io/batches/{done.pk}/")
    expect(page.locator("main")).to_contain_text(f"依据检查 #{preview.pk}")
    expect(page.locator("main")).to_contain_text("仅导入无错误的行")
    expect(stat(page, "实际导入")).to_have_text("2")
    expect(stat(page, "有错误")).to_have_text("1")
    expect(row_of(page, clean)).to_contain_text("已导入")
    expect(row_of(page, warned)).to_contain_text("已导入")
    expect(row_of(page, wrong)).to_contain_text("有错误")
    assert (done.status, done.rows_imported, done.warning_reason) == (ImportStatus.IMPORTED, 2, REASON)
    assert sorted(Case.objects.values_list("person__name", flat=True)) == sorted([clean, warned])

    # --- 4. the same preview cannot be imported twice -----------------------------------------
    # The tab opened before the import still shows the confirm form (as Back does when Chromium
    # restores the preview from its back/forward cache): confirming it again imports nothing.
    confirm_again(stale)
    expect(stale.locator("#confirm-form")).to_have_count(0)  # refused: the form is swapped away
    assert Case.objects.count() == 2
    assert ImportBatch.objects.filter(preview_of=preview).count() == 1
    stale.close()
    # Loaded afresh, the preview says where its rows went and offers no confirm button.
    page.goto(preview_url)
    expect(page.get_by_role("status").filter(has_text="该文件已确认导入")).to_have_text(
        f"该文件已确认导入：批次 #{done.pk}（已导入）。"
    )
    expect(page.get_by_role("button", name="确认导入")).to_have_count(0)
    assert Case.objects.count() == 2

    # --- 5. the case list and the imported timeline --------------------------------------------
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="案例列表").click()
    expect(page.get_by_text("共 2 个案例")).to_be_visible()
    expect(page.locator("#rows").get_by_role("link", name=clean)).to_be_visible()
    expect(page.locator("#rows").get_by_role("link", name=warned)).to_be_visible()
    expect(page.locator("#rows")).not_to_contain_text(wrong)

    page.locator("#rows").get_by_role("link", name=warned).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(warned)
    case = Case.objects.get(person__name=warned)
    expect(page).to_have_url(f"{base}/cases/{case.pk}/")
    events = CaseEvent.objects.filter(case=case)
    assert events.count() >= 8 and {e.source for e in events} == {EventSource.IMPORT}
    timeline = page.locator("ol.timeline > li")
    expect(timeline).to_have_count(events.count())
    expect(timeline.filter(has_text=re.compile(r"· 导入\s*$", re.M))).to_have_count(events.count())
    expect(timeline.filter(has=page.locator(".badge-warn", has_text="W01"))).to_contain_text(
        f"说明：{REASON}"
    )
    assert time.monotonic() - started < 30


def test_confirming_a_stale_preview_says_why_nothing_happened(
    page: Page, live_server, secretary, pinned_today, tmp_path
):
    base = live_server.url
    page.set_default_timeout(10_000)
    login(page, base, "secretary")
    page.goto(f"{base}/io/")
    page.get_by_label(label("导入文件（.xlsx，不超过 10 MB、10000 行）")).set_input_files(
        write_xlsx(tmp_path / "一人.xlsx", [under_way(1)])
    )
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("导入检查（预览）")
    stale = page.context.new_page()
    stale.goto(page.url)
    confirm_again(page)
    expect(page.locator("#batch-body")).to_contain_text("已导入 1 行")

    with stale.expect_response(lambda response: response.url.endswith("/confirm/")):
        confirm_again(stale)
    assert Case.objects.count() == 1
    expect(stale.get_by_role("alert").filter(has_text="未重复导入")).to_be_visible()
    expect(stale.locator("#confirm-form")).to_have_count(0)


def test_an_auditor_cannot_import(page: Page, live_server, auditor, pinned_today, tmp_path):
    base = live_server.url
    page.set_default_timeout(10_000)
    login(page, base, "auditor")
    nav = page.get_by_role("navigation", name="主导航")
    expect(nav.get_by_role("link", name="案例列表")).to_be_visible()
    expect(nav.get_by_role("link", name="导入导出")).to_have_count(0)

    # The navigation offers the exports only: the page has no upload form.
    with page.expect_response(lambda r: r.url.endswith("/io/")) as opened:
        nav.get_by_role("link", name="导出", exact=True).click()
    assert opened.value.status == 200
    expect(page.get_by_role("heading", name="导入导出", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="导出 Excel")).to_be_visible()
    expect(page.locator("#upload-form")).to_have_count(0)
    expect(page.get_by_role("button", name="上传并检查")).to_have_count(0)
    expect(page.get_by_role("link", name="导入模板（.xlsx）")).to_have_count(0)

    # The server itself refuses an upload, and the batch pages.
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    workbook = write_xlsx(tmp_path / "x.xlsx", [under_way(1)])
    refused = page.request.post(
        f"{base}/io/upload/",
        headers={"X-CSRFToken": token},
        multipart={
            "file": {
                "name": "x.xlsx",
                "mimeType": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "buffer": workbook.read_bytes(),
            }
        },
    )
    assert refused.status == 403
    assert "只有党支部书记（组织委员）和党委组织委员可以导入" in refused.text()
    assert not ImportBatch.objects.exists()

    response = page.goto(f"{base}/io/batches/1/")
    assert response.status == 403
    expect(page.get_by_role("heading", name="无权执行此操作")).to_be_visible()
    expect(page.get_by_text("原因：只有党支部书记（组织委员）和党委组织委员可以导入。")).to_be_visible()
    assert not Case.objects.exists()


def test_the_batch_page_follows_a_check_running_in_the_worker(
    page: Page, live_server, secretary, pinned_today, tmp_path
):
    """Without eager Celery's shortcut: the batch waits in the queue, its page polls by itself,
    and turns into the preview once the worker (here: the test) has checked the file."""
    from imports.importer import background, batches

    stored = batches.store_path(write_xlsx(tmp_path / "两人.xlsx", [under_way(1), under_way(2)]))
    waiting = batches.new_batch(
        stored, user=secretary, source="web", dry_run=True, status=ImportStatus.PENDING
    )
    waiting.save()
    page.set_default_timeout(10_000)
    login(page, live_server.url, "secretary")
    page.goto(f"{live_server.url}/io/batches/{waiting.pk}/")
    expect(page.get_by_role("status").filter(has_text="处理中（排队等待检查）")).to_be_visible()

    background.run_queued_check(waiting.pk)  # the worker takes the message
    expect(page.get_by_role("status").filter(has_text="尚未写入任何数据")).to_be_visible()
    expect(stat(page, "无错误（可导入）")).to_have_text("2")
    expect(page.get_by_role("button", name="确认导入")).to_be_visible()
    assert not Case.objects.exists()
