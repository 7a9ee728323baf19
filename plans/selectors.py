"""Reads for the plan pages, scoped to a user: which organizations' plans they see, and everything
one organization's plan page (and its export) shows, in a constant number of queries."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from branches.models import Organization, OrgKind
from branches.selectors import organizations_visible_to
from cases import counting, tallies
from cases.context import RuleContext
from plans import progress
from plans.models import Plan


def plan_orgs_visible_to(user):
    """The organizations whose plan pages the user may read (党小组 have no plan)."""
    return organizations_visible_to(user).exclude(kind=OrgKind.GROUP).select_related("parent")


def plan_history(plan: Plan | None) -> list[dict]:
    """Who changed what and when, newest first: each version with its changes against the one
    before (field label, old, new). One query."""
    if plan is None:
        return []
    versions = list(plan.history.select_related("history_user").order_by("history_date", "history_id"))
    fields = [f for f in Plan._meta.fields if f.name not in ("id", "org", "year")]
    entries, previous = [], None
    for version in versions:
        changes = []
        for f in fields:
            new = getattr(version, f.attname)
            old = getattr(previous, f.attname) if previous is not None else None
            if previous is None and new in (None, ""):
                continue
            if previous is None or old != new:
                changes.append((f.verbose_name, _shown(f, old), _shown(f, new)))
        entries.append({"version": version, "changes": changes, "created": previous is None})
        previous = version
    return list(reversed(entries))


def _shown(f, value) -> str:
    if value in (None, ""):
        return "—"
    if f.choices:
        return str(dict(f.choices).get(value, value))
    return str(value)


@dataclass
class Row:
    """One organization below the page's: its plan and its figures."""

    org: Organization
    plan: Plan | None
    admissions: int
    projected: int
    activists: int
    new_activists: int

    @property
    def quota(self) -> progress.QuotaResult | None:
        if self.plan is None:
            return None
        return progress.QuotaResult(self.plan.quota, self.plan.float_percent, self.admissions)


@dataclass
class BranchShortfall:
    branch: Organization
    admissions: int
    new_activists: int
    reasons: list[str]


@dataclass
class PlanProgress:
    org: Organization
    year: int
    as_of: dt.date  # the day the activists are counted on
    plan: Plan | None
    admitted: int  # the year's admissions (up to as_of: none is dated later)
    targets: list[progress.TargetResult]
    activists: int
    new_activists: int
    projected: list[counting.Projected] | None  # None: not the current year
    rows: list[Row]
    rollup: progress.Rollup
    shortfalls: list[BranchShortfall]
    history: list[dict] = field(default_factory=list)

    @property
    def quota(self) -> progress.QuotaResult | None:
        if self.plan is None:
            return None
        return progress.QuotaResult(self.plan.quota, self.plan.float_percent, self.admitted)

    @property
    def will_be_approved(self) -> list[counting.Projected]:
        return [p for p in self.projected or [] if not p.blocked]

    @property
    def blocked(self) -> list[counting.Projected]:
        return [p for p in self.projected or [] if p.blocked]

    @property
    def projected_quota(self) -> progress.QuotaResult | None:
        if self.plan is None or self.projected is None:
            return None
        total = self.admitted + len(self.will_be_approved)
        return progress.QuotaResult(self.plan.quota, self.plan.float_percent, total)

    @property
    def activists_needed(self) -> int | None:
        return None if self.plan is None else self.plan.quota * self.plan.activists_per_admission

    @property
    def activists_enough(self) -> bool | None:
        needed = self.activists_needed
        return None if needed is None else self.activists >= needed


def plan_progress(org: Organization, year: int, rules: RuleContext | None = None) -> PlanProgress:
    """Everything the plan page of `org` for `year` shows (org fetched through the user's scope)."""
    rules = rules or RuleContext.current()
    as_of = min(rules.today, counting.year_bounds(year)[1])
    subtree = list(Organization.objects.filter(path__startswith=org.path).exclude(kind=OrgKind.GROUP))
    plans = {p.org_id: p for p in Plan.objects.filter(org__path__startswith=org.path, year=year)}
    plan = plans.get(org.pk)
    branch_ids = [o.pk for o in subtree if o.kind == OrgKind.BRANCH]
    first, last = counting.year_bounds(year)
    year_admissions = tallies.flow((counting.ADMISSION,), branch_ids, first, last, by=("branch_id",))
    admitted = sum(cell["n"] for cell in year_admissions.values())
    measures = {key: sum(cell[key] for cell in year_admissions.values()) for key in tallies.MEASURE_KEYS}
    path_of = {o.pk: o.path for o in subtree}
    activists = counting.per_org({path_of[b]: n for b, n in tallies.activists_on(branch_ids, as_of).items()})
    new = tallies.counts_between(tallies.NEW_ACTIVIST, branch_ids, first, last)
    new_activists = counting.per_org({path_of[b]: n for b, n in new.items()})
    projected = counting.projected_admissions(org, year, rules) if year == rules.today.year else None
    admitted_by = counting.per_org(Counter({path_of[b]: cell["n"] for (b,), cell in year_admissions.items()}))
    projected_by = counting.per_org(Counter(p.branch_path for p in projected or [] if not p.blocked))

    children = sorted((o for o in subtree if o.parent_id == org.pk), key=lambda o: o.path)
    for child in children:
        child.parent = org  # in hand: the policy's answer on a child reads its parent
    rows = [
        Row(
            child,
            plans.get(child.pk),
            admitted_by[child.pk],
            projected_by[child.pk],
            activists[child.pk],
            new_activists[child.pk],
        )
        for child in children
    ]
    rule_plan = plan or Plan()  # the minimum per branch: this plan's, or the defaults
    shortfalls = []
    for branch in sorted((o for o in subtree if o.kind == OrgKind.BRANCH), key=lambda o: o.path):
        n, new = admitted_by[branch.pk], new_activists[branch.pk]
        reasons = []
        if n < rule_plan.min_admissions_per_branch:
            reasons.append(f"发展党员 {n} 名，少于至少 {rule_plan.min_admissions_per_branch} 名")
        if new < rule_plan.min_activists_per_branch:
            reasons.append(f"新培养入党积极分子 {new} 名，少于至少 {rule_plan.min_activists_per_branch} 名")
        elif new > rule_plan.max_activists_per_branch:
            reasons.append(f"新培养入党积极分子 {new} 名，多于 {rule_plan.max_activists_per_branch} 名")
        if reasons:
            shortfalls.append(BranchShortfall(branch, n, new, reasons))
    return PlanProgress(
        org=org,
        year=year,
        as_of=as_of,
        plan=plan,
        admitted=admitted,
        targets=progress.target_results(plan, admitted, measures),
        activists=activists[org.pk],
        new_activists=new_activists[org.pk],
        projected=projected,
        rows=rows,
        rollup=progress.rollup(plan, children, plans),
        shortfalls=shortfalls,
    )
