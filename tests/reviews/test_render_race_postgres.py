"""Renderers racing for one letter on PostgreSQL: the claim is one conditional UPDATE, so of several
workers released together exactly one renders and stores it, and only its file is left.

Skipped on SQLite (it serialises every writer anyway). Locally:
DATABASE_URL=postgres://postgres@127.0.0.1:5432/dangyuan .venv/bin/python -m pytest tests/reviews/test_render_race_postgres.py
"""

import secrets
import threading
from types import SimpleNamespace

import pytest
from django.db import connection

from reviews import letters
from reviews.models import Letter
from reviews.services import render_claims, rendering
from tests.cases.test_race_postgres import race
from tests.reviews.test_render_claims import stored_files

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"),
    pytest.mark.django_db(transaction=True),
]

WORKERS = 6


def test_it_lets_exactly_one_of_several_simultaneous_renderers_store_the_letter(
    letter, settings, monkeypatch
):
    renders = []
    real = letters.render

    def counted(one):
        renders.append(one.pk)
        return real(one)

    monkeypatch.setattr(letters, "render", counted)
    # Every renderer has read the letter as free before any of them tries to take it.
    all_read = threading.Barrier(WORKERS)

    def token_once_all_have_read(n):
        all_read.wait(timeout=10)
        return secrets.token_hex(n)

    monkeypatch.setattr(render_claims, "secrets", SimpleNamespace(token_hex=token_once_all_have_read))
    results, errors, _ = race(*[lambda: rendering.rendered_here(letter.pk) for _ in range(WORKERS)])

    assert errors == [None] * WORKERS
    assert sorted(results) == [False] * (WORKERS - 1) + [True]
    assert renders == [letter.pk]  # the losers never rendered
    stored = Letter.objects.get(pk=letter.pk)
    assert stored.status == "rendered" and stored.attempts == 1
    assert stored_files(settings) == [stored.pdf.name]
