"""The new-case form knows what the system knows: 民族 from the 56 official names (searchable, and
nothing else accepted), 学历 from the standard list with nothing preselected, and 出生日期 / 性别 taken
from the 公民身份号码 in the page (static/js/app.js) while the server still checks them (E02)."""

import re

import pytest
from django.urls import reverse

from cases.ethnicities import ETHNICITIES, official_name
from cases.models import Case
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


def test_the_list_is_the_56_official_names():
    assert len(ETHNICITIES) == len(set(ETHNICITIES)) == 56
    assert ETHNICITIES[0] == "汉族" and "柯尔克孜族" in ETHNICITIES and "基诺族" in ETHNICITIES
    assert official_name(" 土家 ") == "土家族" and official_name("穿青人") is None


def test_the_form_offers_the_names_and_no_education_preselected(secretary_client):
    page = secretary_client.get(reverse("cases:create")).content.decode()
    assert 'list="id_ethnicity-options"' in page and '<datalist id="id_ethnicity-options">' in page
    assert page.count('<option value="') >= 56
    education = page[page.index('name="education"') :]
    education = education[: education.index("</select>")]
    assert re.findall(r"<option[^>]*>([^<]*)", education)[0] == "请选择"
    assert "selected" not in education  # 学历: nothing chosen for the user
    assert 'data-idcard=""' in page and 'data-birth-field="id_birth_date"' in page
    assert page.index('name="id_number"') < page.index('name="gender"')  # the number first


@pytest.mark.parametrize("value", ["汉", "Han", "穿青人", "汉族人"])
def test_it_refuses_a_name_not_on_the_list_and_saves_nothing(secretary_client, county, value):
    response = secretary_client.post(
        reverse("cases:create"), f.case_form_data(county.branch, ethnicity=value)
    )
    if value == "汉":  # the short form of an official name is that name
        assert Case.objects.get().person.ethnicity == "汉族"
        return
    assert response.status_code == 200
    assert "请从列表中选择民族" in response.content.decode()
    assert not Case.objects.exists()


def test_it_requires_education_to_be_chosen(secretary_client, county):
    response = secretary_client.post(reverse("cases:create"), f.case_form_data(county.branch, education=""))
    assert "请选择学历" in response.content.decode()
    assert not Case.objects.exists()


def test_the_server_still_checks_birth_and_sex_against_the_number(secretary_client, county):
    response = secretary_client.post(reverse("cases:create"), f.case_form_data(county.branch, gender="F"))
    assert "E02" in response.content.decode()
    assert not Case.objects.exists()
