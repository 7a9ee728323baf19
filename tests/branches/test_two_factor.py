"""The second factor (TOTP): with DJANGO_REQUIRE_2FA committee officers, the department and admins
must enrol and verify before anything, the admin site included; without it nobody is forced, but
whoever enrolled is asked for the code at every login. Wrong codes are refused, right ones pass."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from branches import services, two_factor
from tests.e2e.browser import PASSWORD

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("cases:dashboard")
SETUP = reverse("account:two_factor_setup")
VERIFY = reverse("account:two_factor_verify")


@pytest.fixture
def required(settings):
    settings.REQUIRE_2FA = True


def code(device: TOTPDevice, steps_ahead: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, drift=steps_ahead):06d}"


def wrong(device: TOTPDevice) -> str:
    return f"{(int(code(device)) + 500_000) % 1_000_000:06d}"


def enrolled(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name=two_factor.DEVICE_NAME, confirmed=True)


def login(client, username: str):
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["officer", "auditor"])
def test_when_required_officers_and_the_department_must_enrol_first(client, request, required, persona):
    login(client, request.getfixturevalue(persona).username)

    response = client.get(DASHBOARD)

    assert response.status_code == 302 and response.url == f"{SETUP}?next={DASHBOARD}"
    page = client.get(response.url).content.decode()
    assert "必须启用两步验证" in page
    assert "<svg" in page and "<script" not in page.split("</main>")[0].split("<main")[1]


def test_when_required_the_admin_site_needs_a_verified_code_too(client, django_user_model, required):
    django_user_model.objects.create_user("chief", password=PASSWORD, is_staff=True, is_superuser=True)
    login(client, "chief")

    response = client.get(reverse("admin:index"))

    assert response.status_code == 302 and response.url.startswith(SETUP)


def test_when_required_branch_secretaries_are_not_forced(client, secretary, required):
    login(client, "secretary")

    assert client.get(DASHBOARD).status_code == 200


def test_when_not_required_nobody_without_a_phone_is_asked(client, officer, settings):
    settings.REQUIRE_2FA = False
    login(client, "officer")

    assert client.get(DASHBOARD).status_code == 200


def test_enrolling_refuses_a_wrong_code_and_confirms_with_the_right_one(client, officer, required):
    login(client, "officer")
    page = client.get(SETUP).content.decode()
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    assert re.sub(r"\s", "", re.search(r'id="totp-key">([^<]+)<', page)[1]) in device.config_url

    refused = client.post(SETUP, {"token": wrong(device)})
    assert "验证码不正确" in refused.content.decode()
    assert not TOTPDevice.objects.filter(user=officer, confirmed=True).exists()
    assert client.get(DASHBOARD).status_code == 302

    device.throttle_reset()  # django-otp makes the next try wait a second after a failure
    response = client.post(f"{SETUP}?next={DASHBOARD}", {"token": code(device), "next": DASHBOARD})

    assert response.status_code == 302 and response.url == DASHBOARD
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert client.get(DASHBOARD).status_code == 200


@pytest.mark.parametrize("setting", [True, False])
def test_an_enrolled_user_must_give_the_code_at_login(client, settings, officer, setting):
    settings.REQUIRE_2FA = setting
    device = enrolled(officer)
    login(client, "officer")
    assert client.get(DASHBOARD).url == f"{VERIFY}?next={DASHBOARD}"

    refused = client.post(VERIFY, {"token": wrong(device)})
    assert "验证码不正确" in refused.content.decode()
    assert client.get(DASHBOARD).status_code == 302

    device.throttle_reset()
    response = client.post(VERIFY, {"token": code(device), "next": DASHBOARD})

    assert response.status_code == 302 and response.url == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200


def test_codes_right_after_a_wrong_one_wait_for_the_throttle(client, officer, required):
    device = enrolled(officer)
    login(client, "officer")
    client.post(VERIFY, {"token": wrong(device)})

    response = client.post(VERIFY, {"token": code(device)})

    assert two_factor.TOO_MANY_WRONG in response.content.decode()
    assert client.get(DASHBOARD).status_code == 302
    device.refresh_from_db()
    assert device.throttling_failure_count == 1


def test_a_used_code_cannot_be_replayed_in_another_session(client, officer, required):
    device = enrolled(officer)
    used = code(device)
    login(client, "officer")
    client.post(VERIFY, {"token": used})
    assert client.get(DASHBOARD).status_code == 200

    other = Client()
    login(other, "officer")
    other.post(VERIFY, {"token": used})

    assert other.get(DASHBOARD).status_code == 302


def test_someone_with_only_the_password_cannot_enrol_a_second_phone(client, officer, required):
    device = enrolled(officer)
    login(client, "officer")

    response = client.get(SETUP)
    posted = client.post(SETUP, {"token": code(device)})

    assert response.url.startswith(VERIFY) and posted.url.startswith(VERIFY)
    assert list(TOTPDevice.objects.filter(user=officer)) == [device]


@pytest.mark.parametrize("token", ["", "12345", "1234567", "abcdef", "１２３４５６", "\x00" * 6])
def test_malformed_codes_are_refused_with_a_form_error(client, officer, required, token):
    enrolled(officer)
    login(client, "officer")

    response = client.post(VERIFY, {"token": token})

    assert response.status_code == 200
    error = re.search(r'id="id_token_err">([^<]+)<', response.content.decode())[1]
    assert re.search(r"[\u4e00-\u9fff]", error), error  # a Chinese message on the field
    assert client.get(DASHBOARD).status_code == 302


def test_the_code_comes_before_a_forced_password_change(client, officer, required):
    device = enrolled(officer)
    services.require_password_change(user=officer)
    login(client, "officer")

    assert client.get(reverse("account:password_change")).url.startswith(VERIFY)
    client.post(VERIFY, {"token": code(device)})

    assert client.get(DASHBOARD).url.startswith(reverse("account:password_change"))
    assert client.get(reverse("account:password_change")).status_code == 200
