"""发文字号: per committee, per year, increasing, never reused — whatever happens to the PDF."""

import datetime as dt

import pytest
from django.urls import reverse

from reviews import services
from reviews.models import Letter, LetterSerial
from reviews.queues import BY_SLUG
from reviews.selectors import queue_items

pytestmark = pytest.mark.django_db
FILING = BY_SLUG["activist_filing"]


def acknowledge_each(officer, scene, cases):
    """One receipt per decision date: each case acknowledged on its own day gets its own letter."""
    for i, case in enumerate(cases):
        item = queue_items(officer, FILING).get(case=case)
        on = scene.meeting_on(case, "activist_selection") + dt.timedelta(days=i + 1)
        services.decide_batch(queue=FILING, action="acknowledge", items=[item], actor=officer, on=on)


def test_the_serial_increments_per_committee_and_year(county, secretary, officer, crew, scene):
    cases = scene.new_cases(county, secretary, 3)
    for case in cases:
        scene.waiting_at_step(case, crew, "activist_filing")
    acknowledge_each(officer, scene, cases)
    year = dt.date.today().year
    assert list(Letter.objects.order_by("pk").values_list("number", flat=True)) == [
        f"城组〔{year}〕1号",
        f"城组〔{year}〕2号",
        f"城组〔{year}〕3号",
    ]
    assert LetterSerial.objects.get(org=county.town, year=year).last == 3
    assert services.next_serial(county.other_town, year) == 1  # another committee counts on its own


def test_regenerating_or_failing_never_changes_or_reuses_a_number(
    client, county, secretary, officer, crew, scene, monkeypatch, django_capture_on_commit_callbacks
):
    cases = scene.new_cases(county, secretary, 2)
    for case in cases:
        scene.waiting_at_step(case, crew, "activist_filing")
    monkeypatch.setattr("reviews.letters.render", lambda letter: (_ for _ in ()).throw(OSError("磁盘已满")))
    with django_capture_on_commit_callbacks(execute=True):
        acknowledge_each(officer, scene, cases[:1])
    failed = Letter.objects.get()
    assert failed.status == "pending" and "磁盘已满" in failed.error  # the task will retry
    monkeypatch.undo()

    with django_capture_on_commit_callbacks(execute=True):
        acknowledge_each(officer, scene, cases[1:])
    second = Letter.objects.exclude(pk=failed.pk).get()
    assert second.serial == failed.serial + 1  # the failed letter keeps its number; nothing is reused

    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:letter_regenerate", args=[failed.pk]))
    assert response.status_code == 302
    again = Letter.objects.get(pk=failed.pk)
    assert again.status == "rendered" and again.pdf
    assert (again.number, again.serial, again.code, again.title) == (
        failed.number,
        failed.serial,
        failed.code,
        failed.title,
    )

    sha = again.sha256
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:letter_regenerate", args=[again.pk]))
    regenerated = Letter.objects.get(pk=again.pk)
    assert (regenerated.number, regenerated.sha256) == (again.number, sha)
    assert LetterSerial.objects.get(org=county.town).last == 2


def test_only_a_committee_officer_may_regenerate(client, county, secretary, officer, crew, scene):
    [case] = scene.new_cases(county, secretary, 1)
    scene.waiting_at_step(case, crew, "activist_filing")
    acknowledge_each(officer, scene, [case])
    letter = Letter.objects.get()
    client.force_login(secretary)
    assert client.get(reverse("reviews:letter", args=[letter.pk])).status_code == 200
    assert client.post(reverse("reviews:letter_regenerate", args=[letter.pk])).status_code == 403
