"""Case-list rows prepared in Python: the list is the hottest page, and resolving URLs, choice
labels and date formats per row in the template costs more than the query itself. Each row is
also written out here, as the HTML of its table row (CaseRow.html): the template language spends
some twenty calls on every value it prints, four hundred a row, the page's largest cost."""

from dataclasses import dataclass
from html import escape

from django.utils.safestring import SafeString, mark_safe

from cases import permissions, reports, selectors, steps
from cases.models import Case, Gender, Outcome, Stage
from cases.web import address_prefix

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

    @property
    def html(self) -> SafeString:
        """The row of templates/cases/case_list.html's table. Every value from the database is
        escaped here (html.escape: the list's 50 rows × 10 values made Django's lazy-aware
        format_html the row's largest cost); the rest is this module's own markup."""
        url = escape(self.url)
        standing = escape(self.standing)
        if self.closed:
            standing = f'<span class="badge bg-secondary">{standing}</span>'
        reports = "".join(f"<div>{_report_html(r)}</div>" for r in self.reports) or "—"
        missing = f'<span class="badge bg-danger">{self.missing} 项</span>' if self.missing else "—"
        button = ("btn-outline-danger", "办理") if self.acts else ("btn-outline-secondary", "查看")
        return mark_safe(  # every value interpolated is escaped above, or is this module's own markup
            f'<tr><td class="name-cell"><a href="{url}">{escape(self.name)}</a></td>'
            f"<td>{escape(self.gender)}</td><td>{escape(self.branch)}</td><td>{standing}</td>"
            f'<td>{escape(self.next_step)}</td><td>{self._date_html()}</td><td class="reports">{reports}</td>'
            f"<td>{escape(self.applied_on)}</td><td>{missing}</td>"
            f'<td class="d-print-none"><a class="btn btn-sm {button[0]}" href="{url}">{button[1]}</a></td></tr>'
        )

    def _date_html(self) -> str:
        if self.due:
            overdue = ' class="text-danger fw-bold"' if self.due_overdue else ""
            return f"<span{overdue}>{escape(self.due)} 前</span>"
        if self.earliest:
            return f'<span class="text-muted">{escape(self.earliest)} 起</span>'
        return "—"


def _report_html(report) -> str:
    if report.returned:
        return (
            '<span class="badge bg-warning text-dark">已退回</span> '
            f'<span class="small">{escape(report.kind_name)}：{escape(report.reason)}</span>'
        )
    return (
        '<span class="badge bg-info text-dark">待上级办理</span> '
        f'<span class="small text-muted">{escape(report.org)}</span>'
    )


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


# What permissions.acts_now reads of a case, in the model's field order (from_db's): an instance
# from these alone costs a third of one built from keyword arguments, which visit every field.
_SHALLOW = [
    f.attname for f in Case._meta.concrete_fields if f.attname in ("id", "outcome", "next_step", "branch_id")
]


def case_rows(values, today, user) -> list[CaseRow]:
    """Rows from `case_list(...).values(*ROW_FIELDS)`, with each case's reports and whether it waits
    on `user` (permissions.acts_now): one query for the page's submissions."""
    values = list(values)
    submissions = reports.submissions_by_case(case["pk"] for case in values)
    branches = {branch.pk: branch for branch in selectors.visible_branches(user)}
    prefix = address_prefix("cases:detail")
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
            shallow = Case.from_db(
                None, _SHALLOW, [case["pk" if name == "id" else name] for name in _SHALLOW]
            )
            shallow.branch = branch
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
