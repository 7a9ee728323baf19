"""Case-list rows prepared in Python: the list is the hottest page, and resolving URLs, choice
labels and date formats per row in the template costs more than the query itself. Each row is
also written out here, as the HTML of its table row (CaseRow.html): the template language spends
some twenty calls on every value it prints, four hundred a row, the page's largest cost."""

from dataclasses import dataclass

from django.utils.html import format_html, format_html_join
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
        """The row of templates/cases/case_list.html's table, every value escaped."""
        return format_html(
            '<tr><td class="name-cell"><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td>'
            '<td>{}</td><td>{}</td><td class="reports">{}</td><td>{}</td><td>{}</td>'
            '<td class="d-print-none"><a class="btn btn-sm {}" href="{}">{}</a></td></tr>',
            self.url,
            self.name,
            self.gender,
            self.branch,
            format_html('<span class="badge bg-secondary">{}</span>', self.standing)
            if self.closed
            else self.standing,
            self.next_step,
            self._date_html(),
            format_html_join("", "<div>{}</div>", ((_report_html(r),) for r in self.reports)) or "—",
            self.applied_on,
            format_html('<span class="badge bg-danger">{} 项</span>', self.missing) if self.missing else "—",
            "btn-outline-danger" if self.acts else "btn-outline-secondary",
            self.url,
            "办理" if self.acts else "查看",
        )

    def _date_html(self) -> SafeString | str:
        if self.due:
            overdue = mark_safe(' class="text-danger fw-bold"') if self.due_overdue else ""
            return format_html("<span{}>{} 前</span>", overdue, self.due)
        if self.earliest:
            return format_html('<span class="text-muted">{} 起</span>', self.earliest)
        return "—"


def _report_html(report) -> SafeString:
    if report.returned:
        return format_html(
            '<span class="badge bg-warning text-dark">已退回</span> <span class="small">{}：{}</span>',
            report.kind_name,
            report.reason,
        )
    return format_html(
        '<span class="badge bg-info text-dark">待上级办理</span> <span class="small text-muted">{}</span>',
        report.org,
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
