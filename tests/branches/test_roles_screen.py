"""The role screen: the department keeps the roles of its county (a system administrator everywhere),
every other role gets 403 and what lies outside the county 404; grant and revoke each need a reason
and leave sealed history; a user's page lists their grants; an officer delegates on their own page;
the case history and the audit browser say 「代某某办理」."""

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone

from branches import services
from branches.models import Delegation, OrgKind, Role
from branches.permissions import forget_cached_grants, grant_rows, role_grants
from branches.selectors import organizations_under
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def other_county(db):
    dept = f.org("邻县委组织部", OrgKind.DEPARTMENT, code="DEPT2")
    town = f.org("邻县镇党委", OrgKind.COMMITTEE, dept, can_approve=True, code="LX")
    branch = f.org("邻县第一党支部", OrgKind.BRANCH, town, code="LX01")
    stranger = f.user("stranger", Role.BRANCH_SECRETARY, branch, first_name="冯书记")
    return type("Other", (), dict(dept=dept, town=town, branch=branch, stranger=stranger))


@pytest.fixture
def admin(db):
    return get_user_model().objects.create_superuser("root", password="pw-123456")


def _table(response) -> str:
    """The grants table of the role screen (the grant form's user choices left out)."""
    page = response.content.decode()
    return page[page.index('id="grants-h"') : page.index('id="grant-h"')]


def _grant_of(user):
    return grant_rows(organizations_under(None), users=[user])[0]


@pytest.mark.parametrize("persona", ["secretary", "reviewer", "officer", "outsider"])
def test_other_roles_are_refused_the_screen(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("roles:index")).status_code == 403
    assert client.get(reverse("roles:user", args=[personas["secretary"].pk])).status_code == 403
    assert (
        client.post(
            reverse("roles:revoke", args=[_grant_of(personas["secretary"]).pk]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_the_department_sees_its_county_only(client, personas, other_county):
    client.force_login(personas["auditor"])
    page = client.get(reverse("roles:index")).content.decode()
    assert "李书记" in page and "周组织委员" in page
    assert "冯书记" not in page and "邻县第一党支部" not in page  # neither listed nor offered
    assert client.get(reverse("roles:user", args=[other_county.stranger.pk])).status_code == 404
    stranger_grant = _grant_of(other_county.stranger)
    assert client.post(reverse("roles:revoke", args=[stranger_grant.pk]), {"reason": "x"}).status_code == 404
    assert role_grants(other_county.stranger)


def test_a_system_administrator_sees_everywhere(client, personas, other_county, admin):
    client.force_login(admin)
    page = client.get(reverse("roles:index")).content.decode()
    assert "李书记" in page and "冯书记" in page


def test_search_by_user_organization_subtree_and_role(client, personas, county):
    client.force_login(personas["auditor"])
    url = reverse("roles:index")
    by_name = _table(client.get(url, {"q": "孙"}))
    assert "孙组织委员" in by_name and "李书记" not in by_name
    under_town = _table(client.get(url, {"org": county.town.pk}))
    assert "李书记" in under_town and "钱委员" in under_town and "周组织委员" not in under_town
    by_role = _table(client.get(url, {"role": Role.REVIEWER}))
    assert "钱委员" in by_role and "李书记" not in by_role


def test_grant_needs_a_reason_and_is_history(client, personas, county):
    newcomer = f.user("newcomer", first_name="新书记")
    client.force_login(personas["auditor"])
    data = {"user": newcomer.pk, "role": Role.BRANCH_SECRETARY, "org": county.branch.pk, "reason": ""}
    refused = client.post(reverse("roles:index"), data)
    assert refused.status_code == 200 and "请填写授权理由" in refused.content.decode()
    assert role_grants(newcomer) == []
    assert client.post(reverse("roles:index"), {**data, "reason": "换届选举"}).status_code == 302
    forget_cached_grants(newcomer)
    assert [(g.role, g.org) for g in role_grants(newcomer)] == [(Role.BRANCH_SECRETARY, county.branch)]
    wrong_kind = client.post(reverse("roles:index"), {**data, "org": county.town.pk, "reason": "误选"})
    assert "不能设在" in wrong_kind.content.decode()
    audit = client.get(reverse("audit:tab", args=["config"]), {"kind": "grant"}).content.decode()
    assert "授予新书记「党支部书记/组织委员」角色（城关镇第一党支部）；理由：换届选举" in audit


def test_revoke_needs_a_reason_and_is_history(client, personas):
    secretary = personas["secretary"]
    grant = _grant_of(secretary)
    client.force_login(personas["auditor"])
    client.post(reverse("roles:revoke", args=[grant.pk]), {"reason": ""})
    assert grant_rows(organizations_under(None), users=[secretary])
    client.post(reverse("roles:revoke", args=[grant.pk]), {"reason": "调离"})
    assert grant_rows(organizations_under(None), users=[secretary]) == []
    audit = client.get(reverse("audit:tab", args=["config"]), {"kind": "grant"}).content.decode()
    assert "撤销李书记「党支部书记/组织委员」角色（城关镇第一党支部）；理由：调离" in audit


def test_a_users_page_lists_their_grants(client, personas, county):
    officer = personas["officer"]
    f.user("x", first_name="某人")  # noise
    services.grant_role(user=officer, role=Role.REVIEWER, org=county.general)
    client.force_login(personas["auditor"])
    page = client.get(reverse("roles:user", args=[officer.pk])).content.decode()
    assert "党委组织委员/组织员" in page and "城关镇党委" in page and "城关社区党总支" in page


def test_the_screen_costs_the_same_queries_however_many_grants(
    client, personas, county, django_assert_max_num_queries
):
    client.force_login(personas["auditor"])
    client.get(reverse("roles:index"))  # warm caches (content types, session)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("roles:index"))
    for i in range(25):
        f.user(f"many{i}", Role.BRANCH_SECRETARY, county.branch)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("roles:index")).status_code == 200


def test_an_officer_delegates_on_their_page_and_ends_it_early(client, personas, county):
    deputy = f.user("deputy", first_name="王代理")
    client.force_login(personas["secretary"])
    page = client.get(reverse("roles:mine"))
    assert page.status_code == 200
    grant_key = f"{Role.BRANCH_SECRETARY.value}:{county.branch.pk}"
    data = {
        "grant": grant_key,
        "delegate": deputy.pk,
        "starts_on": TODAY.isoformat(),
        "ends_on": (TODAY + dt.timedelta(days=7)).isoformat(),
        "reason": "外出学习",
    }
    bad = client.post(reverse("roles:mine"), {**data, "ends_on": (TODAY - dt.timedelta(days=1)).isoformat()})
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()
    assert client.post(reverse("roles:mine"), data).status_code == 302
    delegation = Delegation.objects.get()
    client.force_login(deputy)
    mine = client.get(reverse("roles:mine")).content.decode()
    assert "（代李书记）" in mine and "新建案例" in mine
    client.force_login(personas["outsider"])
    assert (
        client.post(reverse("roles:end_delegation", args=[delegation.pk]), {"reason": "x"}).status_code == 404
    )
    client.force_login(personas["secretary"])
    client.post(reverse("roles:end_delegation", args=[delegation.pk]), {"reason": "提前返岗"})
    delegation.refresh_from_db()
    assert delegation.ended_at is not None


def test_the_case_history_and_the_audit_say_who_acted_for_whom(client, personas, county):
    secretary, deputy = personas["secretary"], f.user("deputy", first_name="王代理")
    f.delegation(secretary, deputy, county.branch, TODAY, TODAY)
    case = f.new_case(county.branch, deputy)
    client.force_login(secretary)
    assert "王代理（代李书记办理）" in client.get(reverse("cases:detail", args=[case.pk])).content.decode()
    client.force_login(personas["auditor"])
    events = client.get(reverse("audit:tab", args=["events"])).content.decode()
    assert "党支部书记/组织委员（代李书记办理）" in events
    config = client.get(reverse("audit:tab", args=["config"]), {"kind": "delegation"}).content.decode()
    assert "王代理 代 李书记（城关镇第一党支部）" in config


def test_bad_filters_and_pages_are_no_error(client, personas):
    client.force_login(personas["auditor"])
    response = client.get(reverse("roles:index"), {"org": "abc", "role": "boss", "page": "x"})
    assert response.status_code == 200 and "李书记" in _table(response)


def test_the_delegate_sees_the_branchs_cases_only_in_the_period(client, personas, county):
    secretary, deputy = personas["secretary"], f.user("deputy", first_name="王代理")
    case = f.new_case(county.branch, secretary)
    delegation = f.delegation(secretary, deputy, county.branch, TODAY, TODAY)
    client.force_login(deputy)
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 200
    services.end_delegation(delegation=delegation, actor=secretary, reason="返岗")
    assert client.get(reverse("cases:detail", args=[case.pk])).status_code == 404
