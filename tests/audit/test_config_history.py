"""Configuration is history too: role grants and revocations, organization changes, holiday
overrides and rule settings each leave a sealed row saying what changed, who changed it and when."""

import datetime as dt

import pytest
from guardian.models import UserObjectPermission

from audit.verify import verify_audit
from branches.models import Role
from branches.services import grant_role
from cases.models import Holiday, RuleSettings

pytestmark = pytest.mark.django_db


def test_a_role_grant_and_its_revocation_are_recorded(county, outsider):
    grant_role(user=outsider, role=Role.BRANCH_SECRETARY, org=county.branch)
    grant = UserObjectPermission.objects.filter(user=outsider, object_pk=str(county.branch.pk)).latest("pk")
    grant.delete()
    rows = UserObjectPermission.history.filter(user=outsider, object_pk=str(county.branch.pk))
    assert [r.history_type for r in rows.order_by("history_date")][-2:] == ["+", "-"]
    assert all(r.seal for r in rows)
    assert verify_audit().ok


def test_an_organization_move_and_rename_are_recorded_with_who(county, django_user_model):
    admin = django_user_model.objects.create_superuser("root", password="x" * 12)
    branch = county.branch
    branch.name, branch.can_approve, branch._history_user = "新名称党支部", True, admin
    branch.save()
    latest = branch.history.latest("history_date")
    assert (latest.name, latest.can_approve, latest.history_user) == ("新名称党支部", True, admin)
    assert verify_audit().ok


def test_holidays_and_rule_settings_are_recorded(admin_client):
    admin_client.post(
        "/admin/cases/holiday/add/", {"date": "2031-10-01", "is_workday": "", "name": "国庆节"}, follow=True
    )
    holiday = Holiday.objects.get(date=dt.date(2031, 10, 1))
    assert holiday.history.get().history_user.is_superuser
    settings_row = RuleSettings.objects.first() or RuleSettings.objects.create()
    settings_row.rules_2026_confirmed = True
    settings_row.save()
    assert settings_row.history.latest("history_date").rules_2026_confirmed is True
    assert verify_audit().ok
