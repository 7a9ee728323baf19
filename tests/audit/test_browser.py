"""The audit browser (issue 11, items 1 and 4): who reads it, what each filter keeps, keyset pages
that neither repeat nor skip, Chinese before / after, and exports that are guarded and logged."""

import csv
import io
import re
from html import unescape

import pytest
from django.db import DatabaseError
from django.urls import reverse
from openpyxl import load_workbook

from branches.models import Role
from branches.services import grant_role
from cases import services
from cases.models import CaseEvent, EventKind
from cases.services.actors import Actor
from cases.services.events import record_event
from imports.models import ExportKind, ExportLog
from tests import factories as f

pytestmark = pytest.mark.django_db


def get(client, reader, tab="events", **query):
    client.force_login(reader)
    return client.get(reverse("audit:tab", args=[tab]), query)


def rows_of(response) -> list[str]:
    """The text of each body row of the audit table."""
    html = response.content.decode()
    body = html.split('id="audit-rows"', 1)[1].split("</table></div>", 1)[0].split("<tbody>", 1)[1]
    rows = re.findall(
        r"<tr>\s*<td class=\"text-nowrap\">(.*?)</tr>\s*(?=<tr>\s*<td class=\"text-nowrap\">|</tbody>)",
        body,
        re.S,
    )
    return [unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", r))).strip() for r in rows]


@pytest.fixture
def two_cases(county, secretary, outsider):
    mine = f.new_case(county.branch, secretary, name="王晓明")
    theirs = f.new_case(county.other_branch, outsider, name="欧阳明远")
    return mine, theirs


def note_event(case, user, summary, **fields):
    from django.db import transaction

    with transaction.atomic():
        return record_event(
            case=case, actor=Actor(user=user, ip="10.0.0.9"), kind=EventKind.EDIT, summary=summary, **fields
        )


# ---- scope ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("auditor", 200),
        ("officer", 200),
        ("officer_b", 200),
        ("secretary", 403),
        ("secretary_under_reviewer", 403),
        ("reviewer", 403),
        ("outsider", 403),
    ],
)
@pytest.mark.parametrize("tab", ["events", "fields", "config", "reads"])
def test_only_the_audit_roles_read_it(client, personas, two_cases, persona, status, tab):
    assert get(client, personas[persona], tab).status_code == status
    export = client.get(reverse("audit:export", args=[tab, "csv"]))
    assert export.status_code == status


def test_a_committee_officer_sees_only_its_subtree(client, officer, officer_b, auditor, two_cases):
    assert any("王晓明" in r for r in rows_of(get(client, officer)))
    assert not any("欧阳明远" in r for r in rows_of(get(client, officer)))
    assert not any("王晓明" in r for r in rows_of(get(client, officer_b)))
    everything = rows_of(get(client, auditor))
    assert any("王晓明" in r for r in everything) and any("欧阳明远" in r for r in everything)


def test_an_organization_of_another_committee_is_refused_not_shown(client, county, officer, two_cases):
    response = get(client, officer, org=county.other_branch.pk)
    assert response.status_code == 200
    assert "所选组织不存在或不在您的范围内" in response.content.decode()
    assert rows_of(response) == []
    export = client.get(reverse("audit:export", args=["events", "csv"]), {"org": county.other_branch.pk})
    assert export.status_code == 400
    assert not ExportLog.objects.exists()


def test_another_committees_rows_never_reach_an_officers_export(client, officer, two_cases):
    for tab in ("events", "fields", "reads", "config"):
        client.force_login(officer)
        body = b"".join(client.get(reverse("audit:export", args=[tab, "csv"])).streaming_content).decode(
            "utf-8-sig"
        )
        assert "欧阳明远" not in body and "河口" not in body


def test_the_nav_links_the_browser_for_the_audit_roles_only(client, auditor, secretary):
    client.force_login(auditor)
    assert reverse("audit:browser") in client.get(reverse("cases:dashboard")).content.decode()
    client.force_login(secretary)
    assert reverse("audit:browser") not in client.get(reverse("cases:dashboard")).content.decode()


# ---- filters ----------------------------------------------------------------------------------


def test_person_by_name_initials_and_id_number(client, auditor, two_cases):
    mine, theirs = two_cases
    for value in ("王晓", "wxm", mine.person.id_number, mine.person.id_number.lower()):
        rows = rows_of(get(client, auditor, person=value))
        assert rows and all("王晓明" in r for r in rows), value
    response = get(client, auditor, person=mine.person.id_number)
    assert mine.person.id_number not in "".join(rows_of(response))


def test_kind_step_source_user_and_warnings(client, county, auditor, officer, secretary, two_cases):
    mine, _ = two_cases
    note_event(
        mine, officer, "有预警的记录", warnings=[{"code": "W01", "message": "谈话逾期", "reason": "本人外出"}]
    )
    rows = rows_of(get(client, auditor, warnings="1"))
    assert len(rows) == 1 and "W01" in rows[0] and "本人外出" in rows[0]
    assert all("建档" in r for r in rows_of(get(client, auditor, kind="open")))
    assert len(rows_of(get(client, auditor, kind="open"))) == 2
    assert rows_of(get(client, auditor, user="孙组织委员")) == rows
    assert rows_of(get(client, auditor, source="import")) == []
    assert rows_of(get(client, auditor, step="initial_talk")) == []
    bad = get(client, auditor, kind="nonsense", since="2099-13-01")
    assert "没有这一项" in bad.content.decode() and "日期格式不正确" in bad.content.decode()


def test_date_range(client, auditor, two_cases):
    from django.utils import timezone

    today = timezone.localdate().isoformat()
    assert len(rows_of(get(client, auditor, since=today, until=today))) == 4  # 建档 and step 1, twice
    assert rows_of(get(client, auditor, since="2020-01-01", until="2020-12-31")) == []
    response = get(client, auditor, since=today, until="2020-01-01")
    assert "截止日期不能早于起始日期" in response.content.decode()


# ---- keyset pages -----------------------------------------------------------------------------


def test_keyset_pages_neither_repeat_nor_skip(client, auditor, officer, two_cases, monkeypatch):
    from audit import views

    mine, _ = two_cases
    for n in range(7):
        note_event(mine, officer, f"第{n}条")
    monkeypatch.setattr(views, "PAGE_SIZE", 3)
    client.force_login(auditor)
    url, seen, pages = reverse("audit:tab", args=["events"]), [], 0
    query = "person=王晓明"
    while True:
        response = client.get(f"{url}?{query}")
        seen += rows_of(response)
        pages += 1
        if pages == 2:
            note_event(mine, officer, "翻页期间新增")  # newer than page 1: never shown on later pages
        found = re.search(r'href="\?([^"]+)" rel="next"', response.content.decode())
        if not found:
            break
        query = unescape(found.group(1))
    assert pages == 3
    shown = [re.search(r"第\d条|递交入党申请书|建档", r).group(0) for r in seen]
    assert shown == [f"第{n}条" for n in range(6, -1, -1)] + ["递交入党申请书", "建档"]


def test_an_altered_cursor_is_refused_with_a_message(client, auditor, two_cases):
    response = get(client, auditor, after="not-a-cursor")
    assert response.status_code == 200
    assert "翻页位置无效" in response.content.decode()


def test_the_page_runs_a_constant_number_of_queries(
    client, county, auditor, officer, secretary, django_assert_max_num_queries
):
    client.force_login(auditor)
    for tab in ("events", "fields", "config", "reads"):
        client.get(reverse("audit:tab", args=[tab]))  # warm: content types, sessions
    for n in range(3):
        case = f.new_case(county.branch, secretary)
        services.update_person(
            case=case, changes={"education": "college"}, actor=secretary, reason="更正学历"
        )
        grant_role(user=f.user(f"u{n}"), role=Role.BRANCH_SECRETARY, org=county.branch)
    limits = {}
    for tab in ("events", "fields", "config", "reads"):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as few:
            client.get(reverse("audit:tab", args=[tab]))
        limits[tab] = len(few)
    for n in range(6):
        case = f.new_case(county.branch, secretary)
        services.update_person(
            case=case, changes={"education": "college"}, actor=secretary, reason="更正学历"
        )
        grant_role(user=f.user(f"v{n}"), role=Role.BRANCH_SECRETARY, org=county.branch)
    for tab, count in limits.items():
        with django_assert_max_num_queries(count):
            assert client.get(reverse("audit:tab", args=[tab])).status_code == 200


# ---- before / after -----------------------------------------------------------------------------


def test_a_change_shows_chinese_labels_and_values_and_masks_the_number(client, auditor, secretary, two_cases):
    mine, _ = two_cases
    old_number = mine.person.id_number
    services.update_person(
        case=mine, changes={"education": "college", "is_league_member": True}, actor=secretary, reason="更正"
    )
    rows = rows_of(get(client, auditor, "fields", kind="~"))
    edit = next(r for r in rows if "学历" in r)
    assert "本科" in edit and "大专" in edit and "共青团员" in edit and "否" in edit and "是" in edit
    assert "bachelor" not in edit and "college" not in edit
    created = rows_of(get(client, auditor, "fields", kind="+", person="王晓明"))
    assert any("公民身份号码" in r and old_number[:6] + "*" * 12 in r for r in created)
    assert old_number not in " ".join(created)


def test_configuration_changes_are_shown_to_their_scope(client, county, officer, officer_b, auditor):
    grant_role(user=f.user("newsec", first_name="新书记"), role=Role.BRANCH_SECRETARY, org=county.branch)
    shown = rows_of(get(client, officer, "config", kind="grant"))
    assert any("授予新书记「党支部书记/组织委员」角色" in r for r in shown)
    assert rows_of(get(client, officer_b, "config", kind="grant")) == [] or not any(
        "新书记" in r for r in rows_of(get(client, officer_b, "config", kind="grant"))
    )
    from cases.models import Holiday

    Holiday.objects.create(date="2031-10-01", name="国庆节")
    assert any("国庆节" in r for r in rows_of(get(client, auditor, "config")))
    assert not any("国庆节" in r for r in rows_of(get(client, officer, "config")))


# ---- exports ------------------------------------------------------------------------------------


def test_exports_neutralise_formulas_in_both_formats(client, auditor, officer, two_cases):
    mine, _ = two_cases
    note_event(mine, officer, '=HYPERLINK("http://x","点我")')
    client.force_login(auditor)
    response = client.get(reverse("audit:export", args=["events", "csv"]))
    text = b"".join(response.streaming_content)
    assert text.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
    assert rows[0][0] == "时间"
    assert any(cell.startswith("'=HYPERLINK") for row in rows for cell in row)
    assert not any(cell.startswith("=") for row in rows for cell in row)
    response = client.get(reverse("audit:export", args=["events", "xlsx"]))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [c for row in sheet.iter_rows(values_only=True) for c in row if isinstance(c, str)]
    assert any(v.startswith("'=HYPERLINK") for v in values) and not any(v.startswith("=") for v in values)


def test_an_export_is_logged_with_its_filters_and_rows(client, auditor, two_cases):
    mine, _ = two_cases
    client.force_login(auditor)
    response = client.get(reverse("audit:export", args=["events", "xlsx"]), {"person": mine.person.id_number})
    assert response.status_code == 200
    log = ExportLog.objects.get()
    assert (log.kind, log.user, log.row_count) == (ExportKind.AUDIT, auditor, 2)
    assert log.filters["tab"] == "events" and log.filters["format"] == "xlsx"
    assert log.filters["person"] == mine.person.id_number[:6] + "*" * 12
    assert any("导出审计记录" in r for r in rows_of(get(client, auditor, "reads")))


def test_an_export_whose_log_fails_is_refused(client, auditor, two_cases, monkeypatch):
    from audit import exports

    def fail(*args, **kwargs):
        raise DatabaseError("disk full")

    monkeypatch.setattr(exports, "log_export", fail)
    client.force_login(auditor)
    response = client.get(reverse("audit:export", args=["events", "csv"]))
    assert response.status_code == 503
    assert "导出被拒绝" in response.content.decode()
    assert CaseEvent.objects.count() == 4 and not ExportLog.objects.exists()
