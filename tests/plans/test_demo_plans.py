"""seed_demo sets this year's and last year's plans for both committees and their children, each
through save_plan by the one who sets it (history names them), and the plan page reads them."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.county import AUDITOR, OFFICER_OF
from plans.models import Plan

pytestmark = pytest.mark.django_db


def test_demo_plans(client):
    call_command("seed_demo", "--allow-any-database", stdout=None)
    year = timezone.localdate().year
    plans = Plan.objects.filter(year=year).select_related("org")
    assert plans.count() == 8
    quotas = {p.org.code: p.quota for p in plans}
    assert (quotas["QX-CG"], quotas["QX-HK"], sum(quotas.values())) == (6, 4, 19)
    town = next(p for p in plans if p.org.code == "QX-CG")
    assert town.history.get().history_user.username == AUDITOR
    branch_plan = next(p for p in plans if p.org.parent_id == town.org_id and p.org.kind == "branch")
    assert branch_plan.history.get().history_user.username == OFFICER_OF["cg"]
    assert Plan.objects.filter(year=year - 1).count() == 8
    client.force_login(town.history.get().history_user)
    page = client.get(reverse("plans:detail", args=[town.org_id, year])).content.decode()
    assert "下级计划合计 5 名，本级计划 6 名（少 1 名）" in page
