"""Every field change says who acted as its case event says it (issue 11, item 1): in which role,
for which organization, through which door (form, import, desk, admin, system job) — stamped from
the one acting context the write path opens (audit.history) — and the audit browser shows, filters
and exports it; the columns are sealed, and rows sealed before they existed still verify."""

import csv
import io

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import load_workbook

from audit import keys
from audit.history import Acting, acting
from audit.models import HISTORY_COLUMNS_ADDED, seal_payload
from audit.verify import verify_audit
from branches.models import Role
from cases import services
from cases.models import Case, EventSource, Holiday, Person, StepRecord
from demo.journey import advance
from imports.importer import import_batch, store_path
from imports.models import ImportStatus
from tests.audit.test_browser import get, rows_of
from tests.audit.test_tampering import lift_triggers
from tests.imports.conftest import book, full_row, today  # noqa: F401 - fixtures of the import

pytestmark = pytest.mark.django_db

ACTING = ("history_role", "history_org_id", "history_source")


def talk_through_the_form(client, case, secretary):
    client.force_login(secretary)
    response = client.post(
        reverse("cases:step", args=[case.pk, "initial_talk"]),
        {"on": "2023-01-20", "talker": "组织委员"},
        REMOTE_ADDR="10.20.30.50",
    )
    assert response.status_code == 302
    return StepRecord.history.filter(case_id=case.pk, step="initial_talk").latest("history_id")


def test_a_step_recorded_through_the_form_records_the_role_organization_and_source_web(
    client, county, case, crew
):
    advance(case, crew, until="application")
    row = talk_through_the_form(client, case, crew.secretary)

    assert (row.history_role, row.history_org_id, row.history_source) == (
        Role.BRANCH_SECRETARY.value,
        county.branch.pk,
        EventSource.WEB.value,
    )
    assert str(row.history_ip) == "10.20.30.50"
    event = case.events.get(step="initial_talk")
    assert (event.role, event.org_id, event.source) == (
        row.history_role,
        row.history_org_id,
        row.history_source,
    )


def test_the_field_tab_shows_the_role_organization_and_source_in_chinese(client, county, case, crew):
    advance(case, crew, until="application")
    talk_through_the_form(client, case, crew.secretary)

    shown = [
        r for r in rows_of(get(client, crew.auditor, "fields", step="initial_talk")) if "10.20.30.50" in r
    ]
    assert shown and all(
        Role.BRANCH_SECRETARY.label in r and county.branch.name in r and "表单" in r for r in shown
    )
    assert not any("branch_secretary" in r or " web " in r for r in shown)


def test_an_import_records_source_import_with_the_grant_it_is_recorded_in(county, secretary, book):  # noqa: F811
    batch, _ = import_batch(store_path(book([full_row()])), user=secretary, mode="all_or_nothing")
    assert batch.status == ImportStatus.IMPORTED

    case = Case.objects.get()
    rows = [*case.history.all(), *StepRecord.history.filter(case_id=case.pk), *case.person.history.all()]
    assert rows and {(r.history_source, r.history_role, r.history_org_id) for r in rows} == {
        (EventSource.IMPORT.value, Role.BRANCH_SECRETARY.value, county.branch.pk)
    }
    assert verify_audit(case_id=case.pk).ok


def test_a_change_made_by_a_system_job_records_source_system(case):
    # What a command or a Celery task writes outside the services: no request, no acting context.
    Holiday.objects.create(date="2031-10-02", is_workday=False, name="国庆节")

    row = Holiday.history.latest("history_id")
    assert (row.history_source, row.history_role, row.history_org_id, row.history_ip) == (
        EventSource.SYSTEM.value,
        "",
        None,
        None,
    )


def test_a_service_called_by_a_job_records_the_jobs_source(case, secretary):
    job = services.Actor(user=secretary, source=EventSource.SYSTEM)
    services.update_person(case=case, changes={"phone": "13900000009"}, actor=job, reason="定时任务更正")

    row = Person.history.filter(id=case.person_id).latest("history_id")
    assert (row.history_source, row.history_role) == (EventSource.SYSTEM.value, Role.BRANCH_SECRETARY.value)


def test_an_admin_edit_of_a_holiday_records_source_admin(admin_client):
    admin_client.post(
        reverse("admin:cases_holiday_add"), {"date": "2031-10-01", "is_workday": "", "name": "国庆节"}
    )

    row = Holiday.objects.get(date="2031-10-01").history.get()
    assert row.history_source == EventSource.ADMIN.value
    assert (row.history_role, row.history_org_id) == ("", None)  # a superuser holds no grant


def test_a_role_grant_records_the_role_it_was_granted_under(county, auditor, outsider):
    from guardian.models import UserObjectPermission

    from branches.services import grant_role

    with acting(Acting(EventSource.WEB, ip="10.0.0.7")):
        grant_role(user=outsider, role=Role.BRANCH_SECRETARY, org=county.branch, actor=auditor, reason="换届")

    row = UserObjectPermission.history.filter(user=outsider, object_pk=str(county.branch.pk)).latest(
        "history_id"
    )
    assert (row.history_role, row.history_org_id, row.history_source) == (
        Role.DEPARTMENT_AUDITOR.value,
        county.dept.pk,
        EventSource.WEB.value,
    )


def _person_change(case, secretary, source: str, phone: str):
    actor = services.Actor(user=secretary, ip="10.0.0.8", source=source)
    services.update_person(case=case, changes={"phone": phone}, actor=actor, reason="更正")


@pytest.mark.parametrize(
    ("wanted", "other"), [(EventSource.IMPORT, EventSource.DESK), (EventSource.DESK, EventSource.IMPORT)]
)
def test_the_source_filter_keeps_field_changes_of_that_source_only(client, case, crew, wanted, other):
    phones = {EventSource.IMPORT: "13900000011", EventSource.DESK: "13900000012"}
    for source, phone in phones.items():
        _person_change(case, crew.secretary, source, phone)

    shown = rows_of(get(client, crew.auditor, "fields", source=wanted.value))
    assert shown and all(wanted.label in r and other.label not in r for r in shown)
    (phone_change,) = [r for r in shown if "联系电话" in r]  # the other source's change is left out
    assert phone_change.endswith(phones[wanted])


def _exported(response, fmt: str) -> list[list[str]]:
    body = b"".join(response.streaming_content)
    if fmt == "csv":
        return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    sheet = load_workbook(io.BytesIO(body)).active
    return [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_an_export_row_carries_the_role_organization_and_source(client, county, case, crew, fmt):
    _person_change(case, crew.secretary, EventSource.DESK, "13900000013")
    client.force_login(crew.auditor)

    response = client.get(reverse("audit:export", args=["fields", fmt]), {"source": "desk"})
    lines = _exported(response, fmt)
    header, rows = lines[0], lines[1:]
    row = dict(zip(header, next(r for r in rows if "13900000013" in "".join(r)), strict=True))
    assert (row["角色"], row["组织"], row["来源"], row["IP"]) == (
        Role.BRANCH_SECRETARY.label,
        county.branch.name,
        "审批台",
        "10.0.0.8",
    )


def test_the_record_page_of_a_field_change_shows_who_acted(client, county, case, crew):
    _person_change(case, crew.secretary, EventSource.DESK, "13900000014")
    row = Person.history.filter(id=case.person_id).latest("history_id")
    client.force_login(crew.auditor)

    page = client.get(reverse("audit:record", args=["person", row.history_id])).content.decode()
    assert Role.BRANCH_SECRETARY.label in page and county.branch.name in page and "审批台" in page


def _reseal_as_before_the_columns(model, row) -> None:
    """What a row sealed before the columns existed looks like: none of them set, sealed without."""
    values = {
        k: v for k, v in row.seal_values().items() if k not in HISTORY_COLUMNS_ADDED or k == "history_ip"
    }
    key_id, seal = keys.sign(seal_payload(model, values))
    model.objects.filter(pk=row.pk).update(
        history_role="", history_org=None, history_source="", seal_key=key_id, seal=seal
    )


def test_a_row_sealed_before_the_columns_existed_still_verifies(case, secretary):
    _person_change(case, secretary, EventSource.WEB, "13900000015")
    model = Person.history.model
    row = Person.history.filter(id=case.person_id).latest("history_id")
    lift_triggers([model._meta.db_table])
    _reseal_as_before_the_columns(model, row)

    assert verify_audit().ok
    old = model.objects.get(pk=row.pk)
    assert (old.history_role, old.history_org_id, old.history_source) == ("", None, "")


def test_the_acting_columns_are_sealed_and_a_tampered_source_is_found(case, secretary):
    _person_change(case, secretary, EventSource.WEB, "13900000016")
    model = Person.history.model
    row = Person.history.filter(id=case.person_id).latest("history_id")
    values = row.seal_values()
    for attname, changed in (("history_source", "import"), ("history_role", "committee_officer")):
        assert seal_payload(model, {**values, attname: changed}) != seal_payload(model, values)
    lift_triggers([model._meta.db_table])

    with connection.cursor() as cursor:
        cursor.execute(
            f'UPDATE "{model._meta.db_table}" SET history_source = %s WHERE history_id = %s',
            ["import", row.pk],
        )

    report = verify_audit()
    assert not report.ok
    assert str(report.first).endswith(f"的历史 #{row.pk}：内容与封印不符（被改动或伪造）")


def test_the_source_filter_applies_to_configuration_changes(client, admin_client, auditor):
    admin_client.post(
        reverse("admin:cases_holiday_add"), {"date": "2031-10-03", "is_workday": "", "name": "国庆节"}
    )

    admin_rows = rows_of(get(client, auditor, "config", source=EventSource.ADMIN.value))
    assert any("2031-10-03" in r and EventSource.ADMIN.label in r for r in admin_rows)
    assert not any(
        "2031-10-03" in r for r in rows_of(get(client, auditor, "config", source=EventSource.WEB.value))
    )
