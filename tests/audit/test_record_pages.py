"""The audit desk's pages below the browser (issue 11): a row's own page with its change side by
side in Chinese, and a case's whole history as one printable page — each read by the audit roles of
the case's organization only (another committee's case 404, everyone else 403), in a constant number
of queries. And the source each write is recorded under (表单 / 导入 / 审批台 / 管理后台 / 系统任务)."""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from branches.models import Role
from branches.services import grant_role
from cases import services
from cases.models import CaseEvent, EventKind, EventSource, Holiday, Person
from cases.services.actors import Actor
from cases.services.events import record_event
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(county, secretary, outsider):
    mine = f.new_case(county.branch, secretary, name="王晓明")
    theirs = f.new_case(county.other_branch, outsider, name="欧阳明远")
    return mine, theirs


def edit_of(case, secretary, **changes):
    services.update_person(case=case, changes=changes, actor=secretary, reason="更正学历")
    return CaseEvent.objects.filter(case=case, kind=EventKind.EDIT).latest("seq")


def record_url(origin, pk):
    return reverse("audit:record", args=[origin, pk])


def person_history(case, kind="+"):
    return Person.history.filter(id=case.person_id, history_type=kind).latest("history_id")


# ---- scope --------------------------------------------------------------------------------------

ROLES = {
    "auditor": (200, 200),
    "officer": (200, 404),
    "officer_b": (404, 200),
    "secretary": (403, 403),
    "secretary_under_reviewer": (403, 403),
    "reviewer": (403, 403),
    "outsider": (403, 403),
}


@pytest.mark.parametrize(("persona", "statuses"), ROLES.items())
def test_each_page_is_read_by_the_audit_roles_of_the_case_only(
    client, personas, two_cases, persona, statuses
):
    client.force_login(personas[persona])
    for case, status in zip(two_cases, statuses, strict=True):
        event = CaseEvent.objects.filter(case=case).first()
        hist = person_history(case)
        assert client.get(record_url("event", event.pk)).status_code == status
        assert client.get(record_url("person", hist.history_id)).status_code == status
        assert client.get(reverse("audit:case", args=[case.pk])).status_code == status


def test_an_unknown_table_or_id_is_not_found(client, auditor, two_cases):
    client.force_login(auditor)
    assert client.get(record_url("nothing", 1)).status_code == 404
    assert client.get(record_url("event", 10**9)).status_code == 404
    assert client.get(reverse("audit:case", args=[10**9])).status_code == 404


def test_county_wide_configuration_is_the_departments_alone(client, auditor, officer):
    Holiday.objects.create(date="2031-10-01", name="国庆节")
    hist = Holiday.history.latest("history_id")
    client.force_login(auditor)
    body = client.get(record_url("holiday", hist.history_id)).content.decode()
    assert "国庆节" in body and "修改后" in body
    client.force_login(officer)
    assert client.get(record_url("holiday", hist.history_id)).status_code == 404


# ---- a row's page ---------------------------------------------------------------------------------


def test_an_event_shows_the_fields_its_write_changed_in_chinese(client, auditor, secretary, two_cases):
    mine, _ = two_cases
    event = edit_of(mine, secretary, education="college", is_league_member=True)
    client.force_login(auditor)
    body = client.get(record_url("event", event.pk)).content.decode()
    assert "修改人员信息" in body and "同一操作的字段变更" in body and "李书记" in body
    diff = body.split("同一操作的字段变更", 1)[1]
    assert "学历" in diff and "本科" in diff and "大专" in diff and "共青团员" in diff
    assert "college" not in body and "bachelor" not in body
    assert "人员·新建" not in diff and "步骤记录" not in diff  # the opening's rows are its own


def test_the_opening_event_shows_the_rows_it_wrote_and_not_the_steps(client, auditor, two_cases):
    mine, _ = two_cases
    opened = CaseEvent.objects.get(case=mine, kind=EventKind.OPEN)
    client.force_login(auditor)
    diff = client.get(record_url("event", opened.pk)).content.decode().split("同一操作的字段变更", 1)[1]
    assert "人员·新建" in diff and "发展党员案例·新建" in diff and "步骤记录" not in diff


def test_a_field_change_page_masks_the_id_number(client, auditor, two_cases):
    mine, _ = two_cases
    client.force_login(auditor)
    body = client.get(record_url("person", person_history(mine).history_id)).content.decode()
    number = mine.person.id_number
    assert "公民身份号码" in body and number[:6] + "*" * 12 in body and number not in body
    assert "修改前" in body and "修改后" in body


def test_a_grant_page_names_the_role_in_chinese(client, county, officer):
    grant_role(user=f.user("newsec", first_name="新书记"), role=Role.BRANCH_SECRETARY, org=county.branch)
    from guardian.models import UserObjectPermission

    hist = UserObjectPermission.history.latest("history_id")
    client.force_login(officer)
    body = client.get(record_url("grant", hist.history_id)).content.decode()
    assert "授予新书记「党支部书记/组织委员」角色" in body


def test_each_browser_row_links_its_page_and_its_case_history(client, auditor, secretary, two_cases):
    mine, _ = two_cases
    event = edit_of(mine, secretary, education="college")
    client.force_login(auditor)
    body = client.get(reverse("audit:tab", args=["events"])).content.decode()
    assert record_url("event", event.pk) in body and reverse("audit:case", args=[mine.pk]) in body
    fields = client.get(reverse("audit:tab", args=["fields"])).content.decode()
    assert record_url("person", person_history(mine, "~").history_id) in fields


# ---- a case's whole history -----------------------------------------------------------------------


def test_the_whole_history_is_in_order_with_its_title_line(client, auditor, secretary, two_cases):
    mine, _ = two_cases
    edit_of(mine, secretary, education="college")
    client.force_login(auditor)
    body = client.get(reverse("audit:case", args=[mine.pk])).content.decode()
    title = body.split('id="history-title"', 1)[1].split("</p>", 1)[0]
    assert "城关镇第一党支部" in title and "王晓明" in title
    assert f"打印日期：{timezone.localdate():%Y-%m-%d}" in title and "吴科长" in title
    rows = body.split('id="history-rows"', 1)[1]
    assert rows.index("建档") < rows.index("修改人员信息")
    assert "学历" in rows and "大专" in rows and "欧阳明远" not in body
    assert "audit.css" in body and "<style" not in body and "<script>" not in body


def test_the_case_page_links_the_history_for_its_auditors_only(client, county, officer, secretary, two_cases):
    mine, _ = two_cases
    link = reverse("audit:case", args=[mine.pk])
    client.force_login(officer)
    assert link in client.get(mine.get_absolute_url()).content.decode()
    client.force_login(secretary)
    assert link not in client.get(mine.get_absolute_url()).content.decode()


# ---- constant queries ------------------------------------------------------------------------------


def test_the_pages_run_a_constant_number_of_queries(
    client, auditor, secretary, two_cases, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    mine, _ = two_cases
    event = edit_of(mine, secretary, education="college")
    client.force_login(auditor)
    urls = [record_url("event", event.pk), reverse("audit:case", args=[mine.pk])]
    for url in urls:
        client.get(url)  # warm: content types, sessions
    limits = {}
    for url in urls:
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        limits[url] = len(few)
    for n in range(6):
        edit_of(mine, secretary, education="college" if n % 2 else "bachelor", is_league_member=bool(n % 2))
    for url, count in limits.items():
        with django_assert_max_num_queries(count):
            assert client.get(url).status_code == 200


# ---- sources ------------------------------------------------------------------------------------


def test_the_sources_are_named_as_the_department_reads_them():
    labels = dict(EventSource.choices)
    assert [labels[s] for s in ("web", "import", "desk", "admin", "system")] == [
        "表单",
        "导入",
        "审批台",
        "管理后台",
        "系统任务",
    ]


def test_a_form_write_is_recorded_as_the_form_and_shown_so(client, auditor, secretary, two_cases):
    mine, _ = two_cases
    client.force_login(secretary)
    event = CaseEvent.objects.filter(case=mine).first()
    assert event.source == EventSource.WEB
    with transaction.atomic():
        system = record_event(
            case=mine,
            actor=Actor(user=get_user_model().objects.get(username="secretary"), source=EventSource.SYSTEM),
            kind=EventKind.EDIT,
            summary="系统任务写入",
        )
    client.force_login(auditor)
    assert "系统任务" in client.get(record_url("event", system.pk)).content.decode()
    shown = client.get(reverse("audit:tab", args=["events"]), {"source": "system"}).content.decode()
    assert "系统任务写入" in shown and "建档" not in shown.split('id="audit-rows"', 1)[1]
