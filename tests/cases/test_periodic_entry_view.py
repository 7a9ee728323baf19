"""The dated-entry form under steps 6 and 21 on the case page: offered only where the policy
allows (the branch secretary, an open step 6/21 that has started), recorded through
record_periodic_entry, listed in the step's row; bad input is a Chinese message, never a 500."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import CaseDeadline, PeriodicEntry
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def activist(county, secretary, crew):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2025, 1, 10))
    advance(case, crew, until="contacts_assigned")  # step 6 open: its assessments and 思想汇报 count
    return case


def entry_url(case, code="activist_cultivation"):
    return reverse("cases:entry", args=[case.pk, code])


def row(page, code):
    [found] = [r for r in page.context["rows"] if r.step.code == code]
    return found


def test_the_secretary_is_offered_the_form_on_step_6_only(client, activist, secretary):
    client.force_login(secretary)
    page = client.get(activist.get_absolute_url())
    assert [k for k, _ in row(page, "activist_cultivation").entry_kinds] == ["assessment", "thought_report"]
    assert row(page, "probation_education").entry_kinds == []
    assert entry_url(activist) in page.content.decode()


@pytest.mark.parametrize("who", ["officer", "auditor"])
def test_other_roles_see_no_form_and_are_refused(client, activist, personas, who):
    client.force_login(personas[who])
    page = client.get(activist.get_absolute_url())
    assert row(page, "activist_cultivation").entry_kinds == []
    response = client.post(entry_url(activist), {"entry": "assessment", "on": "2025-12-01"})
    assert response.status_code == 403
    assert not PeriodicEntry.objects.exists()


def test_an_outsider_gets_a_404(client, activist, outsider):
    client.force_login(outsider)
    assert client.post(entry_url(activist), {"entry": "assessment", "on": "2025-12-01"}).status_code == 404


def test_recording_an_entry_meets_its_deadline_and_lists_it(client, activist, secretary):
    key_open = set(
        CaseDeadline.objects.filter(case=activist, met_on__isnull=True).values_list("key", flat=True)
    )
    client.force_login(secretary)
    on = activist.records.get(step="contacts_assigned", is_current=True).on + dt.timedelta(days=30)
    response = client.post(
        entry_url(activist), {"entry": "thought_report", "on": on.isoformat(), "note": "按时递交"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#step-activist_cultivation")
    entry = PeriodicEntry.objects.get()
    assert (entry.entry, entry.on, entry.note, entry.recorded_by) == (
        "thought_report",
        on,
        "按时递交",
        secretary,
    )
    met = CaseDeadline.objects.filter(case=activist, met_on__isnull=False, key__in=key_open)
    assert met.filter(key__contains="thought_report").exists()
    page = client.get(activist.get_absolute_url())
    assert row(page, "activist_cultivation").entries == [entry]
    assert "按时递交" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entry": "assessment", "on": "2025-02-30"}, "日期格式不正确"),
        ({"entry": "nonsense", "on": "2025-12-01"}, "请选择考察或思想汇报"),
        ({"entry": "assessment", "on": "2000-01-01"}, "日期应在"),
        ({"entry": "assessment", "on": ""}, "请填写日期"),
    ],
)
def test_bad_input_is_a_message_and_saves_nothing(client, activist, secretary, data, message):
    client.force_login(secretary)
    response = client.post(entry_url(activist), data, follow=True)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PeriodicEntry.objects.exists()


def test_a_step_that_keeps_no_entries_is_refused(client, activist, secretary):
    client.force_login(secretary)
    response = client.post(entry_url(activist, "initial_talk"), {"entry": "assessment", "on": "2025-12-01"})
    assert response.status_code == 404
