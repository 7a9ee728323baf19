"""The production start (the Docker image, DJANGO_ENV=production): a real secret key or no start,
`check --deploy` without a warning, and no demo users ever.

Settings are read once, at import, so each case starts a fresh process with the environment set."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOOD_KEY = secrets.token_urlsafe(50)
GOOD_SEAL_KEYS = f"2027={secrets.token_urlsafe(48)}"


def production_env(**overrides: str | None) -> dict:
    """The environment of the image: DJANGO_ENV=production, nothing inherited from this shell's Django."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        PATH=f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        DJANGO_SETTINGS_MODULE="config.settings.base",
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_ALLOWED_HOSTS="dangjian.example.gov.cn",
        DJANGO_BEHIND_PROXY="1",
        AUDIT_HMAC_KEYS=GOOD_SEAL_KEYS,
    )
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def start(env: dict) -> subprocess.CompletedProcess:
    """The container's entry point, starting a stand-in for gunicorn that just says it started."""
    return subprocess.run(
        ["sh", "scripts/docker-entrypoint.sh", "python", "-c", "print('started')"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "key",
    [
        None,
        "",
        "dev-insecure-change-me-in-production-3b9f1c",  # the settings' development default
        "short-but-random-Zx81",
        "django-insecure-" + secrets.token_urlsafe(50),
        "ab" * 40,  # long, but two distinct characters
    ],
    ids=["missing", "empty", "default", "short", "django-insecure", "repetitive"],
)
def test_it_refuses_a_production_start_without_a_real_secret_key(key):
    result = start(production_env(DJANGO_SECRET_KEY=key))

    assert result.returncode != 0
    assert "started" not in result.stdout
    assert "refusing to start" in result.stderr
    assert "Traceback" not in result.stderr


def test_it_starts_in_production_with_a_real_secret_key():
    result = start(production_env())

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "started"


def test_the_deploy_check_passes_without_a_warning_in_production():
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)" in result.stdout


@pytest.mark.parametrize("keys", [None, "dev=dev-insecure-audit-key-change-me", "2027=short"])
def test_the_deploy_check_flags_a_default_or_short_seal_key(keys):
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=production_env(AUDIT_HMAC_KEYS=keys),
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode != 0
    assert "audit.W001" in result.stdout + result.stderr


def test_the_production_settings_are_https_only_behind_the_proxy():
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_PROXY_SSL_HEADER, s.SECURE_HSTS_SECONDS,"
        " s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.PRODUCTION)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=production_env(), capture_output=True, text=True
    )

    assert result.returncode == 0, result.stderr
    assert (
        result.stdout.split() == ["True", "('HTTP_X_FORWARDED_PROTO',", "'https')", "31536000"] + ["True"] * 3
    )


def test_the_image_is_a_production_start_that_never_seeds_the_demo():
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^\s+DJANGO_ENV=production \\$", dockerfile, re.MULTILINE)
    for name in ("Dockerfile", "docker-compose.yml", "scripts/docker-entrypoint.sh"):
        text = (ROOT / name).read_text(encoding="utf-8")
        commands = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
        assert not any("seed_demo" in line or "createsuperuser" in line for line in commands), name
    # seed_demo's own refusal in production: tests/cases/test_seed_demo_refusal.py


def test_compose_publishes_the_web_on_loopback_unless_told_otherwise():
    compose = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    assert '"${WEB_BIND:-127.0.0.1}:${WEB_PORT:-8000}:8000"' in compose


def test_make_run_binds_loopback_and_seeds_elsewhere_only_with_demo_set():
    script = (ROOT / "scripts" / "run.sh").read_text(encoding="utf-8")
    assert "HOST=${HOST:-127.0.0.1}" in script
    assert '--bind "$HOST:$PORT"' in script and "0.0.0.0:$PORT" not in script
    assert re.search(r"if \[\[ \$\{DEMO:-\} == 1 \]\]; then\n\s+seed_args\+=\(--allow-any-database\)", script)
