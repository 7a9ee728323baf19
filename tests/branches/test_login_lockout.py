"""Password guessing is stopped (django-axes): after AXES_FAILURE_LIMIT failures an account is locked
from every address and an address for every account, with a Chinese page saying what happened and
who unlocks it; the admin login counts the same; an admin unlocks in the admin or with a command."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from tests.e2e.browser import PASSWORD

pytestmark = pytest.mark.django_db

LIMIT = settings.AXES_FAILURE_LIMIT


def attempt(client, username: str, password: str, ip: str, url: str | None = None):
    return client.post(url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=ip)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_lets_in_after_fewer_failures_than_the_limit(client, secretary):
    for _ in range(LIMIT - 1):
        assert attempt(client, "secretary", "wrong-password", "10.0.0.1").status_code == 200

    response = attempt(client, "secretary", PASSWORD, "10.0.0.1")

    assert response.status_code == 302 and signed_in(client)


def test_it_locks_an_account_guessed_from_many_addresses(client, secretary):
    for i in range(LIMIT):
        attempt(client, "secretary", f"guess-{i}", f"10.0.1.{i}")

    response = attempt(client, "secretary", PASSWORD, "10.0.2.99")  # right password, fresh address

    assert response.status_code == 429
    assert not signed_in(client)


def test_it_locks_an_address_that_guesses_many_accounts(client, secretary, officer):
    for i in range(LIMIT):
        attempt(client, f"someone{i}", "wrong-password", "10.0.3.1")

    locked = attempt(client, "secretary", PASSWORD, "10.0.3.1")
    assert locked.status_code == 429 and not signed_in(client)

    elsewhere = attempt(client, "officer", PASSWORD, "10.0.3.2")  # the accounts themselves are not locked
    assert elsewhere.status_code == 302 and signed_in(client)


def test_the_lockout_page_says_in_chinese_what_happened_and_who_unlocks(client, secretary):
    for _ in range(LIMIT):
        response = attempt(client, "secretary", "wrong-password", "10.0.4.1")

    assert response.status_code == 429
    page = response.content.decode()
    assert f"连续 {LIMIT} 次登录失败" in page
    assert "账号“secretary”" in page
    assert f"请在 {settings.AXES_COOLOFF_TIME.seconds // 60} 分钟后再试" in page
    assert "系统管理员" in page


def test_the_admin_login_is_counted_and_locked_too(client, secretary):
    for _ in range(LIMIT):
        attempt(client, "secretary", "wrong-password", "10.0.5.1", url=reverse("admin:login"))

    assert attempt(client, "secretary", PASSWORD, "10.0.5.2").status_code == 429
    assert not signed_in(client)


def test_an_admin_unlocks_an_account_by_deleting_its_attempts_in_the_admin(client, admin_client, secretary):

    for i in range(LIMIT):
        attempt(client, "secretary", "wrong-password", f"10.0.6.{i}")
    assert attempt(client, "secretary", PASSWORD, "10.0.6.99").status_code == 429

    rows = AccessAttempt.objects.filter(username="secretary").values_list("pk", flat=True)
    response = admin_client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "delete_selected", "_selected_action": list(rows), "post": "yes"},
    )
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username="secretary").exists()

    assert attempt(client, "secretary", PASSWORD, "10.0.6.99").status_code == 302
    assert signed_in(client)


def test_an_admin_unlocks_an_account_with_the_reset_command(client, secretary):
    for _ in range(LIMIT):
        attempt(client, "secretary", "wrong-password", "10.0.7.1")
    assert attempt(client, "secretary", PASSWORD, "10.0.7.2").status_code == 429

    call_command("axes_reset_username", "secretary")

    assert attempt(client, "secretary", PASSWORD, "10.0.7.2").status_code == 302


def test_the_guessed_passwords_are_not_kept_in_the_attempt_log(client, secretary):

    attempt(client, "secretary", "my-secret-guess", "10.0.8.1")

    row = AccessAttempt.objects.get(username="secretary")
    assert row.failures_since_start == 1
    assert "my-secret-guess" not in row.post_data


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")])
def test_a_username_longer_than_any_account_is_refused_in_chinese_and_not_recorded(client, url):

    response = attempt(client, "x" * 300, "wrong-password", "10.0.6.1", url=url)

    assert response.status_code == 200
    assert "用户名不能超过 150 个字符" in response.content.decode()
    assert not AccessAttempt.objects.exists()


def test_a_username_of_the_longest_allowed_length_is_judged_as_a_failed_login(client):

    response = attempt(client, "x" * 150, "wrong-password", "10.0.6.2")

    assert response.status_code == 200 and "用户名或密码不正确" in response.content.decode()
    assert AccessAttempt.objects.filter(username="x" * 150).exists()
