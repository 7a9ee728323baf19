"""Irreversible actions ask first: the side-outcome form preselects nothing and, like the transfer,
shows what will happen before anything is written; editing a person's recorded data takes a reason
that goes into the event and the field history."""

import pytest
from django.urls import reverse

from branches.models import Organization
from cases import services
from cases.models import Case, CaseEvent
from cases.selectors import field_history

pytestmark = pytest.mark.django_db


def test_the_side_outcome_form_preselects_nothing(client, case, secretary):
    client.force_login(secretary)
    html = client.get(case.get_absolute_url()).content.decode()
    form = html[html.index('id="o-kind"') : html.index("</select>", html.index('id="o-kind"'))]
    assert '<option value="" selected>请选择</option>' in form
    assert form.count("selected") == 1


def test_closing_asks_first_then_records_the_reason(client, case, secretary, unchanged):
    client.force_login(secretary)
    data = {"outcome": "withdrawn", "on": "2023-03-01", "reason": "本人书面申请撤回"}
    with unchanged(case):
        response = client.post(reverse("cases:outcome", args=[case.pk]), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "案例随即结束" in html and "登记后不能撤回" in html and "确认登记「本人撤回」" in html
    assert 'name="confirmed" value="1"' in html and 'value="本人书面申请撤回"' in html

    response = client.post(reverse("cases:outcome", args=[case.pk]), {**data, "confirmed": "1"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.outcome == "withdrawn"
    assert CaseEvent.objects.get(case=case, kind="outcome").note == "本人书面申请撤回"


def test_no_outcome_chosen_or_no_reason_is_a_clear_message(client, case, secretary, unchanged):
    client.force_login(secretary)
    with unchanged(case):
        response = client.post(
            reverse("cases:outcome", args=[case.pk]),
            {"on": "2023-03-01", "reason": " ", "confirmed": "1"},
            follow=True,
        )
    html = response.content.decode()
    assert "请选择结果" in html and "请填写说明" in html


def test_the_confirmation_is_only_for_who_may_close(client, case, officer, outsider, unchanged):
    data = {"outcome": "withdrawn", "on": "2023-03-01", "reason": "本人撤回"}
    for user, status in ((officer, 403), (outsider, 404)):
        client.force_login(user)
        with unchanged(case):
            assert client.post(reverse("cases:outcome", args=[case.pk]), data).status_code == status


def test_a_transfer_asks_first(client, case, secretary, unchanged):
    client.force_login(secretary)
    to = Organization.objects.get(code="CG02")
    data = {"to_branch": to.pk, "on": "2023-03-01", "reason": "工作调动"}
    with unchanged(case):
        response = client.post(reverse("cases:transfer", args=[case.pk]), data)
    html = response.content.decode()
    assert "转出至社区第二党支部" in html and "转出后不能撤回" in html and "确认转出" in html
    assert not Case.objects.filter(transferred_from=case).exists()

    client.post(reverse("cases:transfer", args=[case.pk]), {**data, "confirmed": "1"})
    assert Case.objects.filter(transferred_from=case, branch=to).exists()


def test_a_transfer_without_a_reason_is_refused(case, secretary, unchanged):
    to = Organization.objects.get(code="CG02")
    with unchanged(case), pytest.raises(services.InvalidInput, match="转出原因"):
        services.transfer_case(case=case, to_branch=to, on=case.applied_on, reason="  ", actor=secretary)


def test_editing_the_person_needs_a_reason_that_history_shows(client, case, secretary, unchanged):
    with unchanged(case), pytest.raises(services.InvalidInput, match="修改原因"):
        services.update_person(case=case, changes={"phone": "13900000000"}, reason=" ", actor=secretary)

    client.force_login(secretary)
    person = case.person
    data = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "education": person.education,
        "phone": "13900000000",
    }
    response = client.post(reverse("cases:edit", args=[case.pk]), data)
    assert response.status_code == 200 and "请填写修改原因" in response.content.decode()
    person.refresh_from_db()
    assert person.phone != "13900000000"  # nothing saved; what was typed is still in the form
    assert 'value="13900000000"' in response.content.decode()

    response = client.post(reverse("cases:edit", args=[case.pk]), {**data, "reason": "本人更换手机号"})
    assert response.status_code == 302
    assert CaseEvent.objects.get(case=case, kind="edit").note == "本人更换手机号"
    assert field_history(case, secretary)[0]["reason"] == "本人更换手机号"
    assert "本人更换手机号" in client.get(case.get_absolute_url()).content.decode()
