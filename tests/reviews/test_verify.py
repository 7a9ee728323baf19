"""The public verification page: genuine, not found, whether anything changed since the letter —
showing only what the letter showed when issued — and a limit on how often one address may ask."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Person, StepRecord
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
            items=(queued := list(queue_items(officer, queue))),
            actor=officer,
            new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=7),
            votes=scene.tallies(queued, 7),
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


def test_it_says_that_a_record_changed_since_the_letter_but_not_what_it_is_now(client, letter):
    entry = letter.entries.get(name="张三")
    # Tampering below the write path (e.g. directly in the database) is what this must reveal.
    StepRecord.objects.filter(case=entry.case, step="admission_meeting").update(on=dt.date(2025, 1, 1))
    page = client.get(reverse("reviews:verify", args=[letter.code])).content.decode()
    assert "部分记录发生了变化" in page and page.count("有变化，请向发文机关核实") == 1
    assert "2025-01-01" not in page and "2025年1月1日" not in page


def test_a_rename_after_issuing_shows_the_name_as_printed_and_never_the_new_one(client, letter):
    entry = letter.entries.get(name="张三")
    Person.objects.filter(pk=entry.case.person_id).update(name="张三丰")
    page = client.get(reverse("reviews:verify", args=[letter.code])).content.decode()
    assert "张三丰" not in page
    assert "<td>张三</td>" in page and "有变化，请向发文机关核实" in page


def test_one_address_is_answered_a_limited_number_of_times_then_told_in_chinese(client, letter, settings):
    settings.VERIFY_RATE_LIMIT = "3/h"
    url = reverse("reviews:verify", args=[letter.code])
    pages = [client.get(url, REMOTE_ADDR="203.0.113.7") for _ in range(3)]
    assert [p.status_code for p in pages] == [200, 200, 200]
    # The lookup form shares the budget: a fourth request from that address, to either page, is refused.
    for refused in (
        client.get(url, REMOTE_ADDR="203.0.113.7"),
        client.get(reverse("reviews:verify_lookup"), REMOTE_ADDR="203.0.113.7"),
    ):
        assert refused.status_code == 429 and refused["Retry-After"] == "60"
        body = refused.content.decode()
        assert "操作过于频繁" in body and "真实有效" not in body and letter.number not in body
    assert client.get(url, REMOTE_ADDR="203.0.113.8").status_code == 200  # another address is not held up


def test_guessed_codes_count_against_the_limit_too(client, letter, settings):
    settings.VERIFY_RATE_LIMIT = "2/h"
    guesses = [client.get(reverse("reviews:verify", args=[f"ABCDE2345{i}"])).status_code for i in range(3)]
    assert guesses == [404, 404, 429]
    assert client.get(reverse("reviews:verify", args=[letter.code])).status_code == 429


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
