"""Claims on a letter's render: who may render it now, and the one conditional save that stores it.

A renderer claims a letter with a compare-and-set — one UPDATE that matches only a letter not yet
rendered whose claim is free or has run out — and renders only if it won. A claim is a random token
and a time: after LEASE it runs out, so the claim of a worker killed mid-render is taken over by the
sweep (reviews.tasks, every minute). LEASE is far longer than a render (well under a second, a few
seconds for a long name table), and the render task's time limit is shorter than it.

The PDF is written under a name made from the token, then recorded by an UPDATE that matches only
while the letter still holds that token: two renderers never both store a file. A renderer whose
save fails, or that lost its claim meanwhile, deletes its own file. A file left by a renderer killed
between writing and saving bears the token of the claim it held; whoever takes that claim over
deletes it. So every file under letters/ is the one its letter points to, or about to be.
"""

import datetime as dt
import hashlib
import secrets
from contextlib import suppress
from functools import partial

from django.core.files.base import ContentFile
from django.db import DatabaseError, transaction
from django.db.models import F, Q
from django.utils import timezone

from reviews.models import Letter, LetterStatus, letter_file_name

LEASE = dt.timedelta(seconds=60)


def _storage():
    return Letter._meta.get_field("pdf").storage


def claim(letter_id: int, *, now: dt.datetime | None = None) -> str | None:
    """Take the letter for rendering: the new claim token, or None if it is rendered, gone, or held
    by a claim that has not run out. Counts the attempt."""
    now = now or timezone.now()
    letter = Letter.objects.exclude(status=LetterStatus.RENDERED).filter(pk=letter_id).first()
    if letter is None:
        return None
    token = secrets.token_hex(8)
    free = Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - LEASE)
    won = (
        Letter.objects.filter(free, pk=letter_id, claim_token=letter.claim_token)
        .exclude(status=LetterStatus.RENDERED)
        .update(claim_token=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    if not won:
        return None
    if letter.claim_token:  # taken over from a renderer that died: its unsaved file, if any, goes
        _storage().delete(letter_file_name(letter, letter.claim_token))
    return token


def release(letter_id: int, token: str, *, error: str) -> None:
    """Give the claim back after a failed attempt, with the error, so a retry may claim at once."""
    with suppress(DatabaseError):  # the database may be what failed; the lease frees it then
        Letter.objects.filter(pk=letter_id, claim_token=token).update(
            claim_token="", claimed_at=None, error=error
        )


def _save_as_rendered(letter_id: int, token: str, name: str, sha256: str) -> bool:
    """The conditional save: true only if the letter still held `token` (and is now rendered)."""
    return bool(
        Letter.objects.filter(pk=letter_id, claim_token=token)
        .exclude(status=LetterStatus.RENDERED)
        .update(
            pdf=name,
            sha256=sha256,
            status=LetterStatus.RENDERED,
            error="",
            rendered_at=timezone.now(),
            claim_token="",
            claimed_at=None,
        )
    )


def store(letter: Letter, token: str, pdf: bytes) -> bool:
    """Write the PDF and record it if the claim still holds; otherwise (or if the save fails) the
    file is deleted again. A PDF the letter had before (rendered again) is deleted once this commits."""
    storage = _storage()
    name = storage.save(letter_file_name(letter, token), ContentFile(pdf))
    try:
        with transaction.atomic():
            stored = _save_as_rendered(letter.pk, token, name, hashlib.sha256(pdf).hexdigest())
    except BaseException:
        storage.delete(name)
        raise
    if not stored:
        storage.delete(name)
        return False
    old = letter.pdf.name
    if old and old != name:
        transaction.on_commit(partial(storage.delete, old))
    return True
