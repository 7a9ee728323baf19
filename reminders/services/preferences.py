"""The user's own writes about reminders: reading notices, the e-mail address and opt-out, the
calendar feed's secret token. Each is the one write path for its change."""

from django.db import transaction
from django.utils import timezone

from reminders.models import Notice, ReminderPreference


def mark_read(*, user, pk: int) -> bool:
    """Mark one of the user's notices read (again: nothing changes). False when not theirs."""
    notice = Notice.objects.filter(recipient=user, pk=pk)
    if not notice.exists():
        return False
    notice.filter(read_at__isnull=True).update(read_at=timezone.now())
    return True


def mark_all_read(*, user) -> int:
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def save_preferences(*, user, email: str, email_opt_out: bool) -> ReminderPreference:
    """The e-mail address the digest goes to, and whether to receive it (in-app notices stay)."""
    if user.email != email:
        user.email = email
        user.save(update_fields=["email"])
    pref = ReminderPreference.for_user(user)
    if pref.email_opt_out != email_opt_out:
        pref.email_opt_out = email_opt_out
        pref.save(update_fields=["email_opt_out"])
    return pref


@transaction.atomic
def new_feed_token(*, user) -> ReminderPreference:
    """Turn the calendar feed on with a new secret URL (the old one, if any, stops working)."""
    pref = ReminderPreference.objects.select_for_update().get(pk=ReminderPreference.for_user(user).pk)
    pref.ical_token = ReminderPreference.new_token()
    pref.ical_token_created_at = timezone.now()
    pref.save(update_fields=["ical_token", "ical_token_created_at"])
    return pref


def revoke_feed_token(*, user) -> None:
    ReminderPreference.objects.filter(user=user).update(ical_token=None, ical_token_created_at=None)
