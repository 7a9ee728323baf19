"""Case-list rows prepared in Python: the list is the hottest page, and resolving URLs, choice
labels and date formats per row in the template costs more than the query itself."""

from dataclasses import dataclass

from django.urls import reverse

from cases import steps
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


def case_rows(cases, today) -> list[CaseRow]:
    prefix = reverse("cases:detail", args=[0])[: -len("0/")]
    rows = []
    for case in cases:
        case: Case
        due = case.next_due
        earliest = case.next_earliest if case.next_earliest and case.next_earliest > today else None
        rows.append(
            CaseRow(
                url=f"{prefix}{case.pk}/",
                name=case.person.name,
                gender=_GENDER.get(case.person.gender, ""),
                branch=case.branch.short_name or case.branch.name,
                standing=_OUTCOME[case.outcome] if case.outcome else _STAGE.get(case.stage, ""),
                closed=bool(case.outcome),
                next_step=_STEP.get(case.next_step, "—") if case.next_step else "—",
                due=due.isoformat() if due else "",
                due_overdue=bool(due and due < today),
                earliest=earliest.isoformat() if earliest else "",
                applied_on=case.applied_on.isoformat() if case.applied_on else "",
            )
        )
    return rows
