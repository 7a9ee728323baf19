"""The personal iCalendar feed: a secret URL made and revoked on 我的提醒设置, no login, one all-day
VEVENT per open deadline in the user's scope with a stable UID; a revoked or wrong token is a 404."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from reminders.models import ReminderPreference
from tests import factories as f
from tests.reminders.conftest import make_deadline

pytestmark = pytest.mark.django_db
days = dt.timedelta


@pytest.fixture
def scene(county, secretary, outsider):
    today = timezone.localdate()
    mine = f.new_case(county.branch, secretary, applied_on=today - days(10))
    late = make_deadline(mine, due_on=today - days(3), key="late")
    theirs = f.new_case(county.other_branch, outsider, applied_on=today - days(10))
    make_deadline(theirs, due_on=today + days(2), key="theirs")
    return type("Scene", (), dict(mine=mine, late=late, theirs=theirs))


def turn_on(client, user) -> str:
    client.force_login(user)
    client.post(reverse("reminders:calendar_token"), {"action": "new"})
    token = ReminderPreference.objects.get(user=user).ical_token
    assert token
    return reverse("reminders:feed", args=[token])


def events(response):
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    return [c for c in Calendar.from_ical(response.content).walk("VEVENT")]


def test_the_feed_lists_the_users_open_deadlines_all_day_with_stable_uids(client, scene, secretary):
    url = turn_on(client, secretary)
    client.logout()  # a calendar application has no session
    [event] = events(client.get(url))
    assert event.decoded("dtstart") == scene.late.due_on  # a date: an all-day event
    assert event.decoded("dtend") == scene.late.due_on + days(1)
    assert scene.mine.person.name in str(event["summary"])
    assert str(event["url"]).endswith(f"{scene.mine.get_absolute_url()}#step-{scene.late.step}")
    [again] = events(client.get(url))
    assert str(again["uid"]) == str(event["uid"]) == f"deadline-{scene.late.pk}@127.0.0.1:8000"


def test_no_case_outside_the_users_scope_is_in_the_feed(client, scene, outsider, officer_b, reviewer):
    [event] = events(client.get(turn_on(client, outsider)))
    assert scene.theirs.person.name in str(event["summary"])
    for user in (officer_b, reviewer):
        assert events(client.get(turn_on(client, user))) == []


def test_a_met_deadline_leaves_the_feed(client, scene, secretary):
    url = turn_on(client, secretary)
    scene.late.met_on = timezone.localdate()
    scene.late.save()
    assert events(client.get(url)) == []


def test_a_new_token_revokes_the_old_url_and_revoke_turns_the_feed_off(client, scene, secretary):
    old = turn_on(client, secretary)
    new = turn_on(client, secretary)
    assert old != new
    assert client.get(old).status_code == 404
    assert client.get(new).status_code == 200
    page = client.get(reverse("reminders:settings")).content.decode()
    assert "http://testserver" + new in page
    client.post(reverse("reminders:calendar_token"), {"action": "revoke"})
    assert client.get(new).status_code == 404
    assert ReminderPreference.objects.get(user=secretary).ical_token is None


def test_a_wrong_token_or_an_inactive_user_is_a_404(client, scene, secretary):
    url = turn_on(client, secretary)
    client.logout()
    assert client.get(reverse("reminders:feed", args=["nope"])).status_code == 404
    secretary.is_active = False
    secretary.save(update_fields=["is_active"])
    assert client.get(url).status_code == 404


def test_a_token_of_another_shape_is_a_404_without_a_query(client, django_assert_num_queries):
    for hostile in ("%00", "a%00b", "x" * 65, "%E4%B8%AD", "a.b"):
        with django_assert_num_queries(0):
            assert client.get(f"/calendar/{hostile}.ics").status_code == 404


def test_the_settings_and_token_pages_need_a_login(client):
    assert client.get(reverse("reminders:settings")).status_code == 302
    assert client.post(reverse("reminders:calendar_token"), {"action": "new"}).status_code == 302
    assert client.get(reverse("reminders:list")).status_code == 302
