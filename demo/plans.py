"""The demo county's yearly plans (发展党员计划), set through plans.services.save_plan by those who
set them in practice: the department for each 乡镇党委, each committee's officer for the
organizations directly below it. 城关镇's children add up to one fewer than its own plan on purpose,
so the plan page shows a roll-up that does not add up."""

from django.utils import timezone

from demo.county import AUDITOR, OFFICER_OF
from plans.services import save_plan

# The committee's own plan: (quota, targets) — each target (mode, percent) as in the seeds'
# "35岁以下…70%以上", "妇女…40%以上", "…一线的要占30%左右".
COMMITTEE_PLANS = {
    "cg": dict(
        quota=6,
        youth_mode="at_least",
        youth_percent=70,
        women_mode="at_least",
        women_percent=40,
        college_mode="about",
        college_percent=60,
        frontline_mode="about",
        frontline_percent=30,
        note="根据实际，发展数可在计划的10%上下浮动。",
    ),
    "hk": dict(
        quota=4,
        youth_mode="at_least",
        youth_percent=70,
        women_mode="at_least",
        women_percent=40,
        frontline_mode="at_least",
        frontline_percent=30,
        minority_mode="about",
        minority_percent=10,
    ),
}
# The organizations directly below each committee: quota and, where set, a youth target.
CHILD_PLANS = {
    "cg": {"cg1": 1, "cg2": 2, "cg3": 1, "cd": 1},  # 5 against 城关镇's 6
    "hk": {"hk1": 2, "lsw": 2},
}


def build_plans(orgs: dict, users: dict) -> int:
    """This year's plans and last year's, for both committees and their children. Returns how
    many plans were set."""
    year = timezone.localdate().year
    made = 0
    for y in (year - 1, year):
        for committee, values in COMMITTEE_PLANS.items():
            save_plan(org=orgs[committee], year=y, values=values, actor=users[AUDITOR])
            officer = users[OFFICER_OF[committee]]
            for child, quota in CHILD_PLANS[committee].items():
                child_values = dict(quota=quota, youth_mode="at_least", youth_percent=70)
                save_plan(org=orgs[child], year=y, values=child_values, actor=officer)
            made += 1 + len(CHILD_PLANS[committee])
    return made
