"""Cases as rows of the import template (the inverse of imports.importer.plan), loaded in chunks so
an export of thousands of cases needs a fixed number of queries per chunk.

Steps without a column of their own (e.g. 指定培养联系人) are not written: on import they are
derived again from the columns that imply them (see imports.importer.template.STEP_SOURCES)."""

from collections import defaultdict
from collections.abc import Callable, Iterator

from django.db.models import Count, Prefetch

from branches.models import Organization, OrgKind
from cases.idcard import mask
from cases.models import Case, Education, Outcome, Publicity, StepRecord, Vote
from imports.importer.template import (
    DATA_COLUMNS,
    HEADERS,
    PERSON_STATISTICS_COLUMNS,
    STEP_SOURCES,
    VOTE_COLUMNS,
)

CHUNK = 500
DATE_COLUMNS = {s.dated_by[0]: s.code for s in STEP_SOURCES if not s.implied}
# Outcomes the template can express; other closed cases (withdrawn, transferred …) are left out.
TEMPLATE_OUTCOMES = (Outcome.OPEN, Outcome.ARCHIVED)
YES_NO = {True: "是", False: "否"}


def template_cases(queryset):
    return queryset.filter(outcome__in=TEMPLATE_OUTCOMES)


def iter_case_data(queryset) -> Iterator[tuple[Case, dict[str, object]]]:
    """(case, header → value) for each case, the 公民身份号码 unmasked (callers mask it)."""
    cases = queryset.select_related("person", "branch").order_by("pk")
    shared_names = _shared_branch_names()
    last_pk = 0
    while True:
        chunk = list(cases.filter(pk__gt=last_pk)[:CHUNK])
        if not chunk:
            return
        last_pk = chunk[-1].pk
        records, publicities, votes = _load(chunk)
        for case in chunk:
            values = case_values(case, records[case.pk], publicities.get(case.pk), votes)
            if case.branch.name in shared_names:  # a name two branches share: the code is unambiguous
                values["所在党支部"] = case.branch.code
            yield case, values


def _shared_branch_names() -> set[str]:
    names = Organization.objects.filter(kind=OrgKind.BRANCH).values("name").annotate(n=Count("pk"))
    return {row["name"] for row in names if row["n"] > 1}


def _load(chunk: list[Case]):
    pks = [c.pk for c in chunk]
    records: dict[int, dict[str, StepRecord]] = defaultdict(dict)
    query = (
        StepRecord.objects.filter(case_id__in=pks, is_current=True)
        .select_related("meeting")
        .prefetch_related(Prefetch("recorded_people"))
    )
    for record in query:
        records[record.case_id][record.step] = record
    publicities = {}
    for publicity in Publicity.objects.filter(case_id__in=pks).order_by("case_id", "start_on", "pk"):
        publicities[publicity.case_id] = publicity  # the latest one wins
    votes = {(v.case_id, v.step): v for v in Vote.objects.filter(case_id__in=pks)}
    return records, publicities, votes


def case_values(case: Case, records: dict[str, StepRecord], publicity, votes) -> dict[str, object]:
    person = case.person_on_file
    values: dict[str, object] = {
        "姓名": person.name,
        "性别": person.get_gender_display(),
        "民族": person.ethnicity,
        "出生日期": person.birth_date,
        "公民身份号码": person.id_number,
        "学历": Education(person.education).label
        if person.education in Education.values
        else person.education,
        "是否团员": YES_NO[person.is_league_member],
        "是否生产工作一线": YES_NO[person.is_frontline],
        "所在党支部": case.branch.name,
        "团组织推优日期": case.league_recommended_on,
        "特殊情况下发展": YES_NO[case.special_development],
    }
    for header, (key, _) in PERSON_STATISTICS_COLUMNS.items():  # blank: 待补充, as imported
        value = getattr(person, key)
        if isinstance(value, bool):
            values[header] = YES_NO[value]
        elif value:
            values[header] = getattr(person, f"get_{key}_display")()
    for header, code in DATE_COLUMNS.items():
        if code in records:
            values[header] = records[code].on
    for code, header in (("contacts_assigned", "培养联系人"), ("introducers_assigned", "入党介绍人")):
        if code in records:
            # As recorded: a member renamed or deactivated since keeps the name the record gave.
            values[header] = "、".join(sorted(p.name for p in records[code].recorded_people.all()))
    if publicity is not None:
        values["发展对象公示开始日期"], values["发展对象公示结束日期"] = publicity.start_on, publicity.end_on
    for header, (code, declared) in DATA_COLUMNS.items():
        if code in records:
            value = records[code].data.get(declared.key)
            values[header] = declared.display(value) if declared.choices and value is not None else value
    for code, headers in VOTE_COLUMNS.items():
        record, vote = records.get(code), votes.get((case.pk, code))
        if record is not None and record.meeting is not None and vote is not None:
            values.update(
                zip(headers, (record.meeting.entitled, record.meeting.present, vote.yes), strict=True)
            )
    return values


def template_row(values: dict[str, object], show_full_id: bool) -> list:
    row = [values.get(h) for h in HEADERS]
    if not show_full_id:
        row[HEADERS.index("公民身份号码")] = mask(values["公民身份号码"])
    return row


def id_visibility(user) -> Callable[[Case], bool]:
    """Whether each case's 公民身份号码 may be shown in full (cached per branch): only branch and
    committee officers see it, as on screen; a command run without a user (the server's
    operator) exports it in full."""
    if user is None:
        return lambda case: True
    from cases.permissions import can_see_full_id, roles_on

    by_branch: dict[int, bool] = {}

    def visible(case: Case) -> bool:
        if case.branch_id not in by_branch:
            by_branch[case.branch_id] = can_see_full_id(user, case, roles_on(user, case))
        return by_branch[case.branch_id]

    return visible
