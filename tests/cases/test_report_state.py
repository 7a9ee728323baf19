"""The branch sees what became of its reports (cases.reports): 「待上级办理」 and where, or 「已退回」
with the reason — in the case list (column and filter), the 工作台's group 「被退回，待修改」 and the
case header; and each list offers 「办理」 only where the case waits on the user now
(permissions.acts_now), 「查看」 otherwise."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cases import reports, services, steps
from cases.models import Case
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db

REASON = "缺少团组织推优表，请补齐后重新报送"


def _activist(county, secretary, crew, applied_on=dt.date(2023, 2, 1)):
    case = f.new_case(county.branch_under_reviewer, secretary, applied_on=applied_on)
    return advance(case, crew, until="activist_selection")


@pytest.fixture
def reported(county, secretary_under_reviewer, general_crew):
    """A 社区二支部 case whose 积极分子备案 report waits at the 党总支."""
    case = _activist(county, secretary_under_reviewer, general_crew)
    on = case.activist_on + dt.timedelta(days=5)
    return services.submit(case=case, step_code="activist_filing", on=on, actor=secretary_under_reviewer)


@pytest.fixture
def returned(reported, reviewer):
    return services.return_submission(submission=reported, actor=reviewer, reason=REASON)


def _get(client, user, url):
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _row(html: str, name: str) -> str:
    """The list's row of the case of `name`."""
    match = re.search(rf"<tr>\s*<td[^>]*><a href=\"[^\"]+\">{name}</a>.*?</tr>", html, re.S)
    assert match, name
    return match.group(0)


def test_a_pending_report_shows_where_it_waits_and_the_branch_only_views(
    client, reported, secretary_under_reviewer, reviewer, auditor
):
    name = reported.case.person.name
    row = _row(_get(client, secretary_under_reviewer, reverse("cases:list")), name)
    assert "待上级办理" in row and "城关社区党总支" in row
    assert ">查看<" in row and ">办理<" not in row  # the committee's turn, not the branch's

    assert ">办理<" in _row(_get(client, reviewer, reverse("cases:list")), name)  # it waits with them
    assert ">查看<" in _row(_get(client, auditor, reverse("cases:list")), name)  # read-only role

    header = _get(client, secretary_under_reviewer, reported.case.get_absolute_url())
    kind = steps.get("activist_filing").name
    assert re.search(
        rf"待上级办理</span> 「{kind}」已于 \d{{4}}-\d\d-\d\d 报送，正在城关社区党总支办理", header
    )


def test_a_returned_report_shows_its_reason_everywhere_the_branch_looks(
    client, returned, secretary_under_reviewer
):
    case = returned.case
    name = case.person.name
    row = _row(_get(client, secretary_under_reviewer, reverse("cases:list")), name)
    assert "已退回" in row and REASON in row and "待上级办理" not in row
    assert ">办理<" in row  # the branch sends it again

    only_returned = _get(client, secretary_under_reviewer, reverse("cases:list") + "?report=returned")
    assert name in only_returned
    assert name not in _get(client, secretary_under_reviewer, reverse("cases:list") + "?report=pending")

    desk = _get(client, secretary_under_reviewer, reverse("cases:dashboard"))
    assert "被退回，待修改" in desk and name in desk and REASON in desk and "城关社区党总支" in desk

    header = _get(client, secretary_under_reviewer, case.get_absolute_url())
    head = header[header.index("person-header") : header.index("person-facts")]
    assert "已退回" in head and REASON in head


def test_sending_the_report_again_ends_the_return(client, returned, secretary_under_reviewer):
    case = returned.case
    services.submit(
        case=case,
        step_code="activist_filing",
        on=case.activist_on + dt.timedelta(days=9),
        actor=secretary_under_reviewer,
    )
    states = reports.report_states(list(case.submissions.select_related("at_org").order_by("-submitted_at")))
    assert [s.state for s in states] == [reports.PENDING]
    assert not reports.with_report(Case.objects.filter(pk=case.pk), reports.RETURNED).exists()
    assert reports.with_report(Case.objects.filter(pk=case.pk), reports.PENDING).exists()
    assert "被退回，待修改" not in _get(client, secretary_under_reviewer, reverse("cases:dashboard"))


def test_the_filter_and_the_rows_agree(county, secretary_under_reviewer, general_crew, reviewer):
    """The SQL filter (with_report) and the rows' states (report_states) say the same of each case."""
    plain = f.new_case(county.branch_under_reviewer, secretary_under_reviewer)
    cases = [
        _activist(county, secretary_under_reviewer, general_crew, dt.date(2023, 2, i)) for i in (1, 2, 3)
    ]
    subs = [
        services.submit(
            case=c,
            step_code="activist_filing",
            on=c.activist_on + dt.timedelta(days=5),
            actor=secretary_under_reviewer,
        )
        for c in cases
    ]
    services.return_submission(submission=subs[1], actor=reviewer, reason="理由一")
    services.return_submission(submission=subs[2], actor=reviewer, reason="理由二")
    services.submit(
        case=cases[2],
        step_code="activist_filing",
        on=cases[2].activist_on + dt.timedelta(days=8),
        actor=secretary_under_reviewer,
    )
    everyone = Case.objects.filter(pk__in=[plain.pk, *(c.pk for c in cases)])
    by_case = reports.submissions_by_case(everyone.values_list("pk", flat=True))
    for state in (reports.PENDING, reports.RETURNED):
        in_sql = set(reports.with_report(everyone, state).values_list("pk", flat=True))
        in_rows = {
            pk for pk, subs in by_case.items() if any(s.state == state for s in reports.report_states(subs))
        }
        assert in_sql == in_rows
    assert set(reports.with_report(everyone, reports.RETURNED).values_list("pk", flat=True)) == {cases[1].pk}


def test_an_unknown_report_filter_says_so_and_lists_nothing(client, returned, secretary_under_reviewer):
    client.force_login(secretary_under_reviewer)
    response = client.get(reverse("cases:list") + "?report=whatever")
    assert response.status_code == 200
    html = response.content.decode()
    assert "报送：没有这一项" in html and returned.case.person.name not in html


def test_another_branch_sees_neither_the_case_nor_its_return(client, returned, outsider, secretary):
    name = returned.case.person.name
    for user in (outsider, secretary):  # another township's branch; a sibling branch of the same town
        assert name not in _get(client, user, reverse("cases:list") + "?report=returned")
        assert name not in _get(client, user, reverse("cases:dashboard"))
        client.force_login(user)
        assert client.get(returned.case.get_absolute_url()).status_code == 404


def test_the_returned_group_does_not_grow_with_the_returns(
    client, county, secretary_under_reviewer, general_crew, reviewer, django_assert_max_num_queries
):
    def return_one(day):
        case = _activist(county, secretary_under_reviewer, general_crew, dt.date(2023, 3, day))
        sub = services.submit(
            case=case,
            step_code="activist_filing",
            on=case.activist_on + dt.timedelta(days=5),
            actor=secretary_under_reviewer,
        )
        services.return_submission(submission=sub, actor=reviewer, reason=f"理由{day}")

    return_one(1)
    client.force_login(secretary_under_reviewer)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    small = {url: count(url) for url in (reverse("cases:dashboard"), reverse("cases:list"))}
    for day in (2, 3, 4):
        return_one(day)
    for url, before in small.items():
        with django_assert_max_num_queries(before):
            client.get(url)


def _step_badge(html: str, code: str) -> str:
    """The badge of step `code` on the case page."""
    item = html[html.index(f'id="step-{code}"') :]
    return re.search(r'<span class="badge[^"]*">([^<]+)</span>', item).group(1)


def test_an_open_step_says_it_can_be_done_only_to_whoever_may_do_it_now(
    client, reported, secretary_under_reviewer, reviewer, officer
):
    url = reported.case.get_absolute_url()
    # 积极分子备案 is the committee's, and the report waits at the 党总支: nobody here records it yet
    assert _step_badge(_get(client, secretary_under_reviewer, url), "activist_filing") == "进行中"
    assert _step_badge(_get(client, officer, url), "activist_filing") == "进行中"
    services.forward(submission=reported, actor=reviewer, opinion="同意")
    assert _step_badge(_get(client, officer, url), "activist_filing") == "可办理"
    assert _step_badge(_get(client, secretary_under_reviewer, url), "activist_filing") == "进行中"
