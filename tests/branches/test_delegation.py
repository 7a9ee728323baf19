"""代理: an officer's role held by another user from a date to a date. In the period the delegate
acts exactly as the role allows there, every event says 「代某某办理」; a day after it, or once ended
early, the delegate is refused; a delegate cannot delegate further; every change is sealed history."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from branches import services
from branches.models import Delegation, Role
from branches.permissions import (
    acting_grant_for,
    forget_cached_grants,
    grant_row,
    grant_rows,
    holders,
    role_grants,
)
from branches.selectors import organizations_under
from cases import permissions
from cases.models import CaseEvent
from tests import factories as f

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
DAY = dt.timedelta(days=1)


@pytest.fixture
def deputy(county):
    return f.user("deputy", first_name="王代理")


def _period(secretary, deputy, county, starts_on, ends_on) -> Delegation:
    return f.delegation(secretary, deputy, county.branch, starts_on, ends_on)


def _delegate(secretary, deputy, county, **change) -> Delegation:
    """Through the service, as the secretary: today for ten days unless changed."""
    given = {
        "delegator": secretary,
        "delegate": deputy,
        "role": Role.BRANCH_SECRETARY,
        "org": county.branch,
        "starts_on": TODAY,
        "ends_on": TODAY + 10 * DAY,
        "reason": "外出学习",
        "actor": secretary,
    }
    return services.delegate_role(**{**given, **change})


def test_the_last_day_of_the_period_is_allowed_and_the_event_says_for_whom(county, secretary, deputy):
    _period(secretary, deputy, county, TODAY - 5 * DAY, TODAY)
    case = f.new_case(county.branch, deputy)
    event = CaseEvent.objects.filter(case=case, kind="step").get()
    assert event.actor == deputy
    assert event.acting_for == "李书记"
    assert event.role_text == "党支部书记/组织委员（代李书记办理）"


def test_an_act_a_day_after_the_period_is_refused(county, secretary, deputy):
    _period(secretary, deputy, county, TODAY - 5 * DAY, TODAY - DAY)
    assert role_grants(deputy) == []
    with pytest.raises(PermissionDenied):
        f.new_case(county.branch, deputy)


def test_a_period_not_yet_begun_grants_nothing(county, secretary, deputy):
    _delegate(secretary, deputy, county, starts_on=TODAY + DAY, ends_on=TODAY + 3 * DAY)
    assert not permissions.opening_answer(deputy, county.branch)


def test_the_delegate_acts_exactly_in_the_role_and_place(county, secretary, deputy):
    _period(secretary, deputy, county, TODAY, TODAY)
    grant = acting_grant_for(deputy, county.branch, (Role.BRANCH_SECRETARY,))
    assert grant.delegated and grant.org == county.branch and grant.acting_for == "李书记"
    assert acting_grant_for(deputy, county.other_branch, (Role.BRANCH_SECRETARY,)) is None
    assert acting_grant_for(deputy, county.branch, (Role.COMMITTEE_OFFICER,)) is None
    assert (Role.BRANCH_SECRETARY, county.branch.pk, deputy.pk) in holders()  # reminders reach them


def test_ended_early_the_delegate_is_refused_and_history_says_why(county, secretary, deputy):
    d = _delegate(secretary, deputy, county)
    assert permissions.opening_answer(deputy, county.branch)
    services.end_delegation(delegation=d, actor=secretary, reason="提前返岗")
    forget_cached_grants(deputy)
    assert not permissions.opening_answer(deputy, county.branch)
    history = list(d.history.order_by("history_id").values_list("history_type", "history_change_reason"))
    assert history == [("+", "外出学习"), ("~", "提前返岗")]
    with pytest.raises(ValidationError):
        services.end_delegation(delegation=d, actor=secretary, reason="再次")


def test_a_delegate_cannot_delegate_further(county, secretary, deputy):
    _period(secretary, deputy, county, TODAY, TODAY + DAY)
    third = f.user("third")
    answer = permissions.delegation_answer(deputy, Role.BRANCH_SECRETARY, county.branch)
    assert not answer and "代理人不能再委托" in answer.reason
    with pytest.raises(ValidationError, match="代理人不能再委托"):
        _delegate(deputy, third, county)


def test_a_delegated_auditor_does_not_keep_roles(county, auditor, deputy):
    f.delegation(auditor, deputy, county.dept, TODAY, TODAY, role=Role.DEPARTMENT_AUDITOR)
    assert not permissions.role_admin_answer(deputy, county.branch)
    with pytest.raises(PermissionDenied):
        services.grant_role(
            user=deputy, role=Role.BRANCH_SECRETARY, org=county.branch, actor=deputy, reason="x"
        )


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"reason": "  "}, "请填写理由"),
        ({"ends_on": TODAY - DAY, "starts_on": TODAY}, "结束日期不能早于"),
        ({"starts_on": TODAY - DAY}, "开始日期不能早于今天"),
        ({"org": "other_branch"}, "没有此角色"),
    ],
)
def test_bad_delegations_are_refused_with_a_reason(county, secretary, deputy, change, message):
    if change.get("org"):
        change = {"org": getattr(county, change["org"])}
    with pytest.raises(ValidationError, match=message):
        _delegate(secretary, deputy, county, **change)
    assert not Delegation.objects.exists()


def test_revoking_the_role_ends_its_delegations(county, secretary, deputy, auditor):
    d = _delegate(secretary, deputy, county)
    everywhere = organizations_under(None)
    row = grant_rows(everywhere, users=[secretary])[0]
    services.revoke_role(grant=grant_row(row.pk, everywhere), actor=auditor, reason="调离")
    d.refresh_from_db()
    assert d.ended_at is not None and "调离" in d.end_reason
    forget_cached_grants(deputy)
    forget_cached_grants(secretary)
    assert role_grants(deputy) == [] and role_grants(secretary) == []
