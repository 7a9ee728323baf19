"""Rendering after commit: retries, failure with the error, broker outages, the retry command."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError

from cases.models import StepRecord, Submission
from reviews import services
from reviews.models import Letter
from reviews.queues import BY_SLUG
from reviews.selectors import queue_items
from reviews.tasks import render_letter_task

pytestmark = pytest.mark.django_db
FILING = BY_SLUG["activist_filing"]


@pytest.fixture
def waiting(county, secretary, crew, scene):
    [case] = scene.new_cases(county, secretary, 1)
    return scene.waiting_at_step(case, crew, "activist_filing")


def acknowledge(client, officer, case, scene):
    client.force_login(officer)
    item = queue_items(officer, FILING).get(case=case)
    on = scene.meeting_on(case, "activist_selection") + dt.timedelta(days=2)
    return client.post(
        reverse("reviews:decide", args=["activist_filing"]),
        {"action": "acknowledge", "ids": [item.pk], "on": on},
    )


def test_the_letter_is_rendered_only_after_the_decision_commits(
    client, officer, waiting, scene, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        acknowledge(client, officer, waiting, scene)
    letter = Letter.objects.get()
    assert letter.status == "pending" and not letter.pdf and len(callbacks) == 1
    callbacks[0]()
    letter.refresh_from_db()
    assert letter.status == "rendered" and letter.rendered_at and letter.attempts == 1


def test_a_failing_render_is_retried_then_marked_failed_and_the_decision_stays(
    client, officer, waiting, scene, monkeypatch, django_capture_on_commit_callbacks
):
    calls = []

    def broken(letter):
        calls.append(letter.pk)
        raise RuntimeError("字体文件损坏")

    monkeypatch.setattr("reviews.letters.render", broken)
    monkeypatch.setitem(render_letter_task.app.conf, "task_eager_propagates", False)  # as a worker runs it
    with django_capture_on_commit_callbacks(execute=True):
        response = acknowledge(client, officer, waiting, scene)

    assert response.status_code == 302
    letter = Letter.objects.get()
    assert len(calls) == 1 + render_letter_task.max_retries
    assert letter.status == "failed" and letter.attempts == 4 and "字体文件损坏" in letter.error
    assert StepRecord.objects.filter(case=waiting, step="activist_filing").exists()
    assert Submission.objects.get(case=waiting, step="activist_filing").status == "done"
    client.force_login(officer)
    page = client.get(reverse("reviews:letter", args=[letter.pk])).content.decode()
    assert "生成失败" in page and "字体文件损坏" in page and letter.number in page

    monkeypatch.undo()
    out = io.StringIO()
    call_command("render_letters", stdout=out, stderr=io.StringIO())
    letter.refresh_from_db()
    assert letter.status == "rendered" and letter.error == "" and "已生成 " + letter.number in out.getvalue()


def test_a_broker_outage_keeps_the_decision_and_leaves_the_letter_pending(
    client, officer, waiting, scene, monkeypatch, django_capture_on_commit_callbacks
):
    def down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(render_letter_task, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        response = acknowledge(client, officer, waiting, scene)

    assert response.status_code == 302  # never a 500 after the decision committed
    letter = Letter.objects.get()
    assert letter.status == "pending" and letter.queued_at is None
    assert StepRecord.objects.filter(case=waiting, step="activist_filing").exists()

    monkeypatch.undo()  # the beat job renders the letter whose request never reached the broker
    assert services.rescue_stuck_letters() == 1
    letter.refresh_from_db()
    assert letter.status == "rendered"


def test_the_beat_job_leaves_recently_queued_letters_alone_and_renders_them_a_minute_later(
    client, officer, waiting, scene, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(render_letter_task, "delay", lambda *a, **k: None)  # queued, message lost
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(client, officer, waiting, scene)
    monkeypatch.undo()
    assert services.rescue_stuck_letters() == 0
    assert Letter.objects.get().status == "pending"
    later = timezone.now() + dt.timedelta(seconds=61)
    assert services.rescue_stuck_letters(now=later) == 1
    assert Letter.objects.get().status == "rendered"


def test_the_retry_command_renders_pending_letters_without_a_broker(
    client, officer, waiting, scene, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(
        render_letter_task, "delay", lambda *a, **k: (_ for _ in ()).throw(OperationalError("down"))
    )
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge(client, officer, waiting, scene)
    out = io.StringIO()
    call_command("render_letters", stdout=out)
    assert Letter.objects.get().status == "rendered"
    assert "成功 1 件" in out.getvalue()
