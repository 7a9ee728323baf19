"""The daily e-mail digest: one mail per user per day, Chinese, HTML and text, grouped, absolute
links; only what the user was told; opt-out and no address send nothing; a server that refuses
then accepts loses nothing; two claims send once; 我的提醒设置."""

import datetime as dt
import smtplib

import pytest
from celery.exceptions import Retry
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.test import override_settings
from django.urls import reverse

from reminders.models import Digest, ReminderPreference
from reminders.services import digest
from reminders.services.sweep import sweep
from reminders.tasks import DIGEST_TASK, DigestsNotSent, queue_digests, send_digests_task
from tests import factories as f
from tests.reminders.conftest import DAY, make_deadline

pytestmark = pytest.mark.django_db
days = dt.timedelta
SITE = "https://dangjian.example.cn"


@pytest.fixture
def scene(county, personas):
    for user in personas.values():
        user.email = f"{user.username}@example.cn"
        user.save(update_fields=["email"])
    mine = f.new_case(county.branch, personas["secretary"], applied_on=dt.date(2026, 5, 1))
    make_deadline(mine, due_on=DAY - days(2), key="late")
    other = f.new_case(county.branch, personas["secretary"], applied_on=dt.date(2026, 5, 2))
    make_deadline(other, due_on=DAY, key="today")
    third = f.new_case(county.branch, personas["secretary"], applied_on=dt.date(2026, 5, 3))
    make_deadline(third, due_on=DAY + days(5), key="soon")
    theirs = f.new_case(county.other_branch, personas["outsider"], applied_on=dt.date(2026, 5, 4))
    make_deadline(theirs, due_on=DAY - days(1), key="theirs")
    sweep(DAY)
    mail.outbox.clear()
    return type("Scene", (), dict(mine=mine, other=other, third=third, theirs=theirs))


def mails_to(username):
    return [m for m in mail.outbox if m.to == [f"{username}@example.cn"]]


@override_settings(REMINDER_SITE_URL=SITE)
def test_one_mail_per_user_grouped_with_absolute_links(scene):
    result = digest.send_digests(DAY)
    assert result.sent == 2 and not result.failed  # the secretary and the outsider
    [message] = mails_to("secretary")
    assert "期限提醒" in message.subject and "3 项" in message.subject
    text = message.body
    assert text.index("【已逾期】") < text.index("【今日到期】") < text.index("【本周到期】")
    for case in (scene.mine, scene.other, scene.third):
        assert f"{SITE}{case.get_absolute_url()}#step-initial_talk" in text
        assert case.person.name in text
    [(html, kind)] = message.alternatives
    assert kind == "text/html" and f'href="{SITE}{scene.mine.get_absolute_url()}#step-initial_talk"' in html
    assert "已逾期" in html and "本周到期" in html
    assert Digest.objects.get(user__username="secretary", day=DAY).sent_at is not None


def test_no_user_is_mailed_about_a_case_outside_their_scope(scene):
    digest.send_digests(DAY)
    [theirs] = mails_to("outsider")
    assert scene.theirs.person.name in theirs.body
    for case in (scene.mine, scene.other, scene.third):
        assert case.person.name not in theirs.body
    [mine] = mails_to("secretary")
    assert scene.theirs.person.name not in mine.body
    assert mails_to("officer_b") == mails_to("reviewer") == []


def test_a_second_run_sends_nothing_more(scene):
    digest.send_digests(DAY)
    again = digest.send_digests(DAY)
    assert again.sent == 0 and again.skipped == 2
    assert len(mail.outbox) == 2


def test_two_claims_at_once_send_at_most_once(scene, secretary):
    first, second = digest.claim(secretary, DAY), digest.claim(secretary, DAY)
    assert first is not None and second is None
    assert digest.send_digests(DAY).skipped == 1  # the claimed one is not sent again
    assert mails_to("secretary") == []
    assert Digest.objects.get(user=secretary, day=DAY).attempts == 1


def test_opted_out_or_no_address_gets_no_mail_but_keeps_the_notices(scene, secretary, outsider):
    ReminderPreference.objects.create(user=secretary, email_opt_out=True)
    outsider.email = ""
    outsider.save(update_fields=["email"])
    assert digest.send_digests(DAY).sent == 0
    assert mail.outbox == []
    assert secretary.notices.count() == 3


def test_a_met_deadline_is_left_out_of_the_mail(scene):
    scene.mine.deadlines.update(met_on=DAY)
    digest.send_digests(DAY)
    [message] = mails_to("secretary")
    assert scene.mine.person.name not in message.body and "已逾期" not in message.body


class RefusingOnce(EmailBackend):
    """A mail server that is down for the first attempt, then accepts."""

    refused = 0

    def send_messages(self, messages):
        if RefusingOnce.refused == 0:
            RefusingOnce.refused += 1
            raise smtplib.SMTPServerDisconnected("连接被拒绝")
        return super().send_messages(messages)


@override_settings(EMAIL_BACKEND="tests.reminders.test_digest.RefusingOnce")
def test_a_refused_mail_is_given_back_recorded_and_sent_by_the_retry(scene, secretary):
    RefusingOnce.refused = 0
    first = digest.send_digests(DAY)
    assert len(first.failed) == 1 and first.sent == 1
    failed = Digest.objects.get(user__username=first.failed[0], day=DAY)
    assert failed.sent_at is None and failed.attempts == 1 and "SMTPServerDisconnected" in failed.last_error
    second = digest.send_digests(DAY)
    assert second.sent == 1 and second.skipped == 1
    failed.refresh_from_db()
    assert failed.sent_at is not None and failed.attempts == 2 and failed.last_error == ""
    assert len(mail.outbox) == 2


@override_settings(EMAIL_BACKEND="tests.reminders.test_digest.RefusingOnce")
def test_the_task_retries_until_the_server_accepts(scene):
    RefusingOnce.refused = 0
    assert DigestsNotSent in send_digests_task.autoretry_for and send_digests_task.retry_backoff
    with pytest.raises(Retry):  # eager: the retry is scheduled, not run in place
        send_digests_task.apply(args=[DAY.isoformat()])
    assert len(mail.outbox) == 1
    send_digests_task.apply(args=[DAY.isoformat()])  # the retry
    assert len(mail.outbox) == 2
    assert Digest.objects.filter(day=DAY, sent_at__isnull=False).count() == 2


def test_the_sweep_task_queues_the_digest_task(scene):
    assert queue_digests(DAY) is True  # registered under DIGEST_TASK
    assert DIGEST_TASK == "reminders.send_digests"
    assert len(mail.outbox) == 2  # eager in tests


def test_the_settings_page_sets_the_address_and_the_opt_out(client, secretary):
    client.force_login(secretary)
    url = reverse("reminders:settings")
    assert client.get(url).status_code == 200
    bad = client.post(url, {"email": "not-an-address"})
    assert "请输入有效的电子邮箱地址" in bad.content.decode()
    secretary.refresh_from_db()
    assert secretary.email == ""
    client.post(url, {"email": "li@example.cn", "email_opt_out": "on"})
    secretary.refresh_from_db()
    assert secretary.email == "li@example.cn"
    assert ReminderPreference.objects.get(user=secretary).email_opt_out is True
    client.post(url, {"email": "li@example.cn"})
    assert ReminderPreference.objects.get(user=secretary).email_opt_out is False
