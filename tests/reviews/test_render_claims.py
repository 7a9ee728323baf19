"""Render claims: one renderer at a time, a dead renderer's claim taken over after the lease, exactly
one stored file per letter, and no file left behind by a save that failed or a claim that was lost."""

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import DatabaseError
from django.urls import reverse
from django.utils import timezone

from reviews import letters, services
from reviews.models import Letter, letter_file_name
from reviews.services import render_claims
from reviews.services.rendering import MAX_ATTEMPTS

pytestmark = pytest.mark.django_db

AFTER_LEASE = render_claims.LEASE + dt.timedelta(seconds=1)


def stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def test_it_lets_one_renderer_claim_a_letter_until_the_lease_runs_out(letter):
    now = timezone.now()
    first = render_claims.claim(letter.pk, now=now)
    assert first
    assert render_claims.claim(letter.pk, now=now + render_claims.LEASE - dt.timedelta(seconds=1)) is None
    second = render_claims.claim(letter.pk, now=now + AFTER_LEASE)
    assert second and second != first
    letter.refresh_from_db()
    assert letter.claim_token == second and letter.attempts == 2


def test_it_stores_only_the_renderer_that_still_holds_the_claim_and_leaves_one_file(letter, settings):
    now = timezone.now()
    slow = render_claims.claim(letter.pk, now=now)
    fast = render_claims.claim(letter.pk, now=now + AFTER_LEASE)  # the slow one's lease ran out
    pdf = letters.render(letter)

    assert render_claims.store(letter, fast, pdf) is True
    assert render_claims.store(letter, slow, pdf) is False  # lost its claim: its file is gone again

    letter.refresh_from_db()
    assert letter.status == "rendered" and letter.pdf.name == letter_file_name(letter, fast)
    assert letter.claim_token == "" and letter.claimed_at is None
    assert stored_files(settings) == [letter.pdf.name]


def test_it_leaves_no_file_and_the_letter_pending_when_the_save_fails(letter, settings, monkeypatch):
    def broken_save(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(render_claims, "_save_as_rendered", broken_save)
    with pytest.raises(DatabaseError):
        services.render_letter(letter_id=letter.pk)

    assert stored_files(settings) == []
    letter.refresh_from_db()
    assert letter.status == "pending" and not letter.pdf and not letter.sha256
    assert letter.claim_token == "" and "database is locked" in letter.error  # a retry may claim it

    monkeypatch.undo()
    services.render_letter(letter_id=letter.pk)
    letter.refresh_from_db()
    assert letter.status == "rendered" and stored_files(settings) == [letter.pdf.name]


def test_the_sweep_takes_over_a_dead_renderers_claim_and_deletes_the_file_it_left(letter, settings):
    from django.core.files.base import ContentFile

    now = timezone.now()
    dead = render_claims.claim(letter.pk, now=now)
    left = letter_file_name(letter, dead)  # killed after writing its file, before saving
    Letter._meta.get_field("pdf").storage.save(left, ContentFile(b"%PDF-1.7 half written"))
    assert stored_files(settings) == [left]

    assert services.rescue_stuck_letters(now=now + dt.timedelta(seconds=30)) == 0  # still leased
    assert services.rescue_stuck_letters(now=now + AFTER_LEASE) == 1

    letter.refresh_from_db()
    assert letter.status == "rendered" and letter.pdf.name != left
    assert stored_files(settings) == [letter.pdf.name]


def test_a_letter_held_by_a_live_claim_is_rendered_by_neither_the_sweep_nor_the_command(letter, settings):
    Letter.objects.filter(pk=letter.pk).update(queued_at=timezone.now() - dt.timedelta(minutes=10))
    render_claims.claim(letter.pk)  # its message reached a worker late; the worker is rendering it
    assert services.rescue_stuck_letters(now=timezone.now() + dt.timedelta(seconds=30)) == 0
    out = io.StringIO()
    call_command("render_letters", stdout=out)

    assert "后台正在生成 1 件" in out.getvalue() and "跳过 " + letter.number in out.getvalue()
    assert Letter.objects.get(pk=letter.pk).status == "pending"
    assert stored_files(settings) == []


def test_the_sweep_marks_a_letter_failed_after_the_last_attempt(letter, monkeypatch):
    monkeypatch.setattr("reviews.letters.render", lambda letter: (_ for _ in ()).throw(OSError("字体缺失")))
    Letter.objects.filter(pk=letter.pk).update(attempts=MAX_ATTEMPTS - 2)
    later = timezone.now() + dt.timedelta(minutes=2)

    assert services.rescue_stuck_letters(now=later) == 0
    assert Letter.objects.get(pk=letter.pk).status == "pending"  # one more try is left
    assert services.rescue_stuck_letters(now=later) == 0
    failed = Letter.objects.get(pk=letter.pk)
    assert failed.status == "failed" and "字体缺失" in failed.error and failed.attempts == MAX_ATTEMPTS


def test_rendering_again_replaces_the_old_file(
    letter, client, officer, settings, django_capture_on_commit_callbacks
):
    services.render_letter(letter_id=letter.pk)
    first = Letter.objects.get(pk=letter.pk).pdf.name
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:letter_regenerate", args=[letter.pk]))

    again = Letter.objects.get(pk=letter.pk)
    assert again.status == "rendered" and again.pdf.name != first
    assert stored_files(settings) == [again.pdf.name]


def test_the_admin_action_renders_a_free_letter_and_leaves_one_a_worker_holds(letter, admin_client, settings):
    url = reverse("admin:reviews_letter_changelist")
    render_claims.claim(letter.pk)  # a worker is rendering it right now
    held = admin_client.post(url, {"action": "render_again", "_selected_action": [letter.pk]}, follow=True)
    assert "正在由后台生成" in held.content.decode() and "已生成 0 件" in held.content.decode()
    assert stored_files(settings) == []

    Letter.objects.filter(pk=letter.pk).update(claimed_at=timezone.now() - AFTER_LEASE)  # that worker died
    freed = admin_client.post(url, {"action": "render_again", "_selected_action": [letter.pk]}, follow=True)
    assert "已生成 1 件" in freed.content.decode()
    assert stored_files(settings) == [Letter.objects.get(pk=letter.pk).pdf.name]
