"""Hardening of every response: a strict Content Security Policy with no inline script or style to
need loosening it, no caching of anything with personal data, sessions that end (30 minutes idle,
8 hours after login), and refused requests logged without a traceback."""

import logging
import re
import sys
import time
from pathlib import Path

import pytest
from django.contrib.sessions.models import Session
from django.urls import reverse

from config.middleware import LAST_SEEN_AT, LOGGED_IN_AT
from tests.e2e.browser import PASSWORD

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parent.parent
# Letters and the 一人一档 PDF pages (dossier/pdf) are HTML only on their way into WeasyPrint: never
# served to a browser.
PDF_ONLY = {"letters", "pdf"}
SERVED_TEMPLATES = [
    p for p in ROOT.glob("**/templates/**/*.html") if ".venv" not in p.parts and not PDF_ONLY & set(p.parts)
]
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)[^>]*>"  # a script without src
    r"|\son[a-z]+\s*="  # an on*= handler
    r"|<style|\sstyle\s*="  # a style element or attribute
    r"|javascript:|\shx-on",
    re.IGNORECASE,
)


def test_every_page_carries_a_strict_content_security_policy(client):
    policy = client.get(reverse("login"))["Content-Security-Policy"]

    directives = dict(d.strip().split(" ", 1) for d in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["img-src"] == "'self' data:"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert "unsafe" not in policy


def test_no_served_template_has_inline_script_style_or_handlers():
    assert len(SERVED_TEMPLATES) > 20
    found = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in SERVED_TEMPLATES
        for match in INLINE.finditer(path.read_text(encoding="utf-8"))
    ]
    assert found == []


def test_the_main_pages_render_without_inline_script_or_style(client, secretary, officer, case):
    pages = {
        secretary: ["cases:dashboard", "cases:list", ("cases:detail", case.pk), "imports:index"],
        officer: ["reviews:desk", ("reviews:queue", "admission_approval"), "reviews:letters"],
    }
    for user, names in pages.items():
        client.force_login(user)
        for name in names:
            url = reverse(name) if isinstance(name, str) else reverse(name[0], args=[name[1]])
            response = client.get(url)
            assert response.status_code == 200, url
            assert INLINE.findall(response.content.decode()) == [], url


def test_pages_and_downloads_with_personal_data_are_never_stored(client, secretary, case):
    client.force_login(secretary)
    for url in (
        reverse("cases:detail", args=[case.pk]),
        reverse("cases:list") + "?q=zs",
        reverse("imports:export_cases"),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "no-store" in response["Cache-Control"], url
        assert "private" in response["Cache-Control"], url


def test_static_files_keep_their_caching(client):
    response = client.get("/static/css/app.css")

    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def login_through_the_form(client, user) -> None:
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302


def stored_session():
    return Session.objects.get()


def set_session_time(client, key: str, seconds_ago: float) -> None:
    session = client.session
    session[key] = time.time() - seconds_ago
    session.save()


def test_a_session_ends_after_30_minutes_without_a_request(client, secretary):
    login_through_the_form(client, secretary)
    dashboard = reverse("cases:dashboard")

    # 29 minutes idle: still signed in, and the request counts as activity.
    set_session_time(client, LAST_SEEN_AT, 29 * 60)
    assert client.get(dashboard).status_code == 200
    assert time.time() - client.session[LAST_SEEN_AT] < 60

    # 31 minutes idle: the session is over.
    set_session_time(client, LAST_SEEN_AT, 31 * 60)
    response = client.get(dashboard)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert client.get(dashboard).status_code == 302  # and stays signed out


def test_an_ordinary_request_does_not_write_the_session(client, secretary):
    login_through_the_form(client, secretary)
    before = stored_session().session_data
    assert client.get(reverse("cases:dashboard")).status_code == 200
    assert stored_session().session_data == before  # last seen under a minute ago: nothing to write


def set_login_time(client, seconds_ago: float) -> None:
    set_session_time(client, LOGGED_IN_AT, seconds_ago)


def test_a_session_ends_8_hours_after_login_however_active(client, secretary):
    login_through_the_form(client, secretary)
    assert time.time() - client.session[LOGGED_IN_AT] < 60  # stamped by the login itself
    dashboard = reverse("cases:dashboard")

    set_login_time(client, 8 * 3600 - 60)
    assert client.get(dashboard).status_code == 200

    set_login_time(client, 8 * 3600 + 1)
    response = client.get(dashboard)
    assert response.status_code == 302 and response.url.startswith(reverse("login"))
    assert not Session.objects.filter(session_key=client.cookies["sessionid"].value).exists()
    assert client.get(dashboard).status_code == 302  # and stays signed out


def test_a_new_login_starts_a_new_8_hours(client, secretary):
    login_through_the_form(client, secretary)
    set_login_time(client, 8 * 3600 - 60)

    login_through_the_form(client, secretary)

    assert time.time() - client.session[LOGGED_IN_AT] < 60


def test_a_refused_request_is_logged_in_one_line_without_a_traceback(client, auditor, caplog):
    client.force_login(auditor)

    with caplog.at_level(logging.WARNING, logger="django.request"):
        response = client.post(reverse("imports:upload"))

    assert response.status_code == 403
    [record] = [r for r in caplog.records if r.name == "django.request"]
    assert record.status_code == 403 and "Forbidden" in record.getMessage()
    assert record.exc_info is None
    assert "Traceback" not in caplog.text


def test_a_server_error_keeps_its_traceback(caplog):
    try:
        raise RuntimeError("boom")
    except RuntimeError:
        exc_info = sys.exc_info()

    with caplog.at_level(logging.ERROR, logger="django.request"):
        logging.getLogger("django.request").error(
            "Internal Server Error", exc_info=exc_info, extra={"status_code": 500}
        )

    assert caplog.records[-1].exc_info is exc_info
    assert "Traceback" in caplog.text


def test_behind_the_proxy_the_client_is_the_address_the_proxy_appended(rf, settings):
    from cases.web import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.BEHIND_PROXY = False
    assert client_ip(request) == "10.0.0.2"  # nothing forwarded is trusted without the proxy setting
    settings.BEHIND_PROXY = True
    assert client_ip(request) == "203.0.113.9"  # not the 6.6.6.6 a client wrote itself
