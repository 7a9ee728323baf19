"""Every field change says from which address it came (issue 11, item 1): a change made through a
page carries the client's address (the same answer the events use, cases.web.client_ip), an import's
rows the importing user's (tests/imports/test_import_address.py), a command's none; the address is sealed with the row, rows sealed before
the column existed still verify, and the audit browser shows it beside the change."""

import pytest
from django.urls import reverse

from audit.models import seal_payload
from audit.verify import verify_audit
from cases import services
from cases.models import Person
from tests.audit.test_browser import get, rows_of

pytestmark = pytest.mark.django_db


def edit_phone(client, case, phone: str, address: str, **headers):
    person = case.person
    data = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "education": person.education,
        "phone": phone,
        "reason": "本人更换手机号",
    }
    return client.post(reverse("cases:edit", args=[case.pk]), data, REMOTE_ADDR=address, **headers)


def test_a_change_made_through_a_page_carries_the_clients_address(client, case, secretary, auditor):
    client.force_login(secretary)
    assert edit_phone(client, case, "13900000000", "10.20.30.40").status_code == 302

    row = Person.history.filter(id=case.person_id).latest("history_id")
    assert row.phone == "13900000000" and str(row.history_ip) == "10.20.30.40"
    shown = next(
        r for r in rows_of(get(client, auditor, "fields", kind="~")) if "联系电话" in r or "电话" in r
    )
    assert "10.20.30.40" in shown


def test_behind_the_proxy_it_is_the_address_the_proxy_saw(client, case, secretary, settings):
    settings.BEHIND_PROXY = True
    client.force_login(secretary)
    edit_phone(client, case, "13900000001", "127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 10.9.8.7")
    assert str(Person.history.filter(id=case.person_id).latest("history_id").history_ip) == "10.9.8.7"


def test_a_change_made_outside_a_request_has_no_address(case, secretary):
    services.update_person(case=case, changes={"phone": "13900000002"}, actor=secretary, reason="命令行更正")

    assert Person.history.filter(id=case.person_id).latest("history_id").history_ip is None


def test_the_address_is_sealed_and_rows_sealed_before_it_existed_still_verify(client, case, secretary):
    client.force_login(secretary)
    edit_phone(client, case, "13900000003", "10.20.30.41")
    model = Person.history.model
    values = Person.history.filter(id=case.person_id).latest("history_id").seal_values()

    assert seal_payload(model, {**values, "history_ip": "10.20.30.42"}) != seal_payload(model, values)
    before_the_column = {k: v for k, v in values.items() if k != "history_ip"}
    assert seal_payload(model, before_the_column) == seal_payload(model, {**values, "history_ip": None})
    assert verify_audit().ok
