"""Issuing letters inside the transaction that records the decisions they answer.

Numbers come from a LetterSerial row locked with select_for_update: per committee, per year,
strictly increasing and never reused. Rendering is queued only after the transaction commits.
"""

import datetime as dt
import secrets
from collections import defaultdict
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from branches.models import Organization
from cases import services as case_services
from cases import steps
from cases.models import Case, Meeting, StepRecord
from reviews import snapshots, wording
from reviews.models import KIND_BY_STEP, Letter, LetterEntry, LetterKind, LetterSerial
from reviews.services.rendering import queue_render

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 10  # 50 bits: not guessable, short enough to type
DEFAULT_SITE_URL = "http://localhost:8000"


def next_serial(org: Organization, year: int) -> int:
    """Take the next 顺序号 of `org` in `year`; call inside the issuing transaction."""
    LetterSerial.objects.get_or_create(org=org, year=year)
    counter = LetterSerial.objects.select_for_update().get(org=org, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def letter_number(org: Organization, year: int, serial: int) -> str:
    """发文字号 after GB/T 9704: 机关代字 + 〔年份〕 + 顺序号, e.g. 城组〔2026〕12号."""
    prefix = org.letter_prefix or f"{(org.short_name or org.name)[:2]}组"
    return f"{prefix}〔{year}〕{serial}号"


def new_code() -> str:
    while True:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        if not Letter.objects.filter(code=code).exists():
            return code


def verify_url(code: str, site_url: str = "") -> str:
    base = getattr(settings, "SITE_URL", "") or site_url or DEFAULT_SITE_URL
    return base.rstrip("/") + reverse("reviews:verify", args=[code])


def _person_facts(case: Case, decision: StepRecord, basis: dict[str, StepRecord]) -> wording.PersonFacts:
    facts = wording.PersonFacts(name=case.person.name, gender=case.person.get_gender_display())
    selection = snapshots.BASIS_STEPS.get(decision.step, ())
    if decision.step in ("activist_filing", "target_filing") and selection[0] in basis:
        facts.selected_on = basis[selection[0]].on
    elif decision.step in ("admission_approval", "admission_filing", "conversion_application"):
        facts.probation_start, facts.probation_end = case.probation_start, case.probation_end
    elif decision.step == "target_selection" and "activist_selection" in basis:
        facts.selected_on = basis["activist_selection"].on
    elif decision.step == "conversion_approval":
        meeting = basis.get("conversion_meeting")
        data = meeting.data if meeting else {}
        facts.resolution = steps.resolution_of(data)
        facts.extension_months = int(data.get("extension_months") or 0)
        facts.probation_end = case.probation_end
        facts.full_member_on = case.full_member_on or case.probation_end
    return facts


def compose(
    step: str,
    persons,
    issuer: Organization,
    meeting: Meeting | None,
    rule_set: str,
    period: tuple[dt.date, dt.date] | None = None,
) -> wording.Wording:
    kind = KIND_BY_STEP[step]
    held_on = meeting.held_on if meeting else None
    if kind == LetterKind.PUBLICITY:
        return wording.publicity(persons, step, *period)
    if kind == LetterKind.ADMISSION:
        assembly = "党支部党员大会" if rule_set == "2026" else "支部大会"
        return wording.admission(persons, issuer.name, held_on, assembly)
    if kind == LetterKind.CONVERSION:
        return wording.conversion(persons, issuer.name, held_on)
    if kind == LetterKind.FILING:
        return wording.filing(persons, step, rule_set)
    return wording.pre_review(persons, rule_set)


def between(lower: Organization, upper: Organization) -> list[Organization]:
    """The organizations strictly between `lower` and its ancestor `upper` (a 党总支 between a
    branch and its committee), top first."""
    ids = [int(pk) for pk in lower.path.strip("/").split("/") if pk]
    inner = ids[ids.index(upper.pk) + 1 : -1] if upper.pk in ids else []
    found = Organization.objects.in_bulk(inner)
    return [found[pk] for pk in inner if pk in found]


def routing(step: str, branch: Organization, issuer: Organization, basis: dict) -> tuple[str, str]:
    """主送 and 抄送 of a letter (GB/T 9704 7.2.4, 7.4.2): a committee's letter goes to the branch,
    copied to the organizations between them that forwarded the report; the department's 回执
    (step 18) goes to the committee that approved, copied to the branch; a 公示 is posted, not sent."""
    if KIND_BY_STEP[step] == LetterKind.PUBLICITY:
        return branch.name, ""  # posted at the branch; the notice prints no 主送
    if step == "admission_filing" and "admission_approval" in basis:
        return basis["admission_approval"].org.name, branch.name
    return branch.name, "，".join(org.name for org in between(branch, issuer))


@transaction.atomic
def issue_letter(
    *,
    records: list[StepRecord],
    actor,
    meeting: Meeting | None = None,
    site_url: str = "",
    period: tuple[dt.date, dt.date] | None = None,
    issued_on: dt.date | None = None,
) -> Letter:
    """One letter to one branch answering `records` (one step, decided together; a 公示 notice
    names its `period`). The case file records it on each case (cases.services.record_letter_issued),
    which also refuses an actor who may not issue this letter to the branch: then nothing here is kept.
    `issued_on` is today unless a history is being written (the demo's letters of past 党委会); the
    顺序号 is of its year."""
    actor = case_services.as_actor(actor)
    first = records[0]
    step, issuer = first.step, first.org
    cases = Case.objects.select_related("person", "branch").in_bulk([r.case_id for r in records])
    addressee = cases[first.case_id].branch
    case_services.require_letter_grant(actor, addressee, step)  # refuse before a serial is taken
    items = []
    for record in records:
        case = cases[record.case_id]
        basis = snapshots.basis_records(case, record)
        items.append((case, record, basis, _person_facts(case, record, basis)))
    text = compose(step, [i[3] for i in items], issuer, meeting, first.rule_set, period)
    addressed_to, copy_to = routing(step, addressee, issuer, items[0][2])

    today = issued_on or timezone.localdate()
    serial = next_serial(issuer, today.year)
    code = new_code()
    letter = Letter.objects.create(
        kind=KIND_BY_STEP[step],
        step=step,
        issuer=issuer,
        addressee=addressee,
        meeting=meeting,
        decided_on=meeting.held_on if meeting else first.on,
        issued_on=today,
        year=today.year,
        serial=serial,
        number=letter_number(issuer, today.year, serial),
        issuer_name=issuer.name,
        issuer_mark=wording.issuer_mark(issuer.name),
        addressee_name=addressed_to,
        copy_to=copy_to,
        title=text.title,
        body="\n".join(text.body),
        closing="\n".join(text.closing),
        lists_names=text.show_table,
        code=code,
        verify_url=verify_url(code, site_url),
        created_by=actor.user,
        queued_at=timezone.now(),
    )
    for position, ((case, record, basis, facts), (decision, detail)) in enumerate(
        zip(items, text.decisions, strict=True), start=1
    ):
        snap = snapshots.take(case, {record.step: record.pk, **{c: r.pk for c, r in basis.items()}})
        LetterEntry.objects.create(
            letter=letter,
            case=case,
            record=record,
            position=position,
            name=facts.name,
            gender=facts.gender,
            decision=decision,
            detail=detail,
            snapshot=snap,
            fingerprint=snapshots.fingerprint(snap),
        )
    case_services.record_letter_issued(
        cases=[item[0] for item in items], letter=letter, actor=actor, issued_on=today
    )
    transaction.on_commit(partial(queue_render, letter.pk))
    return letter


@transaction.atomic
def issue_letters(
    *, records: list[StepRecord], actor, site_url: str = "", issued_on: dt.date | None = None
) -> list[Letter]:
    """Letters for decisions not yet answered: one per branch per 党委会 (per decision date for
    decisions taken without a meeting), covering every person decided for that branch."""
    answerable = [
        r for r in records if KIND_BY_STEP.get(r.step, LetterKind.PUBLICITY) != LetterKind.PUBLICITY
    ]
    answered = set(LetterEntry.objects.filter(record__in=answerable).values_list("record_id", flat=True))
    groups: dict[tuple, list[StepRecord]] = defaultdict(list)
    for record in answerable:
        if record.pk in answered:
            continue
        key = (record.case.branch_id, record.step, record.org_id, record.meeting_id or record.on)
        groups[key].append(record)
    return [
        issue_letter(
            records=group, actor=actor, meeting=group[0].meeting, site_url=site_url, issued_on=issued_on
        )
        for group in groups.values()
    ]


def publicity_end(start_on: dt.date, calendar=None) -> dt.date:
    """The last day of a 公示 starting on `start_on`: the table of dates' 公示期 (E14: five working
    days, on the working-day calendar). The conversion 公示 of local practice keeps the same period."""
    from cases.rules import deadlines
    from cases.workdays import WorkdayCalendar

    entry = deadlines.rule("E14", deadlines.PUBLICITY_END)
    return entry.date_from(start_on, add_workdays=(calendar or WorkdayCalendar()).add)


def publicity_refusal(case: Case, step: str) -> str:
    """Why the branch cannot post a 公示 naming this case about `step` now ("" when it can)."""
    return publicity_refusals(case, [step])[step]


def publicity_refusals(case: Case, codes) -> dict[str, str]:
    """publicity_refusal for each step of `codes`, in one query (the records they read, each with
    whether a 公示 was issued on it)."""
    name = case.person.name
    records = {
        r.step: r
        for r in case.records.filter(is_current=True, step__in=[*codes, "target_filing"]).annotate(
            noticed=Exists(LetterEntry.objects.filter(record=OuterRef("pk")))
        )
    }
    found = {}
    for step in codes:
        record = records.get(step)
        if record is None:
            found[step] = f"{name}尚未办理「{steps.get(step).name}」，不能公示。"
        elif step == "target_selection" and "target_filing" not in records:
            found[step] = f"上级党委尚未同意将{name}列为发展对象，同意后方可公示。"
        elif record.noticed:
            found[step] = f"{name}的公示已出具（可在发文页重新生成）。"
        else:
            found[step] = ""
    return found


@transaction.atomic
def issue_publicity_notice(
    *, cases: list[Case], step: str, start_on: dt.date, actor, site_url: str = ""
) -> Letter:
    """The 公示 a branch posts, naming `cases` (of one branch) about `step` (wording.PUBLICITY_SUBJECTS:
    拟列为发展对象 after the committee agreed, 拟转为正式党员 after the conversion application), from
    `start_on` for the table's 公示期. Issued through issue_letter, so numbered, recorded on each case
    and rendered like every letter."""
    if step not in wording.PUBLICITY_SUBJECTS:
        raise case_services.InvalidInput("没有这种公示。")
    if not cases:
        raise case_services.InvalidInput("请选择公示对象。")
    if len({case.branch_id for case in cases}) > 1:
        raise case_services.InvalidInput("一份公示只能包含同一党支部的人员。")
    case_services.require_letter_grant(actor, cases[0].branch, step)
    case_services.refuse_out_of_range(start_on)
    refusals = [reason for case in cases if (reason := publicity_refusal(case, step))]
    if refusals:
        raise case_services.InvalidInput("".join(refusals))
    records = [case.records.get(step=step, is_current=True) for case in cases]
    return issue_letter(
        records=records, actor=actor, period=(start_on, publicity_end(start_on)), site_url=site_url
    )
