"""The reminders in the app: the bell, the notifications page (filters, mark read, opening a notice
lands on the step), the 工作台's 已逾期 / 7 天内到期 lists — each scoped to what the user is told
about — and a met deadline's notices shown as done."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from branches.models import Role
from reminders.models import Notice
from reminders.services.sweep import sweep
from tests import factories as f
from tests.reminders.conftest import make_deadline

pytestmark = pytest.mark.django_db
days = dt.timedelta


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def scene(county, personas, today):
    """An overdue branch step in 城关一支部 (escalated to the town's officer) and one due in 3 days
    in 河口一支部 (the outsider's), swept today."""
    mine = f.new_case(county.branch, personas["secretary"], applied_on=today - days(200))
    late = make_deadline(mine, due_on=today - days(40), key="late")
    theirs = f.new_case(county.other_branch, personas["outsider"], applied_on=today - days(20))
    soon = make_deadline(theirs, due_on=today + days(3), key="soon")
    sweep(today)
    return type("Scene", (), dict(mine=mine, theirs=theirs, late=late, soon=soon))


def bell(client) -> str:
    html = client.get(reverse("cases:list")).content.decode()
    start = html.index('id="bell"')
    return html[start : html.index("</a>", start)]


def test_the_bell_shows_the_unread_count_on_every_page(client, scene, secretary):
    client.force_login(secretary)
    assert "1 条未读" in bell(client)
    Notice.objects.update(read_at=timezone.now())
    assert "无未读" in bell(client)


@pytest.mark.parametrize(
    ("who", "case_attr"),
    [("secretary", "mine"), ("officer", "mine"), ("outsider", "theirs")],
)
def test_each_user_is_listed_only_what_they_are_told_about(client, scene, personas, who, case_attr):
    client.force_login(personas[who])
    page = client.get(reverse("reminders:list"))
    listed = {n.deadline.case_id for n in page.context["page"]}
    assert listed == {getattr(scene, case_attr).pk}
    other = scene.theirs if case_attr == "mine" else scene.mine
    assert other.person.name not in page.content.decode()


@pytest.mark.parametrize("who", ["reviewer", "secretary_under_reviewer", "officer_b"])
def test_users_of_no_concern_see_no_notice(client, scene, personas, who):
    client.force_login(personas[who])
    page = client.get(reverse("reminders:list"))
    assert list(page.context["page"]) == []
    assert "没有提醒" in page.content.decode()


def test_the_filters_narrow_the_list(client, scene, officer, county, today):
    client.force_login(officer)

    def kinds(**params):
        page = client.get(reverse("reminders:list"), params)
        assert page.status_code == 200
        return sorted(n.threshold for n in page.context["page"])

    assert kinds() == ["escalated_committee"]
    assert kinds(kind="overdue") == []
    assert kinds(kind="escalated_committee", unread="on") == ["escalated_committee"]
    assert kinds(org=county.branch.pk) == ["escalated_committee"]
    assert kinds(due_from=(today - days(39)).isoformat()) == []
    assert kinds(due_to=(today - days(40)).isoformat()) == ["escalated_committee"]
    Notice.objects.update(read_at=timezone.now())
    assert kinds(unread="on") == []


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"due_from": "2026-13-01"}, "日期格式不正确"),
        ({"kind": "nonsense"}, "提醒类型不正确"),
        ({"org": "99999"}, "请从列表中选择组织"),
        ({"due_from": "2026-05-02", "due_to": "2026-05-01"}, "结束日期不能早于开始日期"),
    ],
)
def test_bad_filters_say_why_in_chinese(client, scene, secretary, params, message):
    client.force_login(secretary)
    page = client.get(reverse("reminders:list"), params)
    assert page.status_code == 200
    assert message in page.content.decode()


def test_the_htmx_filter_answers_with_the_rows_only(client, scene, secretary):
    client.force_login(secretary)
    page = client.get(reverse("reminders:list"), {"unread": "on"}, headers={"HX-Request": "true"})
    html = page.content.decode()
    assert html.lstrip().startswith('<div id="notice-rows">') and "<html" not in html
    assert page["Vary"] and "HX-Request" in page["Vary"]


def test_opening_a_notice_reads_it_and_lands_on_the_step(client, scene, secretary):
    client.force_login(secretary)
    notice = Notice.objects.get(recipient=secretary)
    response = client.get(reverse("reminders:open", args=[notice.pk]))
    assert response.status_code == 302
    assert response["Location"] == f"{scene.mine.get_absolute_url()}#step-{scene.late.step}"
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_another_users_notice_is_a_404_to_open_or_mark(client, scene, secretary, outsider):
    theirs = Notice.objects.get(recipient=outsider)
    client.force_login(secretary)
    assert client.get(reverse("reminders:open", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("reminders:read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_read_and_mark_all_read_are_posts(client, scene, officer, secretary):
    client.force_login(officer)
    notice = Notice.objects.get(recipient=officer)
    assert client.get(reverse("reminders:read", args=[notice.pk])).status_code == 405
    response = client.post(reverse("reminders:read", args=[notice.pk]), headers={"HX-Request": "true"})
    assert response.status_code == 200 and response["HX-Redirect"].startswith(reverse("reminders:list"))
    notice.refresh_from_db()
    assert notice.read_at is not None
    client.force_login(secretary)
    client.post(reverse("reminders:read_all"))
    assert not Notice.objects.filter(recipient=secretary, read_at__isnull=True).exists()
    assert Notice.objects.filter(recipient__username="outsider", read_at__isnull=True).count() == 1


def test_a_met_deadline_shows_its_notices_as_done_and_stops_them(client, scene, secretary, today):
    scene.late.met_on = today
    scene.late.save()
    client.force_login(secretary)
    html = client.get(reverse("reminders:list")).content.decode()
    assert "已办结" in html
    assert sweep(today + days(60)).counts.get("escalated_department") == 0
    dashboard = client.get(reverse("cases:dashboard"))
    assert list(dashboard.context["overdue"]) == []


def test_the_dashboard_opens_with_overdue_and_due_within_seven_days(client, scene, personas):
    client.force_login(personas["secretary"])
    page = client.get(reverse("cases:dashboard"))
    html = page.content.decode()
    assert html.index("已逾期") < html.index("7 天内到期") < html.index("申请人")  # before the stage counts
    assert [d.pk for d in page.context["overdue"]] == [scene.late.pk]
    assert list(page.context["due_soon"]) == []
    client.force_login(personas["outsider"])
    page = client.get(reverse("cases:dashboard"))
    assert list(page.context["overdue"]) == [] and [d.pk for d in page.context["due_soon"]] == [scene.soon.pk]
    client.force_login(personas["auditor"])  # told of nothing yet (90 days): nothing listed
    page = client.get(reverse("cases:dashboard"))
    assert list(page.context["overdue"]) == list(page.context["due_soon"]) == []


def test_the_dashboard_lists_an_escalation_to_the_officer(client, scene, officer):
    client.force_login(officer)
    page = client.get(reverse("cases:dashboard"))
    assert [d.pk for d in page.context["overdue"]] == [scene.late.pk]


def test_a_committee_deadline_is_listed_to_its_officers_before_any_notice(
    client, case, county, officer, today
):
    deadline = make_deadline(case, due_on=today + days(5), role=Role.COMMITTEE_OFFICER, org=county.town)
    client.force_login(officer)
    page = client.get(reverse("cases:dashboard"))
    assert [d.pk for d in page.context["due_soon"]] == [deadline.pk]


def test_the_bell_and_the_notifications_page_run_a_constant_number_of_queries(
    client, county, secretary, today, django_assert_max_num_queries
):
    client.force_login(secretary)

    def measure(url) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    url = reverse("reminders:list")
    cases = [f.new_case(county.branch, secretary, applied_on=today - days(100 + i)) for i in range(2)]
    sweep(today)
    small = (measure(url), measure(reverse("cases:list")))
    for i in range(25):
        f.new_case(county.branch, secretary, applied_on=today - days(60 + i))
    sweep(today)
    assert Notice.objects.filter(recipient=secretary).count() > 20 > len(cases)
    assert (measure(url), measure(reverse("cases:list"))) == small
    with django_assert_max_num_queries(10):
        client.get(url)
