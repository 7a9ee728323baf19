"""The demo county built through the write path: `build_demo()` creates 青溪县 — 县委组织部, two
乡镇党委, a 党总支, a 村党委, eight 党支部 with rosters, users for every role — and about fifty cases
(demo.stories) that go through cases.services via demo.journey, so every record, submission, event,
warning reason and history row is exactly what the product itself would write."""

import datetime as dt
import random
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from branches.models import MemberStatus, Organization, OrgKind, PartyMember, Role
from branches.selectors import approving_committee, review_chain
from branches.services import create_organization, grant_role
from cases import idcard, services, steps, workdays
from cases.context import RuleContext
from cases.models import Case, Outcome, Stage, StepRecord, Submission, SubmissionStatus
from cases.services.errors import StepBlocked
from demo import journey, people
from demo.county import (
    AUDITOR,
    DEMO_PASSWORD,
    DEMO_REGION,
    DEPARTMENT_CODE,
    FIRST_APPLICATION,
    OFFICER_OF,
    ORG_BY_KEY,
    ORGS,
    REVIEWER_OF,
    SANCTIONS,
    SECRETARY_OF,
    SEED,
    USERS,
)
from demo.journey import Crew
from demo.people import Names
from demo.plans import build_plans
from demo.stories import CASES, CaseSpec
from reviews.models import KIND_BY_STEP
from reviews.services import issue_letters
from reviews.wording import PUBLICITY_SUBJECTS


def applied_on_for(code: str, done_by: dt.date, rules: RuleContext, gaps=None) -> dt.date:
    """The latest application date (not before FIRST_APPLICATION) whose typical `code` step falls
    on or before `done_by`."""
    reference = done_by - dt.timedelta(days=1100)
    offset = journey.plan(reference, rules, gaps).dates[code] - reference
    applied = done_by - offset
    while journey.plan(applied, rules, gaps).dates[code] > done_by:
        applied -= dt.timedelta(days=3)
    return max(applied, FIRST_APPLICATION)


def demo_exists() -> bool:
    return Organization.objects.filter(code=DEPARTMENT_CODE).exists()


class DemoBuilder:
    def __init__(self, log=print):
        self.log = log
        self.rng = random.Random(SEED)
        self.names = Names(self.rng)
        self.today = timezone.localdate()
        self.orgs: dict[str, Organization] = {}
        self.users: dict[str, object] = {}
        self.id_seq = 0
        self.spec_of: dict[int, CaseSpec] = {}

    # -- structure --

    def build_structure(self) -> None:
        User = get_user_model()
        for spec in ORGS:
            self.orgs[spec.key] = create_organization(
                name=spec.name,
                code=spec.code,
                kind=spec.kind,
                parent=self.orgs[spec.parent] if spec.parent else None,
                can_approve=spec.can_approve,
                short_name=spec.short_name,
                letter_prefix=spec.letter_prefix,
                locality=spec.locality,
            )
        hashed = make_password(DEMO_PASSWORD)  # PBKDF2 once, not once per account
        for spec in USERS:
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(username=spec.username, first_name=spec.name, password=hashed)
                user.is_staff = user.is_superuser = spec.role is None
                user.save()
            if spec.role is not None:
                grant_role(user=user, role=spec.role, org=self.orgs[spec.org])
            self.users[spec.username] = user
        secretaries = {u.org: u.name for u in USERS if u.role == Role.BRANCH_SECRETARY}
        sanctions: dict[str, list] = {}
        for key, sanction, days in SANCTIONS:
            sanctions.setdefault(key, []).append((sanction, days))
        for spec in ORGS:
            if spec.kind != OrgKind.BRANCH:
                continue
            branch, rows = self.orgs[spec.key], []
            self.names.used.add(secretaries[spec.key])
            plain = spec.full - 1 - len(sanctions.get(spec.key, []))
            rows.append(PartyMember(branch=branch, name=secretaries[spec.key]))
            rows += [
                PartyMember(branch=branch, name=self.names.make(people.gender(self.rng)))
                for _ in range(plain)
            ]
            for sanction, days in sanctions.get(spec.key, []):
                until = self.today + dt.timedelta(days=days) if days else None
                rows.append(
                    PartyMember(
                        branch=branch, name=self.names.make("M"), sanction=sanction, sanction_until=until
                    )
                )
            rows += [
                PartyMember(
                    branch=branch,
                    name=self.names.make(people.gender(self.rng)),
                    status=MemberStatus.PROBATIONARY,
                )
                for _ in range(spec.probationary)
            ]
            for member in rows:  # one by one: pks in roster order, and a history row each
                member.save()

    def crew(self, key: str) -> Crew:
        branch = self.orgs[key]
        committee = approving_committee(branch)
        officer_key = next(k for k, o in self.orgs.items() if o.pk == committee.pk)
        reviewers = tuple(
            self.users[REVIEWER_OF[next(k for k, o in self.orgs.items() if o.pk == org.pk)]]
            for org in review_chain(branch)
        )
        return Crew(
            secretary=self.users[SECRETARY_OF[key]],
            officer=self.users[OFFICER_OF[officer_key]],
            auditor=self.users[AUDITOR],
            reviewers=reviewers,
        )

    # -- people --

    def person(
        self, key: str, applied_on: dt.date, *, young: bool = False, league: bool | None = None
    ) -> dict:
        sex = people.gender(self.rng)
        age = self.rng.randint(20, 27) if young else people.adult_age(self.rng)
        age = max(age, 19)
        birth = applied_on - dt.timedelta(days=age * 365 + self.rng.randint(30, 330))
        self.id_seq += 1
        if league is None:
            league = age < 28 and self.rng.random() < 0.6
        return people.person(
            self.rng,
            self.names,
            ORG_BY_KEY[key],
            sex=sex,
            birth_date=birth,
            id_number=idcard.make(DEMO_REGION, birth, self.id_seq, sex),
            league=league,
            frontline=key in ("cg3", "cd2", "lsw1", "lsw2"),
        )

    # -- cases --

    def build_cases(self) -> list[Case]:
        self.rules = RuleContext.current(self.today)
        made = []
        for spec in CASES:
            case = self.build_case(spec)
            self.spec_of[case.pk] = spec
            made.append(case)
        return made

    def _applied(self, code: str, done_by: dt.date, gaps=None) -> dt.date:
        return applied_on_for(code, done_by, self.rules, gaps)

    def drive(self, case: Case, crew: Crew, until: str, warning_reason: str = "", gaps=None) -> Case:
        """advance() up to `until`, but never into the future: stop before a step planned after today."""
        last, done_codes = steps.get(until).number, set(case.records.values_list("step", flat=True))
        plan = journey.plan(case.applied_on, self.rules, gaps)
        safe = None
        for step in steps.STEPS[:last]:
            if step.code not in done_codes and plan.dates[step.code] > self.today:
                break
            safe = step.code
        if safe is None:
            return case
        try:
            return journey.advance(case, crew, until=safe, warning_reason=warning_reason)
        except StepBlocked as exc:  # a date the plan did not foresee lands after today: stop there
            if any(f.code != "E03" for f in exc.findings):
                raise
            case.refresh_from_db()
            return case

    def open(
        self, spec: CaseSpec, applied_on: dt.date, crew: Crew, leaving_unit_on=None, **person_kw
    ) -> Case:
        person = self.person(spec.branch, applied_on, **person_kw)
        league_on = None
        if person["is_league_member"] and spec.kind != "league_without_recommendation":
            league_on = applied_on + dt.timedelta(days=25)
        return services.open_case(
            branch=self.orgs[spec.branch],
            person=person,
            applied_on=applied_on,
            actor=crew.secretary,
            league_recommended_on=league_on,
            leaving_unit_on=leaving_unit_on,
            note="本人递交入党申请书，字迹工整，内容完整。",
        )

    def build_case(self, spec: CaseSpec) -> Case:
        crew = self.crew(spec.branch)
        done_by = self.today - dt.timedelta(days=spec.ago)
        kind = spec.kind
        if kind == "progress":
            case = self.open(spec, self._applied(spec.until, done_by), crew)
            return self.drive(case, crew, spec.until)
        if kind in ("withdrawn", "deactivated", "rejected_by_branch"):
            applied = self._applied(spec.until, done_by - dt.timedelta(days=20))
            case = self.drive(self.open(spec, applied, crew), crew, spec.until)
            outcome = Outcome.ADMISSION_REJECTED if kind == "rejected_by_branch" else Outcome(kind)
            return services.close_case(
                case=case, outcome=outcome, on=done_by, reason=spec.reason, actor=crew.secretary
            )
        if kind == "rejected_by_committee":
            applied = self._applied(spec.until, done_by - dt.timedelta(days=15))
            case = self.drive(self.open(spec, applied, crew), crew, spec.until)
            submission = Submission.objects.get(case=case, status=SubmissionStatus.PENDING)
            services.return_submission(submission=submission, actor=crew.officer, reason=spec.reason)
            return services.close_case(
                case=case,
                outcome=Outcome.ADMISSION_REJECTED,
                on=done_by,
                reason=spec.reason,
                actor=crew.officer,
            )
        if kind in ("extended", "cancelled"):
            return self.conversion_decision(spec, crew, done_by)
        if kind == "transferred":
            applied = self._applied(spec.until, done_by - dt.timedelta(days=30))
            case = self.drive(self.open(spec, applied, crew), crew, spec.until)
            services.transfer_case(
                case=case,
                to_branch=self.orgs[spec.extra["to"]],
                on=done_by,
                reason=spec.reason,
                actor=crew.secretary,
            )
            return case
        if kind == "late_talk":
            gaps = {"initial_talk": 40}
            applied = self._applied(spec.until, done_by, gaps)
            case = self.open(spec, applied, crew)
            services.perform_step(
                case=case,
                step_code="initial_talk",
                given=services.StepInput(
                    on=applied + dt.timedelta(days=40),
                    data={"talker": crew.secretary.first_name},
                    note="当面谈话，了解入党动机和对党的认识。",
                    warning_reason=spec.warning_reason,
                ),
                actor=crew.secretary,
            )
            return self.drive(case, crew, spec.until, gaps=gaps)
        if kind == "league_without_recommendation":
            case = self.open(spec, self._applied(spec.until, done_by), crew, young=True, league=True)
            return self.drive(case, crew, spec.until, warning_reason=spec.warning_reason)
        if kind == "leaving_unit":
            applied = self._applied(spec.until, done_by)
            plan = journey.plan(applied, self.rules)
            leaving = plan.dates["pre_review"] + dt.timedelta(days=70)
            case = self.open(spec, applied, crew, leaving_unit_on=leaving)
            return self.drive(case, crew, spec.until, warning_reason=spec.warning_reason)
        if kind == "returned":
            case = self.drive(self.open(spec, self._applied(spec.until, done_by), crew), crew, spec.until)
            on = case.records.get(step=spec.until).on + dt.timedelta(days=3)
            report = spec.extra.get("report", "pre_review")
            submission = services.submit(case=case, step_code=report, on=on, actor=crew.secretary)
            if spec.extra.get("by") == "reviewer":  # the 党总支/村党委 sends it back
                returner = crew.reviewers[0]
            else:
                returner = crew.officer
                for reviewer in crew.reviewers:
                    services.forward(submission=submission, actor=reviewer, opinion="同意上报", on=on)
            services.return_submission(submission=submission, actor=returner, reason=spec.reason)
            return case
        raise ValueError(kind)

    def conversion_decision(self, spec: CaseSpec, crew: Crew, done_by: dt.date) -> Case:
        """支部大会: 延长预备期 (6 months) or 取消预备党员资格, then the committee's approval."""
        approval_gap = 20
        applied = self._applied("conversion_meeting", done_by - dt.timedelta(days=approval_gap))
        case = self.drive(self.open(spec, applied, crew), crew, spec.until)
        meeting_step, approval_step = steps.get("conversion_meeting"), steps.get("conversion_approval")
        on = case.probation_end + dt.timedelta(days=3)
        given = journey.step_input(case, meeting_step, on, crew)
        if spec.kind == "extended":
            given.data = {"resolution": steps.Resolution.EXTEND.value, "extension_months": 6}
        else:
            given.data = {"resolution": "cancel"}
        given.note = spec.reason
        services.perform_step(case=case, step_code="conversion_meeting", given=given, actor=crew.secretary)
        on += dt.timedelta(days=approval_gap)
        journey.submit_and_forward(case, "conversion_approval", on, crew)
        given = journey.step_input(case, approval_step, on, crew)
        services.perform_step(case=case, step_code="conversion_approval", given=given, actor=crew.officer)
        case.refresh_from_db()
        return case

    def submit_pending(self) -> int:
        """Cases waiting for a committee step get their report submitted (some still at the reviewer)."""
        count = 0
        returned_cases = set(
            Submission.objects.filter(status=SubmissionStatus.RETURNED).values_list("case_id", flat=True)
        )
        cases = Case.objects.filter(outcome=Outcome.OPEN, branch__path__startswith=self.orgs["dept"].path)
        for case in cases.select_related("branch").order_by("pk"):
            spec = self.spec_of.get(case.pk)
            if case.pk in returned_cases or not case.next_step or (spec and not spec.submit):
                continue
            facts = {r.step: r.on for r in case.records.filter(is_current=True)}
            for step in steps.STEPS:
                if not step.submitted or step.code in facts or any(r not in facts for r in step.requires):
                    continue
                kind = steps.SUBMISSION_TARGET[step.code]
                if Submission.objects.filter(case=case, step=kind, status=SubmissionStatus.PENDING).exists():
                    continue
                last = max(facts.values())
                key = next(k for k, o in self.orgs.items() if o.pk == case.branch_id)
                crew = self.crew(key)
                on = min(self.today, last + dt.timedelta(days=self.rng.randint(1, 4)))
                submission = services.submit(case=case, step_code=kind, on=on, actor=crew.secretary)
                if spec is None or spec.forward:
                    for reviewer in crew.reviewers:
                        services.forward(
                            submission=submission, actor=reviewer, opinion="经审议，同意上报", on=on
                        )
                count += 1
        return count

    def issue_past_letters(self) -> int:
        """The committees' letters (批复, 备案回执, 预审意见 — not the branches' 公示) answering their decisions of the last
        LETTERS_SINCE_DAYS, through the issuing service, dated at each 党委会 or decision; rendered
        to PDF by the worker after the seed commits (or `manage.py render_letters`)."""
        key_of = {org.pk: key for key, org in self.orgs.items()}
        records = (
            StepRecord.objects.filter(
                case__branch__path__startswith=self.orgs["dept"].path,
                case__outcome__in=[Outcome.OPEN, Outcome.ARCHIVED],
                is_current=True,
                step__in=[step for step in KIND_BY_STEP if step not in PUBLICITY_SUBJECTS],
                on__gte=self.today - dt.timedelta(days=LETTERS_SINCE_DAYS),
            )
            .select_related("case", "meeting")
            .order_by("on", "pk")
        )
        issued = 0
        for record in records:
            issuer = {**OFFICER_OF, "dept": AUDITOR}[key_of[record.org_id]]  # 备案回执: the department's
            issued += len(issue_letters(records=[record], actor=self.users[issuer], issued_on=record.on))
        return issued


LETTERS_SINCE_DAYS = 150  # the demo's letters: decisions of about the last five months


@transaction.atomic
def build_demo(log=print) -> DemoBuilder:
    builder = DemoBuilder(log)
    holidays = workdays.seed_from_package(range(2013, 2027))
    log(f"工作日历：新增 {holidays} 条节假日/调休记录（2013–2026）")
    builder.build_structure()
    log(
        f"组织：{len(builder.orgs)} 个，用户：{len(builder.users)} 个，党员：{PartyMember.objects.count()} 名"
    )
    builder.build_cases()
    pending = builder.submit_pending()
    log(f"案例：{Case.objects.count()} 个，待办报送：{pending} 件")
    log(f"党委发文：{builder.issue_past_letters()} 件（由后台生成 PDF）")
    log(f"发展党员计划：{build_plans(builder.orgs, builder.users)} 个")
    return builder


def demo_summary() -> str:
    counts = Counter()
    for stage, outcome in Case.objects.values_list("stage", "outcome"):
        counts[Outcome(outcome).label if outcome else Stage(stage).label] += 1
    return "，".join(f"{label} {n}" for label, n in counts.most_common())
