"""Reads of cases, always scoped to a user: every view fetches through cases_visible_to."""

import datetime as dt

from django.db.models import BooleanField, Count, Q

from branches.models import Organization, OrgKind
from branches.selectors import branches_visible_to, organizations_visible_to, voting_members_on
from cases import permissions, steps
from cases.models import (
    Case,
    CaseEvent,
    Material,
    MaterialWaiver,
    PeriodicEntry,
    Publicity,
    StepRecord,
    Submission,
    SubmissionStatus,
)
from cases.permissions import acting_orgs
from cases.standing import DERIVED_COLUMNS


def visible_branches(user) -> list[Organization]:
    """The branches under the user's grants, once per request (the list's filter shows them too)."""
    cached = getattr(user, "_visible_branches", None)
    if cached is None:
        cached = list(branches_visible_to(user).order_by("path"))
        user._visible_branches = cached
    return cached


def opening_branches(user) -> list[Organization]:
    """The branches in the user's scope where the policy lets them open a case (the case form's
    choices, and whether the list offers 新建案例)."""
    return permissions.opening_branches(user, visible_branches(user))


def visible_branch_ids(user) -> list[int]:
    """Filtering cases by a short id list lets the database use its indexes, where a join on the
    path prefix misjudges row counts."""
    return [branch.pk for branch in visible_branches(user)]


def cases_visible_to(user):
    if user.is_superuser:
        return Case.objects.all()
    return Case.objects.filter(branch_id__in=visible_branch_ids(user))


def case_list(user):
    """The case list's base: the user's cases, newest change first; cases.filters.CaseFilterSet narrows it."""
    return cases_visible_to(user).select_related("person", "branch").order_by("-updated_at", "-pk")


def case_records(case: Case) -> list[StepRecord]:
    return list(
        case.records.filter(is_current=True)
        .select_related("recorded_by", "org", "meeting")
        .prefetch_related("recorded_people")
        .order_by("on", "pk")
    )


def case_events(case: Case):
    return list(
        CaseEvent.objects.filter(case=case).select_related("actor", "org").order_by("-created_at", "-pk")
    )


def case_submissions(case: Case) -> list[Submission]:
    submissions = list(
        Submission.objects.filter(case=case).select_related("at_org").order_by("-submitted_at")
    )
    for submission in submissions:
        submission.case = case  # in hand: the policy's answers on a report read the case's branch
    return submissions


def case_materials(case: Case) -> list[Material]:
    return list(Material.objects.filter(case=case).select_related("uploaded_by"))


def case_waivers(case: Case) -> list[MaterialWaiver]:
    return list(MaterialWaiver.objects.filter(case=case).select_related("waived_by"))


def case_publicities(case: Case) -> list[Publicity]:
    return list(Publicity.objects.filter(case=case))


def case_periodic_entries(case: Case) -> list[PeriodicEntry]:
    """The case's dated 考察 / 思想汇报 (steps 6 and 21), oldest first."""
    return list(PeriodicEntry.objects.filter(case=case).order_by("step", "on", "pk"))


# Derived columns the write path refreshes: their changes are the steps themselves, not edits.
HISTORY_HIDDEN_FIELDS = {"updated_at", "name_initials", "person_at_transfer", *DERIVED_COLUMNS}
# open_case saves the person just before its case, in the same transaction.
_OPENING_GRACE = dt.timedelta(seconds=5)


def shown_value(field, value):
    """A stored value as users read it: a choice by its label (本科, not bachelor), a yes/no
    field as 是/否; anything else as stored."""
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    if isinstance(field, BooleanField) and isinstance(value, bool):
        return "是" if value else "否"
    return value


def field_history(case: Case, user, limit: int = 40) -> list[dict]:
    """The latest `limit` field changes of the person and the case (simple-history), newest first
    — of the person, only the edits made for cases the user may see.

    A person's edits belong to the case that was open when they were made: at most one case per
    person is open at a time, and only an open case's person can be edited, so each edit falls
    to the latest case created before it. After a transfer, the edits of the receiving branch
    belong to its case, which the old branch does not see."""
    owners = list(
        Case.objects.filter(person_id=case.person_id)
        .order_by("created_at")
        .values_list("pk", "created_at", "branch_id")
    )
    branches = None if user.is_superuser else set(visible_branch_ids(user))
    visible = {pk for pk, _, branch in owners if branches is None or branch in branches}

    def person_edit_visible(at) -> bool:
        owner = next(
            (pk for pk, created, _ in reversed(owners) if created <= at + _OPENING_GRACE), owners[0][0]
        )
        return owner in visible

    entries = []
    for obj, shown in ((case.person, person_edit_visible), (case, lambda at: True)):
        entries += _shown_changes(obj, shown, limit)
    return sorted(entries, key=lambda e: e["at"], reverse=True)[:limit]


# History rows read at a time: a case's whole history (about two rows a step) in one query, as a rule.
_HISTORY_PAGE = 100


def _shown_changes(obj, shown, limit: int) -> list[dict]:
    """`obj`'s latest `limit` history rows that change a field users are shown, as entries, newest
    first. Most rows of a case change only its derived columns (every step moves them), so the rows
    are read a page at a time until `limit` entries are found: a fixed number of rows would drop
    older edits from a case with a long history."""
    history = obj.history.select_related("history_user").order_by("-history_date", "-history_id")
    entries, newer, start = [], None, 0
    while len(entries) < limit:
        rows = list(history[start : start + _HISTORY_PAGE])
        for older in rows:
            if newer is not None and shown(newer.history_date):
                entry = _entry(obj, newer, older)
                if entry is not None:
                    entries.append(entry)
            newer = older
        if len(rows) < _HISTORY_PAGE:
            break
        start += _HISTORY_PAGE
    return entries[:limit]


def _entry(obj, newer, older) -> dict | None:
    delta = newer.diff_against(older, excluded_fields=HISTORY_HIDDEN_FIELDS)
    # obj._meta, not newer.instance._meta: .instance re-reads excluded fields (a query per row).
    changes = [
        (field.verbose_name, shown_value(field, c.old), shown_value(field, c.new))
        for c in delta.changes
        if (field := obj._meta.get_field(c.field))
    ]
    if not changes:
        return None
    return {
        "at": newer.history_date,
        "user": newer.history_user,
        "changes": changes,
        "reason": newer.history_change_reason or "",
    }


def reports_waiting(user, orgs, kind: str | None = None):
    """The one definition of "what waits for me": the pending reports (of `kind`, when given) of
    open cases the user sees, waiting at `orgs` — where the policy lets them act on them. The desk's
    queues and its forward and return of one report (reviews.selectors) read it."""
    qs = Submission.objects.filter(
        status=SubmissionStatus.PENDING, at_org__in=orgs, case__outcome="", case__in=cases_visible_to(user)
    )
    if kind:
        qs = qs.filter(step=kind)
    return qs.select_related("case__person", "case__branch", "at_org")


def filings_due_for(user):
    """预备党员备案 waiting at the organization department (step 18), for the departments where the
    policy lets the user file (an auditor's grant on an organization department)."""
    filing = steps.get("admission_filing")
    departments = acting_orgs(user, filing.roles, filing)
    if not departments:
        return Case.objects.none()
    under = Q()
    for org in departments:
        under |= Q(branch__path__startswith=org.path)
    return (
        cases_visible_to(user)
        .filter(under)
        .filter(outcome="", records__step="admission_approval", records__is_current=True)
        .exclude(pk__in=StepRecord.objects.filter(step="admission_filing", is_current=True).values("case"))
        .select_related("person", "branch")
        .distinct()
    )


def meetings_visible_to(user):
    """The meetings held by organizations under the user's grants, and the 党委会 (or any meeting)
    that decided a case the user sees — a branch sees the committee's meeting on its people, read
    only (meeting_decisions shows it their own cases only). Another branch's: not found."""
    from cases.models import Meeting, Vote

    decided_mine = Vote.objects.filter(case__in=cases_visible_to(user)).values("meeting_id")
    return Meeting.objects.filter(
        Q(org__in=organizations_visible_to(user)) | Q(pk__in=decided_mine)
    ).select_related("org")


def meetings_listed_for(user):
    """The meetings page's rows, newest first, each with the number of the cases it decided that
    the user sees."""
    return (
        meetings_visible_to(user)
        .annotate(decided=Count("votes", filter=Q(votes__case__in=cases_visible_to(user))))
        .order_by("-held_on", "-pk")
    )


def holds_meeting(user, meeting) -> bool:
    """Whether the meeting's organization is under the user's grants (its minutes are theirs to
    read), not only a meeting that decided one of the user's cases."""
    return organizations_visible_to(user).filter(pk=meeting.org_id).exists()


def entitled_on(org: Organization, body: str, day: dt.date) -> int | None:
    """应到 as the roster can tell it: a branch's 支部大会 on `day` (its voting full members then);
    the roster does not say who sits on a 支部委员会 or a 党委会, so those are typed."""
    if body == steps.Body.BRANCH_ASSEMBLY and org.kind == OrgKind.BRANCH:
        return voting_members_on(org, day)
    return None


def meeting_decisions(meeting, user) -> list:
    """The cases a meeting decided that the user may see, each with its vote."""
    visible = cases_visible_to(user)
    return list(
        meeting.votes.filter(case__in=visible)
        .select_related("case__person", "case__branch")
        .order_by("case_id")
    )
