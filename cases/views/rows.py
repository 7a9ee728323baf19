"""Case-list rows prepared in Python: the list is the hottest page, and resolving URLs, choice
labels and date formats per row in the template costs more than the query itself."""

from dataclasses import dataclass

from django.urls import reverse

from cases import steps
from cases.models import Gender, Outcome, Stage

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
    "materials_missing",
)


def case_rows(values, today) -> list[CaseRow]:
    """Rows from `case_list(...).values(*ROW_FIELDS)`."""
    prefix = reverse("cases:detail", args=[1])[: -len("1/")]  # reversed once, not per row
    rows = []
    for case in values:
        due, earliest, applied = case["next_due"], case["next_earliest"], case["applied_on"]
        earliest = earliest if earliest and earliest > today else None
        person = case["person_at_transfer"] or {
            "name": case["person__name"],
            "gender": case["person__gender"],
        }
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
                missing=case["materials_missing"],
            )
        )
    return rows
