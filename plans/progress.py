"""Plan against actuals: the judgments over counted figures (cases.counting) and a plan — pure
functions, no queries. How each is judged is written down in docs/counting.md:

- the quota is met when the admissions lie within the plan's float, the lower bound included
  (quota 10 ± 10%: 9, 10 or 11 admissions are met; 8 is below; 12 is above the float);
- a target "不低于 p%" is met when count / admissions ≥ p%; a target "p% 左右" when the share lies
  within ±ABOUT_POINTS percentage points of p%; with no admission yet a target is not judged;
- the activist pool is enough when the 入党积极分子 on the day number at least quota × N (1∶N).
"""

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum

from branches.models import OrgKind
from cases.counting import MEASURES, Measure
from plans.models import TargetMode

ABOUT_POINTS = 5  # 「左右」: within ±5 percentage points of the target


class QuotaStatus(StrEnum):
    MET = "met"
    BELOW = "below"
    ABOVE = "above"

    @property
    def label(self) -> str:
        return {"met": "完成（在浮动范围内）", "below": "未完成", "above": "超出浮动上限"}[self.value]


def quota_status(count: int, quota: int, float_percent: int) -> QuotaStatus:
    """Exact integer arithmetic: count ≥ quota × (100 − f)% is met (the bound itself included)."""
    if count * 100 < quota * (100 - float_percent):
        return QuotaStatus.BELOW
    if count * 100 > quota * (100 + float_percent):
        return QuotaStatus.ABOVE
    return QuotaStatus.MET


def quota_band(quota: int, float_percent: int) -> tuple[int, int]:
    """The fewest and the most admissions that meet the quota (whole people)."""
    return math.ceil(quota * (100 - float_percent) / 100), math.floor(quota * (100 + float_percent) / 100)


def target_met(mode: str, percent: int | None, count: int, total: int) -> bool | None:
    """None when the target is unset or nothing is admitted yet."""
    if not mode or percent is None or total == 0:
        return None
    if mode == TargetMode.AT_LEAST:
        return count * 100 >= percent * total
    return abs(count * 100 - percent * total) <= ABOUT_POINTS * total


def share(count: int, total: int) -> float | None:
    return None if total == 0 else count * 100 / total


def target_text(mode: str, percent: int | None) -> str:
    if not mode or percent is None:
        return "不设"
    return f"不低于{percent}%" if mode == TargetMode.AT_LEAST else f"{percent}%左右"


@dataclass(frozen=True)
class TargetResult:
    measure: Measure
    mode: str
    percent: int | None
    count: int
    total: int

    @property
    def share(self) -> float | None:
        return share(self.count, self.total)

    @property
    def met(self) -> bool | None:
        return target_met(self.mode, self.percent, self.count, self.total)

    @property
    def target_text(self) -> str:
        return target_text(self.mode, self.percent)

    @property
    def verdict(self) -> str:
        met = self.met
        if met is None:
            return "—" if not self.mode else "尚无发展党员"
        if met:
            return "达到"
        if self.mode == TargetMode.ABOUT and self.count * 100 > self.percent * self.total:
            return "偏高"
        return "未达到"


def target_results(plan, total: int, counts: Mapping[str, int]) -> list[TargetResult]:
    """Each structure measure of `total` admissions, `counts[key]` of which meet it (counted by
    cases.counting.MEASURES: cases.tallies.measure_counts), against `plan`'s target (none when plan
    is None)."""
    results = []
    for measure in MEASURES:
        mode, percent = plan.target(measure.key) if plan is not None else ("", None)
        results.append(TargetResult(measure, mode, percent, counts.get(measure.key, 0), total))
    return results


@dataclass(frozen=True)
class QuotaResult:
    quota: int
    float_percent: int
    count: int

    @property
    def status(self) -> QuotaStatus:
        return quota_status(self.count, self.quota, self.float_percent)

    @property
    def band(self) -> tuple[int, int]:
        return quota_band(self.quota, self.float_percent)

    @property
    def met(self) -> bool:
        return self.status == QuotaStatus.MET

    @property
    def share(self) -> float | None:
        return share(self.count, self.quota)


@dataclass
class Rollup:
    """Where the children's plans do not add up to the parent's (each a sentence in Chinese)."""

    children_quota: int = 0
    planned: int = 0  # children with a plan
    problems: list[str] = field(default_factory=list)


def rollup(plan, children: list, child_plans: dict) -> Rollup:
    """`children`: the organizations directly below the plan's; `child_plans`: org id → Plan."""
    result = Rollup()
    if plan is None:
        return result
    planned = [(c, child_plans[c.pk]) for c in children if c.pk in child_plans]
    missing = [c.name for c in children if c.pk not in child_plans]
    result.planned = len(planned)
    result.children_quota = sum(p.quota for _, p in planned)
    if missing:
        result.problems.append(f"尚未制定{plan.year}年计划的下级组织：{'、'.join(missing)}")
    if planned and result.children_quota != plan.quota:
        gap = result.children_quota - plan.quota
        result.problems.append(
            f"下级计划合计 {result.children_quota} 名，本级计划 {plan.quota} 名（{'多' if gap > 0 else '少'} {abs(gap)} 名）"
        )
    if result.children_quota:
        for measure in MEASURES:
            mode, percent = plan.target(measure.key)
            if not mode or percent is None:
                continue
            implied = sum(p.quota * (p.target(measure.key)[1] or 0) for _, p in planned)  # in percent·people
            met = target_met(mode, percent, implied, result.children_quota * 100)
            if not met:
                value = implied / result.children_quota
                word = "低于" if value < percent else "高于"
                result.problems.append(
                    f"下级「{measure.label}」目标折合 {value:.1f}%，{word}本级目标（{target_text(mode, percent)}）"
                )
    for child, child_plan in planned:
        if child_plan.activists_per_admission < plan.activists_per_admission:
            result.problems.append(
                f"{child.name}：积极分子比例 1∶{child_plan.activists_per_admission}，低于本级 1∶{plan.activists_per_admission}"
            )
        if child.kind == OrgKind.BRANCH and child_plan.quota < plan.min_admissions_per_branch:
            result.problems.append(
                f"{child.name}：计划发展 {child_plan.quota} 名，少于每个党支部至少 {plan.min_admissions_per_branch} 名"
            )
    return result
