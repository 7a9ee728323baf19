"""Case-list rows prepared in Python: the list is the hottest page, and resolving URLs, choice
labels and date formats per row in the template costs more than the query itself."""

from dataclasses import dataclass

from django.urls import reverse

from cases import permissions, reports, selectors, steps
from cases.models import Case, Gender, Outcome, Stage

_GENDER = dict(Gender.choices)
_STAGE = dict(Stage.choices)
_OUTCOME = dict(Outcome.choices)
_STEP = dict(steps.CHOICES)


@dataclass(frozen=True, slots=True)
class CaseRow:
    url: str
    name: str
    gender: str
    branch: str
    standing: str
    closed: bool
    next_step: str
    due: str
    due_overdue: bool
    earliest: str
    applied_on: str
    missing: int  # required materials of the steps done not on file (the checklist)
    reports: tuple = ()  # cases.reports.ReportState: 待上级办理 / 已退回
    acts: bool = False  # the case waits on the user now (「办理」), else 「查看」


# The columns the list shows: plain values, no model instances to build for 50 rows.
ROW_FIELDS = (
    "pk",
    "person__name",
    "person__gender",
    "branch__name",
    "branch__short_name",
    "stage",
    "outcome",
    "next_step",
    "next_due",
    "next_earliest",
    "applied_on",
    "person_at_transfer",
    "branch_id",
    "materials_missing",
)


def case_rows(values, today, user) -> list[CaseRow]:
    """Rows from `case_list(...).values(*ROW_FIELDS)`, with each case's reports and whether it waits
    on `user` (permissions.acts_now): one query for the page's submissions."""
    values = list(values)
    submissions = reports.submissions_by_case(case["pk"] for case in values)
    branches = {branch.pk: branch for branch in selectors.visible_branches(user)}
    prefix = reverse("cases:detail", args=[1])[: -len("1/")]  # reversed once, not per row
    rows = []
    for case in values:
        due, earliest, applied = case["next_due"], case["next_earliest"], case["applied_on"]
        earliest = earliest if earliest and earliest > today else None
        person = case["person_at_transfer"] or {
            "name": case["person__name"],
            "gender": case["person__gender"],
        }
        subs = submissions.get(case["pk"], [])
        branch = branches.get(case["branch_id"])
        acts = False
        if branch is not None:
            shallow = Case(pk=case["pk"], branch=branch, outcome=case["outcome"], next_step=case["next_step"])
            for sub in subs:
                sub.case = shallow
            acts = permissions.acts_now(user, shallow, subs)
        rows.append(
            CaseRow(
                url=f"{prefix}{case['pk']}/",
                name=person["name"],
                gender=_GENDER.get(person["gender"], ""),
                branch=case["branch__short_name"] or case["branch__name"],
                standing=_OUTCOME[case["outcome"]] if case["outcome"] else _STAGE.get(case["stage"], ""),
                closed=bool(case["outcome"]),
                next_step=_STEP.get(case["next_step"], "—") if case["next_step"] else "—",
                due=due.isoformat() if due else "",
                due_overdue=bool(due and due < today),
                earliest=earliest.isoformat() if earliest else "",
                applied_on=applied.isoformat() if applied else "",
                reports=tuple(reports.report_states(subs)) if not case["outcome"] else (),
                acts=acts,
                missing=case["materials_missing"],
            )
        )
    return rows
