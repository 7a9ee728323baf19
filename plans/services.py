"""The one write of a plan: set (or change) an organization's plan for a year. Every change leaves a
history row with who made it (simple-history), shown on the plan page."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from branches.models import Organization
from cases.counting import MEASURES
from cases.permissions import plan_answer
from plans.models import Plan

# What a plan holds besides its organization and year (the form's fields, in its order).
PLAN_FIELDS = tuple(f.name for f in Plan._meta.fields if f.name not in ("id", "org", "year"))


@transaction.atomic
def save_plan(*, org: Organization, year: int, values: dict, actor) -> Plan:
    """Create or change `org`'s plan for `year` with `values` (validated by plans.forms.PlanForm).
    Refused (PermissionDenied) unless the actor may set this organization's plan."""
    if not plan_answer(actor, org):
        raise PermissionDenied
    plan = Plan.objects.select_for_update().filter(org=org, year=year).first()
    created = plan is None
    if created:
        plan = Plan(org=org, year=year)
    changed = [name for name in PLAN_FIELDS if name in values and getattr(plan, name) != values[name]]
    if not created and not changed:
        return plan
    for name in PLAN_FIELDS:
        if name in values:
            setattr(plan, name, values[name])
    for measure in MEASURES:
        if not getattr(plan, f"{measure.key}_mode"):
            setattr(plan, f"{measure.key}_percent", None)  # an unset target keeps no share
    plan.full_clean()
    plan._history_user = actor
    plan._change_reason = "制定计划" if created else "修改计划"
    plan.save()
    return plan
