"""Passwords: Django's four validators refuse weak ones in Chinese, and a password an admin set is
temporary — its owner must replace it before reaching anything else."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from branches.models import AccountSecurity
from demo.builder import DemoBuilder
from demo.county import DEMO_PASSWORD, USERS
from tests.e2e.browser import PASSWORD

pytestmark = pytest.mark.django_db

STRONG = "红旗渠-1960-Linzhou"
ADMIN_SET = "Temporary-Pass-2026"


def change_own(client, old: str, new: str, **extra):
    return client.post(
        reverse("account:password_change"),
        {"old_password": old, "new_password1": new, "new_password2": new, **extra},
    )


@pytest.mark.parametrize(
    ("weak", "message"),
    [
        ("Ab-12345", "密码长度太短。密码必须包含至少 10 个字符。"),
        ("38104729561", "密码只包含数字。"),
        ("password123", "这个密码太常见了。"),
        ("secretary-1", "密码跟 用户名 太相似了。"),
    ],
)
def test_it_refuses_a_weak_new_password_in_chinese(client, secretary, weak, message):
    client.force_login(secretary)

    response = change_own(client, PASSWORD, weak)

    assert response.status_code == 200
    assert message in response.content.decode()
    secretary.refresh_from_db()
    assert secretary.check_password(PASSWORD)


def test_it_refuses_keeping_the_same_password(client, secretary):
    secretary.set_password(ADMIN_SET)
    secretary.save()
    client.force_login(secretary)

    response = change_own(client, ADMIN_SET, ADMIN_SET)

    assert "新密码不能与原密码相同" in response.content.decode()


def test_the_admin_refuses_a_weak_password_for_a_new_account(admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "newbie", "usable_password": "true", "password1": "12345678", "password2": "12345678"},
    )

    assert response.status_code == 200
    assert "密码只包含数字" in response.content.decode()
    assert not get_user_model().objects.filter(username="newbie").exists()


def set_in_admin(admin_client, user, password: str = ADMIN_SET):
    response = admin_client.post(
        reverse("admin:auth_user_password_change", args=[user.pk]),
        {"usable_password": "true", "password1": password, "password2": password},
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def login(client, username: str, password: str):
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302
    return response


def test_a_password_set_in_the_admin_must_be_changed_before_anything_else(client, admin_client, secretary):
    set_in_admin(admin_client, secretary)
    assert AccountSecurity.objects.get(user=secretary).must_change_password

    login(client, "secretary", ADMIN_SET)
    for url in (reverse("cases:dashboard"), reverse("cases:list"), reverse("imports:index")):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url == f"{reverse('account:password_change')}?next={url}"
    page = client.get(reverse("account:password_change")).content.decode()
    assert "您的密码由系统管理员设置" in page

    response = change_own(client, ADMIN_SET, STRONG, next=reverse("cases:list"))

    assert response.status_code == 302 and response.url == reverse("cases:list")
    assert client.get(reverse("cases:dashboard")).status_code == 200  # still signed in, now free
    assert not AccountSecurity.objects.get(user=secretary).must_change_password
    secretary.refresh_from_db()
    assert secretary.check_password(STRONG)


def test_an_account_made_in_the_admin_must_change_its_first_password(client, admin_client):
    response = admin_client.post(
        reverse("admin:auth_user_add"),
        {"username": "newbie", "usable_password": "true", "password1": ADMIN_SET, "password2": ADMIN_SET},
    )
    assert response.status_code == 302

    login(client, "newbie", ADMIN_SET)

    assert client.get(reverse("cases:dashboard")).url.startswith(reverse("account:password_change"))


def test_an_htmx_request_is_told_to_load_the_password_page(client, admin_client, secretary):
    set_in_admin(admin_client, secretary)
    login(client, "secretary", ADMIN_SET)

    response = client.get(reverse("cases:list"), headers={"HX-Request": "true"})

    assert response.headers["HX-Redirect"].startswith(reverse("account:password_change"))


def test_a_forced_change_survives_logging_out_and_in_again(client, admin_client, secretary):
    set_in_admin(admin_client, secretary)
    login(client, "secretary", ADMIN_SET)
    client.post(reverse("logout"))

    login(client, "secretary", ADMIN_SET)

    assert client.get(reverse("cases:dashboard")).status_code == 302


def test_demo_users_are_not_asked_to_change_their_password(client):
    DemoBuilder(log=lambda *_: None).build_structure()
    username = USERS[0].username

    login(client, username, DEMO_PASSWORD)

    assert client.get(reverse("cases:dashboard")).status_code == 200
    assert not AccountSecurity.objects.filter(must_change_password=True).exists()
