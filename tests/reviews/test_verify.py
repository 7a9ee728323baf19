"""The public verification page: genuine, not found, and what changed since the letter."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import StepRecord
from reviews import services
from reviews.models import Letter
from reviews.queues import BY_SLUG
from reviews.selectors import queue_items

pytestmark = pytest.mark.django_db


@pytest.fixture
def letter(county, secretary, officer, crew, scene, django_capture_on_commit_callbacks):
    cases = scene.new_cases(county, secretary, 2, names=["张三", "李四"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    queue = BY_SLUG["admission_approval"]
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)
    with django_capture_on_commit_callbacks(execute=True):
        services.decide_batch(
            queue=queue,
            action="approve",
            items=list(queue_items(officer, queue)),
            actor=officer,
            new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=7),
        )
    return Letter.objects.get()


def test_a_stored_letter_is_genuine_without_logging_in(client, letter):
    response = client.get(reverse("reviews:verify", args=[letter.code]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "真实有效" in page and letter.number in page and letter.title in page
    assert "张三" in page and "李四" in page and "接收为中国共产党预备党员" in page
    assert "均未发生变化" in page and "SHA-256 与登记值一致" in page
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    # Typed by hand, with a dash and in lower case, the short code finds it too.
    typed = client.get(reverse("reviews:verify_lookup"), {"code": letter.display_code.lower()}, follow=True)
    assert "真实有效" in typed.content.decode()


def test_a_forged_code_is_not_found(client, letter):
    response = client.get(reverse("reviews:verify", args=["ABCDE23456"]))
    assert response.status_code == 404
    assert "未找到该发文" in response.content.decode() and "真实有效" not in response.content.decode()


def test_it_says_what_changed_since_the_letter(client, letter):
    entry = letter.entries.get(name="张三")
    # Tampering below the write path (e.g. directly in the database) is what this must reveal.
    StepRecord.objects.filter(case=entry.case, step="admission_meeting").update(on=dt.date(2025, 1, 1))
    page = client.get(reverse("reviews:verify", args=[letter.code])).content.decode()
    assert "部分记录发生了变化" in page and "支部大会讨论接收」日期由" in page


def test_it_says_when_the_stored_pdf_was_altered(client, letter):
    with open(letter.pdf.path, "ab") as handle:
        handle.write(b"%tampered")
    page = client.get(reverse("reviews:verify", args=[letter.code])).content.decode()
    assert "存档PDF与登记的 SHA-256 不一致" in page


def test_the_page_costs_the_same_queries_for_any_number_of_people(
    client, letter, django_assert_max_num_queries
):
    # letter, its entries, their records, their votes (two people here; a letter may list fifty)
    with django_assert_max_num_queries(4):
        response = client.get(reverse("reviews:verify", args=[letter.code]))
    assert "张三" in response.content.decode() and "李四" in response.content.decode()
