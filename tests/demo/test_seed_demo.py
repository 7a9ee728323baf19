"""seed_demo: a realistic county through the write path, idempotent, and consistent bulk data.

Building the demo goes through the services for ~50 cases and takes several seconds, so the module
builds it once, inside a transaction rolled back at the end; each test's own transaction nests in it
(a savepoint), so what one test adds is gone for the next."""

import datetime as dt
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from branches.models import (
    COMMITTEE_THRESHOLD,
    MemberStatus,
    Organization,
    OrgKind,
    PartyMember,
    Role,
    Sanction,
)
from branches.permissions import role_grants
from cases import idcard, steps, tallies
from cases.models import (
    SIDE_OUTCOMES,
    Case,
    CaseDeadline,
    CaseEvent,
    Holiday,
    Meeting,
    Outcome,
    Person,
    Publicity,
    StepRecord,
    Submission,
    SubmissionStatus,
    Vote,
)
from cases.services.events import verify_chain
from cases.services.summary import refresh_summary
from demo import bulk as bulk_generator
from demo.county import DEMO_PASSWORD, DEPARTMENT_CODE, USERS
from reminders.models import Notice
from reviews.models import Letter, LetterKind
from tests.cases.conftest import SUMMARY_FIELDS

pytestmark = pytest.mark.django_db


def seed(**options) -> str:
    """seed_demo as on the embedded database, wherever the suite's DATABASE_URL points."""
    out = StringIO()
    call_command("seed_demo", stdout=out, allow_any_database=True, **options)
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The first run's output and the row counts right after it."""
    with django_db_blocker.unblock(), transaction.atomic():
        output = seed()
        yield output, snapshot()
        transaction.set_rollback(True)


def snapshot() -> dict:
    models = (Organization, PartyMember, Person, Case, StepRecord, CaseEvent, Meeting, Vote, Publicity)
    counts = {model.__name__: model.objects.count() for model in models}
    counts["users"] = get_user_model().objects.count()
    counts["holidays"] = Holiday.objects.count()
    counts["submissions"] = list(Submission.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return counts


def test_it_builds_a_realistic_county_once_and_prints_the_logins(seeded):
    first, before = seeded
    second = seed()

    assert snapshot() == before  # idempotent: detected by the department's code, nothing changes
    assert "已存在" in second
    for output in (first, second):
        for spec in USERS:
            assert spec.username in output
        assert DEMO_PASSWORD in output and "党支部书记" in output

    # The tree: department → 2 committees → 党总支 / 村党委 → 8 branches → groups.
    kinds = dict(Organization.objects.values_list("kind").annotate(n=Count("pk")).order_by())
    assert kinds == {
        OrgKind.DEPARTMENT: 1,
        OrgKind.COMMITTEE: 2,
        OrgKind.GENERAL_BRANCH: 1,
        OrgKind.VILLAGE_COMMITTEE: 1,
        OrgKind.BRANCH: 8,
        OrgKind.GROUP: 5,
    }
    assert Organization.objects.get(code=DEPARTMENT_CODE).name.startswith("中共")
    committees = Organization.objects.filter(kind=OrgKind.COMMITTEE)
    assert all(c.can_approve and c.letter_prefix for c in committees)
    assert not Organization.objects.get(kind=OrgKind.VILLAGE_COMMITTEE).can_approve
    branches = Organization.objects.filter(kind=OrgKind.BRANCH).annotate(
        full=Count("members", filter=Q(members__status=MemberStatus.FULL)),
        probationary=Count("members", filter=Q(members__status=MemberStatus.PROBATIONARY)),
    )
    sizes = sorted(b.full for b in branches)
    assert sizes[0] == 3 and sizes[-1] == 25
    assert any(s >= COMMITTEE_THRESHOLD for s in sizes) and any(s < COMMITTEE_THRESHOLD for s in sizes)
    assert all(b.probationary >= 1 for b in branches)
    under_reviewers = [
        b for b in branches if b.parent.kind in (OrgKind.GENERAL_BRANCH, OrgKind.VILLAGE_COMMITTEE)
    ]
    assert len(under_reviewers) == 4
    assert PartyMember.objects.filter(sanction=Sanction.WARNING).exists()
    assert PartyMember.objects.filter(
        sanction=Sanction.PROBATION_IN_PARTY, sanction_until__gt=timezone.localdate()
    ).exists()

    # Every role has a user; every branch its secretary; the admin is a superuser.
    User = get_user_model()
    held = {(g.role, g.org.kind) for user in User.objects.all() for g in role_grants(user)}
    assert {role for role, _kind in held} == set(Role)
    assert (Role.REVIEWER, OrgKind.GENERAL_BRANCH) in held and (
        Role.REVIEWER,
        OrgKind.VILLAGE_COMMITTEE,
    ) in held
    for branch in branches:
        assert any(
            g.role == Role.BRANCH_SECRETARY and g.org == branch
            for u in User.objects.all()
            for g in role_grants(u)
        )
    assert User.objects.get(username="admin").is_superuser
    assert all(u.first_name for u in User.objects.all())
    assert Holiday.objects.filter(date__year=2026).exists()

    # Cases: every step is someone's next step (application is done for all), every outcome occurs.
    assert 40 <= Case.objects.count() <= 60
    open_next = set(Case.objects.filter(outcome=Outcome.OPEN).values_list("next_step", flat=True))
    assert set(steps.CODES[1:]) <= open_next
    assert (
        StepRecord.objects.filter(step="application").count() >= Case.objects.count() - 1
    )  # transfer copies
    outcomes = set(Case.objects.values_list("outcome", flat=True))
    assert {*SIDE_OUTCOMES, Outcome.ARCHIVED} <= outcomes
    extended = Case.objects.get(extension_months=6)
    assert extended.is_open and extended.next_step == "conversion_application"
    assert Case.objects.filter(transferred_from__isnull=False, outcome=Outcome.OPEN).exists()
    assert StepRecord.objects.filter(on__gt=timezone.localdate()).count() == 0

    # Warnings went through with recorded reasons; reports wait at committees and at a reviewer.
    warned = {
        w["code"]: w["reason"]
        for e in CaseEvent.objects.exclude(warnings=[])
        for w in e.warnings
        if w["reason"]
    }
    assert {"W01", "W02", "W08"} <= set(warned)
    pending = Submission.objects.filter(status=SubmissionStatus.PENDING).select_related("at_org")
    assert {s.at_org.kind for s in pending} >= {OrgKind.COMMITTEE, OrgKind.GENERAL_BRANCH}
    assert Submission.objects.filter(status=SubmissionStatus.RETURNED).exclude(return_reason="").exists()
    assert all(verify_chain(case) == [] for case in Case.objects.all())


def test_bulk_cases_are_consistent_with_the_write_path(seeded):
    demo_ids = set(Case.objects.values_list("pk", flat=True))
    output = seed(cases=200)

    bulk = Case.objects.exclude(pk__in=demo_ids).select_related("person")
    assert bulk.count() == 200
    assert "200" in output
    kept = tallies.snapshot()  # recounted once at the end of the run, not per batch
    tallies.rebuild()
    assert tallies.snapshot() == kept
    counted = dict(
        bulk.annotate(n=Count("records", filter=Q(records__is_current=True))).values_list("pk", "n")
    )
    admin = get_user_model().objects.get(username="admin")
    for case in bulk:
        assert case.steps_done == counted[case.pk]
        idcard.parse(case.person.id_number)  # valid GB 11643 numbers
        before = {f: getattr(case, f) for f in SUMMARY_FIELDS}
        refresh_summary(case, admin, reason="检查")  # what the write path would have computed
        case.refresh_from_db()
        assert {f: getattr(case, f) for f in SUMMARY_FIELDS} == before, case.pk
        assert verify_chain(case) == []
    assert bulk.values("branch").distinct().count() >= 5
    assert bulk.filter(outcome=Outcome.ARCHIVED).exists() and bulk.filter(outcome=Outcome.OPEN).exists()
    assert Person.history.count() >= Person.objects.count()
    # Written by the history write path: every record with its history row and its step event.
    records = StepRecord.objects.filter(case__in=bulk)
    assert "未写入 0" in output
    assert StepRecord.history.filter(case_id__in=counted).count() == records.count()
    assert CaseEvent.objects.filter(case__in=bulk, kind="step").count() == records.count()
    assert Meeting.objects.filter(pk__in=records.values("meeting")).exists()


def test_it_writes_nothing_of_a_generated_history_the_write_path_refuses(seeded, monkeypatch):
    """Talks two months after the application need a recorded reason (W01): the generator gives
    none, so those histories are refused whole and the command fails, naming them."""
    monkeypatch.setitem(bulk_generator.JITTER, "initial_talk", (60, 60))
    before = set(Case.objects.values_list("pk", flat=True))

    with pytest.raises(CommandError, match="被写入路径拒绝"):
        seed(cases=30)

    written = Case.objects.exclude(pk__in=before)
    assert written.count() < 30
    assert not StepRecord.objects.filter(case__in=written).exclude(step="application").exists()


def test_it_runs_without_the_flag_on_the_embedded_database(seeded, settings):
    settings.DATABASE_IS_EMBEDDED = True
    out = StringIO()

    call_command("seed_demo", stdout=out)

    assert "已存在" in out.getvalue() and DEMO_PASSWORD in out.getvalue()


def test_it_leaves_todays_reminders_so_the_bell_has_a_count(seeded):
    output, _ = seeded
    assert "已生成今日期限提醒" in output
    secretaries = [g for n in Notice.objects.select_related("recipient") for g in role_grants(n.recipient)]
    assert any(g.role == Role.BRANCH_SECRETARY for g in secretaries)
    assert Notice.objects.filter(read_at__isnull=True).exists()


def test_it_shows_cases_overdue_at_each_kind_of_deadline(seeded):
    """The product's reason to exist is visible on first look: something is late at every kind of
    deadline the table of dates knows, and the hard limit of an approval is days away."""
    today = timezone.localdate()
    overdue = CaseDeadline.objects.filter(met_on__isnull=True, due_on__lt=today, case__outcome=Outcome.OPEN)
    keys = set(overdue.values_list("key", flat=True))
    for key in (
        "initial_talk:W01",  # 谈话
        "activist_cultivation:assessment#1",  # 考察
        "activist_cultivation:thought_report#1",  # 思想汇报
        "admission_approval:W03",  # 党委会审批
        "oath:W05",  # 入党宣誓
        "conversion_application:probation_end",  # 转正
        "archiving:conversion_approval",  # 归档
    ):
        assert key in keys, key
    limits = CaseDeadline.objects.filter(
        met_on__isnull=True, key="admission_approval:E12", case__in=overdue.values("case")
    ).values_list("due_on", flat=True)
    assert any(today <= day <= today + dt.timedelta(days=14) for day in limits)  # E12: close, not passed
    # The bell: the sweep reminded those who answer for the overdue deadlines.
    assert Notice.objects.count() >= 7


def test_it_has_reports_returned_with_reasons_and_letters_of_past_committee_meetings(seeded):
    returned = Submission.objects.filter(status=SubmissionStatus.RETURNED).select_related("at_org")
    assert returned.count() >= 2 and all(s.return_reason for s in returned)
    assert {s.at_org.kind for s in returned} >= {OrgKind.COMMITTEE, OrgKind.VILLAGE_COMMITTEE}

    letters = Letter.objects.all()
    assert {LetterKind.ADMISSION, LetterKind.CONVERSION, LetterKind.FILING} <= set(
        letters.values_list("kind", flat=True)
    )
    at_meetings = letters.filter(meeting__isnull=False).select_related("meeting")
    assert at_meetings.exists()
    for letter in at_meetings:  # issued at a past 党委会, by the issuing service (entries, events)
        assert letter.meeting.body == steps.Body.PARTY_COMMITTEE
        assert letter.decided_on == letter.meeting.held_on < timezone.localdate()
        assert letter.entries.exists()
        assert CaseEvent.objects.filter(case__in=letter.entries.values("case"), kind="letter").exists()
    numbers = list(letters.values_list("number", flat=True))
    assert len(numbers) == len(set(numbers))


def test_every_organization_is_marked_for_the_row_of_townships_and_villages(seeded):
    from branches.models import Locality
    from partystats import selectors
    from partystats.tables import BY_KEY

    marks = dict(Organization.objects.values_list("code", "locality"))
    assert Locality.UNKNOWN not in marks.values()
    assert marks["QX-CG"] == marks["QX-HK"] == marks["QX-CG-01"] == Locality.TOWNSHIP  # 镇党委, 镇机关
    assert marks["QX-HK-LSW"] == marks["QX-HK-LSW-01"] == Locality.VILLAGE  # 柳树湾村
    assert marks["QX-CG-02"] == marks["QX-CG-CD"] == Locality.NEITHER  # 中心小学, 城东社区
    dept = Organization.objects.get(code=DEPARTMENT_CODE)
    year = timezone.localdate().year
    found = 0
    for y in (year - 1, year):
        counted = selectors.count_table(BY_KEY["development2"], dept, selectors.Period(y, selectors.YEAR))
        assert counted.cells["locality_unknown", "total"] == 0
        assert selectors.locality_check(counted) is None
        found += counted.cells["locality", "total"]
    assert found > 0
