"""The daily e-mail digest: one mail per user per day (never one per deadline), in Chinese, HTML
and plain text, listing the notices the day's sweep added for them, grouped 已逾期 / 今日到期 /
本周到期 (and 已可办理), each line with an absolute link to the case's step.

At most once: the user's Digest row of the day is claimed compare-and-set (sent_at set from null
in one UPDATE) before the mail leaves, so two workers never both send it; a mail server that
refuses gives the claim back (sent_at null again, attempts and last_error recorded) and the task
retries later. Users without an address or who opted out get none (their in-app notices stay)."""

import datetime as dt
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import IntegrityError
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone

from reminders.models import Digest, Notice, ReminderPreference, Threshold

log = logging.getLogger(__name__)

GROUPS = (  # (title, thresholds) in the mail's order
    ("已逾期", (Threshold.OVERDUE, Threshold.ESCALATED_COMMITTEE, Threshold.ESCALATED_DEPARTMENT)),
    ("今日到期", (Threshold.TODAY,)),
    ("本周到期", (Threshold.SOON,)),
    ("已可办理", (Threshold.AVAILABLE,)),
)


@dataclass
class DigestResult:
    day: dt.date
    sent: int = 0
    skipped: int = 0  # already sent (another worker, an earlier run)
    failed: list[str] = field(default_factory=list)  # usernames whose mail the server refused


def recipients(day: dt.date):
    """Users told something on `day` who take mail: an address, not opted out."""
    from django.contrib.auth import get_user_model

    opted_out = ReminderPreference.objects.filter(email_opt_out=True).values("user_id")
    return (
        get_user_model()
        .objects.filter(notices__swept_on=day, is_active=True)
        .exclude(email="")
        .exclude(pk__in=opted_out)
        .distinct()
        .order_by("pk")
    )


def digest_lines(user, day: dt.date) -> list[tuple[str, list[Notice]]]:
    """The notices of `day` for `user` whose deadline is still open, by group (empty groups left out)."""
    notices = list(
        Notice.objects.filter(recipient=user, swept_on=day, deadline__met_on__isnull=True)
        .select_related("deadline__case__person", "deadline__org")
        .order_by("deadline__due_on", "pk")
    )
    groups = []
    for title, thresholds in GROUPS:
        rows = [n for n in notices if n.threshold in thresholds]
        if rows:
            groups.append((title, rows))
    return groups


def notice_url(notice: Notice) -> str:
    deadline = notice.deadline
    return f"{settings.REMINDER_SITE_URL.rstrip('/')}{deadline.case.get_absolute_url()}#step-{deadline.step}"


def build_mail(user, day: dt.date, groups, connection=None) -> EmailMultiAlternatives:
    context = {
        "user": user,
        "day": day,
        "groups": [(title, [(n, notice_url(n)) for n in rows]) for title, rows in groups],
        "total": sum(len(rows) for _, rows in groups),
        "site_url": settings.REMINDER_SITE_URL.rstrip("/"),
    }
    mail = EmailMultiAlternatives(
        subject=f"【发展党员全程纪实】{day:%Y-%m-%d} 期限提醒（{context['total']} 项）",
        body=render_to_string("reminders/digest.txt", context),
        to=[user.email],
        connection=connection,
    )
    mail.attach_alternative(render_to_string("reminders/digest.html", context), "text/html")
    return mail


def claim(user, day: dt.date) -> Digest | None:
    """The user's digest of `day`, claimed for sending now; None when it was sent or is being sent."""
    try:
        digest, _ = Digest.objects.get_or_create(user=user, day=day)
    except IntegrityError:  # created at the same moment by another worker
        digest = Digest.objects.get(user=user, day=day)
    won = Digest.objects.filter(pk=digest.pk, sent_at__isnull=True).update(
        sent_at=timezone.now(), attempts=F("attempts") + 1
    )
    return digest if won == 1 else None


def give_back(digest: Digest, error: Exception) -> None:
    """The server refused: the digest may be sent again by a retry."""
    Digest.objects.filter(pk=digest.pk).update(
        sent_at=None, last_error=f"{type(error).__name__}: {error}"[:2000]
    )


def send_digests(day: dt.date) -> DigestResult:
    """Send the digests of `day` not yet sent (run after the day's sweep committed)."""
    result = DigestResult(day)
    connection = get_connection()
    for user in recipients(day):
        groups = digest_lines(user, day)
        if not groups:
            continue
        digest = claim(user, day)
        if digest is None:
            result.skipped += 1
            continue
        try:
            build_mail(user, day, groups, connection).send()
        except Exception as exc:  # any refusal of the mail server (SMTPException, OSError, …)
            log.warning("digest of %s for %s not sent: %s", user.username, day, exc)
            give_back(digest, exc)
            result.failed.append(user.username)
        else:
            Digest.objects.filter(pk=digest.pk).update(last_error="")
            result.sent += 1
    return result
