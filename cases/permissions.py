"""May this user do this here? The one answer the case page's buttons, the view gates, the desk,
the inbox and the services read (whether the case is visible at all is cases_visible_to): an act on
a case, a step, a pending report, and — before any case — opening one at a branch (or backfilling
its history by import), recording a meeting of a body, issuing a letter to a branch and working a
desk queue.

An answer is `Allowed(grant)` — the role and organization the service will act in — or
`Refused(reason, why)`. It is built on the grant resolution the services use
(branches.permissions.acting_grant_for) and, for a step, on the authority rule behind E13
(cases.rules.authority). Whether the step itself can be recorded now (done, order, dates, votes)
is the decider's (cases.services.step_decision), not this module's.
"""

from dataclasses import dataclass
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.http import Http404

from branches.models import Organization, OrgKind, Role
from branches.permissions import RoleGrant, acting_grant_for, grants_covering, own_grants, role_grants
from cases import steps
from cases.models import Case, Submission, SubmissionStatus
from cases.rules.authority import authority_refusal


class Act(StrEnum):
    """What the case page offers besides the steps themselves."""

    EDIT = "edit"  # 修改人员信息
    SUBMIT = "submit"  # 报送上级党委
    PUBLICITY = "publicity"  # 登记发展对象公示
    ENTRY = "entry"  # 登记定期考察、思想汇报 (steps 6 and 21, while open)
    UPLOAD = "upload"  # 上传材料
    WAIVE = "waive"  # 登记材料免交（须说明理由）
    ARCHIVE = "archive"  # 生成、下载一人一档
    CLOSE = "close"  # 本人撤回 / 不再列为积极分子、发展对象
    REJECT = "reject"  # 未被接收
    TRANSFER = "transfer"  # 组织关系转出
    REVEAL_ID = "reveal_id"  # 显示完整公民身份号码
    FORWARD = "forward"  # 审议同意并上报 (a report waiting at the user's organization)
    RETURN = "return"  # 退回党支部 (likewise)


B, R, C = Role.BRANCH_SECRETARY, Role.REVIEWER, Role.COMMITTEE_OFFICER

# Who may do each act, and whether it changes an open file only.
ACT_ROLES: dict[Act, tuple[Role, ...]] = {
    Act.EDIT: (B,),
    Act.SUBMIT: (B,),
    Act.PUBLICITY: (B,),
    Act.ENTRY: (B,),
    Act.UPLOAD: (B, C),
    Act.WAIVE: (B, C),
    Act.ARCHIVE: (B, C),
    Act.CLOSE: (B,),
    Act.REJECT: (B, C),
    Act.TRANSFER: (B,),
    Act.REVEAL_ID: (B, C),
    Act.FORWARD: (R,),
    Act.RETURN: (R, C),
}
REPORT_ACTS = (Act.FORWARD, Act.RETURN)  # on one pending report: submission_answer
CASE_ACTS = tuple(act for act in Act if act not in REPORT_ACTS)  # on the case: act_answer
# What a closed file refuses, in the words of the refusal. A material (e.g. the withdrawal letter)
# may still be filed, and the number read, once a file is closed.
OPEN_FILE_ONLY = {
    Act.EDIT: "人员信息不能再修改",
    Act.SUBMIT: "不能报送",
    Act.PUBLICITY: "不能登记公示",
    Act.ENTRY: "不能再登记考察或思想汇报",
    Act.CLOSE: "不能再登记结果",
    Act.REJECT: "不能再登记结果",
    Act.TRANSFER: "不能转出",
}

# Who opens a case at a branch (登记入党申请); who backfills a branch's history by import (every
# step, as the branch and its committee did then).
OPEN_ROLES = (B,)
IMPORT_ROLES = (B, C)
# Who records a meeting of each body (a 党委会 can then decide several cases).
MEETING_ROLES = {
    steps.Body.BRANCH_COMMITTEE: (B,),
    steps.Body.BRANCH_ASSEMBLY: (B,),
    steps.Body.PARTY_COMMITTEE: (C,),
}
# Who sets an organization's yearly plan (发展党员计划): the officers of a committee above it — the
# department for its committees.
PLAN_ROLES = (C, Role.DEPARTMENT_AUDITOR)
# Who downloads a branch's archives of a year as one .zip (一人一档 of the committee's branches).
ARCHIVE_BUNDLE_ROLES = (C,)
# Who issues the letters answering a branch (批复, 回执), renders them again, and is recorded on them:
# the committee, by default; the letter answering another step is issued by whoever that step names —
# the organization department's 备案回执 (step 18), the branch's own 公示 notices (posted before the
# committee's agreement takes effect, and before the conversion is discussed).
LETTER_ROLES = (C,)
LETTER_ROLES_BY_STEP: dict[str, tuple[Role, ...]] = {
    "admission_filing": (Role.DEPARTMENT_AUDITOR,),
    "target_selection": (B,),
    "conversion_application": (B,),
}
# Who reads (and exports) the audit of the organizations under their grant: the organization
# department's auditors (their county) and the committees' officers (their subtree).
AUDIT_ROLES = (C, Role.DEPARTMENT_AUDITOR)

NO_ROLE = "您的角色无权办理此事项。"
NOT_HERE = "该报送不在本组织办理。"
NO_OPENING = "只有本党支部书记可以在本支部新建案例。"
NO_IMPORT = "只有党支部书记（组织委员）和党委组织委员可以导入。"
NO_MEETING = "您无权为该组织登记会议。"
NO_LETTER = "只有该党支部上级党委的组织委员可以办理其发文。"
NO_LETTER_OF = {
    Role.DEPARTMENT_AUDITOR: "只有上级党委组织部门可以出具预备党员备案回执。",
    Role.BRANCH_SECRETARY: "只有本党支部书记（组织委员）可以出具本支部的公示。",
}
NO_PLAN = "只有上级党委（组织部）可以制定本组织的发展党员计划。"
NO_QUEUE = "您没有办理该队列事项的职责。"
NO_AUDIT = "只有县委组织部和党委组织委员可以查阅审计记录。"
NO_BOARD = "只有上级党委组织委员（组织员）和县委组织部可以登记四色研判的跟进措施和重新研判。"

# Who keeps the roles (授予、撤销角色) of the organizations under their grant: the organization
# department for its county — and the system administrator everywhere. Only in a grant of one's own:
# a delegate (代理) hands out nothing, neither roles nor delegations.
ROLE_ADMIN_ROLES = (Role.DEPARTMENT_AUDITOR,)
NO_ROLE_ADMIN = "只有县委组织部（本县范围内）和系统管理员可以管理角色。"
NO_DELEGATION = "您在该组织没有此角色，不能委托他人代理。"
DELEGATE_CANNOT_DELEGATE = "代理人不能再委托他人代理，也不能管理角色。"


# Who reads the 党内统计 tables (partystats) of the organizations under their grant: the committees'
# officers (their subtree) and the department (its county).
PARTYSTATS_ROLES = (C, Role.DEPARTMENT_AUDITOR)

# Who records the 四色研判's follow-ups on a branch and judges its colours again (the stats app).
BOARD_ROLES = (C, Role.DEPARTMENT_AUDITOR)
NO_BUNDLE = "只有该党支部上级党委的组织委员可以下载该支部的年度档案。"


class Why(StrEnum):
    ROLE = "role"  # no role for it here: 403
    AUTHORITY = "authority"  # the organization lacks the authority (E13): 403, and the rules' finding
    CLOSED = "closed"  # the file is closed: the service says so
    WAITING = "waiting"  # the branch's report has not reached the user's organization (yet)


@dataclass(frozen=True)
class Allowed:
    grant: RoleGrant | None  # None only for a system administrator keeping roles (role_admin_answer)

    def __bool__(self) -> bool:
        return True


@dataclass(frozen=True)
class Refused:
    reason: str
    why: Why
    grant: RoleGrant | None = None  # the grant the user would act in, when they hold one

    def __bool__(self) -> bool:
        return False

    @property
    def forbidden(self) -> bool:
        """Never for this user here (a 403), as opposed to not now (a form error)."""
        return self.why in (Why.ROLE, Why.AUTHORITY)

    @property
    def code(self) -> str:
        return "E13" if self.why == Why.AUTHORITY else ""


Answer = Allowed | Refused


def act_answer(user, case: Case, act: Act) -> Answer:
    """May the user do one of the CASE_ACTS on this case?"""
    grant = acting_grant_for(user, case.branch, ACT_ROLES[act])
    if grant is None:
        return Refused(NO_ROLE, Why.ROLE)
    if act in OPEN_FILE_ONLY and not case.is_open:
        return Refused(
            f"案例已结束（{case.get_outcome_display()}），{OPEN_FILE_ONLY[act]}", Why.CLOSED, grant
        )
    return Allowed(grant)


def submission_answer(user, submission: Submission, act: Act) -> Answer:
    """May the user forward or return this report? Only where it waits, in a role the act needs."""
    grants = grants_covering(user, submission.case.branch, roles=set(ACT_ROLES[act]))
    here = next((g for g in grants if g.org.pk == submission.at_org_id), None)
    if here is None:
        return Refused(NOT_HERE if grants else NO_ROLE, Why.ROLE)
    return Allowed(here)


def step_answer(user, case: Case, step: steps.Step, waiting: Submission | None) -> Answer:
    """May the user record `step` on this case? `waiting` is the branch's pending report the step
    answers (steps.SUBMISSION_TARGET), if any: a committee acts where the report waits."""
    grant = acting_grant_for(user, case.branch, step.roles, prefer=waiting.at_org_id if waiting else None)
    if grant is None:
        return Refused(NO_ROLE, Why.ROLE)
    if not case.is_open:
        return Refused(f"案例已结束（{case.get_outcome_display()}），不能继续办理", Why.CLOSED, grant)
    if step.submitted:
        if waiting is None:
            kind = steps.get(steps.SUBMISSION_TARGET[step.code]).name
            return Refused(f"党支部尚未报送「{kind}」，不能办理", Why.WAITING, grant)
        if waiting.at_org_id != grant.org.pk:
            return Refused(f"该事项正在「{waiting.at_org.name}」审议，尚未报送至本级党委", Why.WAITING, grant)
    if reason := authority_of(grant.org, step):
        return Refused(reason, Why.AUTHORITY, grant)
    return Allowed(grant)


def authority_of(org: Organization, step: steps.Step) -> str | None:
    """Why `org` lacks the authority for `step` (E13's rule), or None."""
    return authority_refusal(step, can_approve=org.can_approve, is_department=org.kind == OrgKind.DEPARTMENT)


def pending_reports(case: Case) -> list[Submission]:
    """The case's reports waiting somewhere, with where they wait."""
    return list(case.submissions.filter(status=SubmissionStatus.PENDING).select_related("at_org"))


def pending_report(submissions: list[Submission], code: str) -> Submission | None:
    """The pending report a step answers, from the case's submissions."""
    kind = steps.SUBMISSION_TARGET.get(code)
    return next((s for s in submissions if s.step == kind and s.status == SubmissionStatus.PENDING), None)


def allowed_actions(user, case: Case, submissions: list[Submission] | None = None) -> dict:
    """Every answer the case page needs: {step code: answer} for the 25 steps and {Act: answer} for
    the other acts. (Forwarding or returning a pending report is the desk's to offer, on the case
    page too: submission_answer.)

    Pass the case's submissions (at_org selected) when already read; grants are cached on the
    user, so the answers cost no query."""
    submissions = pending_reports(case) if submissions is None else submissions
    submissions = [s for s in submissions if s.status == SubmissionStatus.PENDING]
    answers: dict = {
        s.code: step_answer(user, case, s, pending_report(submissions, s.code)) for s in steps.STEPS
    }
    answers.update({act: act_answer(user, case, act) for act in CASE_ACTS})
    return answers


def acts_now(user, case: Case, submissions: list[Submission]) -> bool:
    """Whether the case waits on this user now — the lists offer 「办理」 then, 「查看」 otherwise:
    they may record its next step (a committee step: where its report waits), or send its report
    up (again, after a return), or a report of it waits at their organization for them to forward or
    return. Built on step_answer, act_answer and submission_answer; `submissions` are the case's
    (any status; each with .case set to `case` or its branch readable)."""
    if not case.is_open:
        return False
    pending = [s for s in submissions if s.status == SubmissionStatus.PENDING]
    step = steps.BY_CODE.get(case.next_step)
    if step is not None:
        waiting = pending_report(pending, step.code)
        if step_answer(user, case, step, waiting):
            return True
        if step.submitted and waiting is None and act_answer(user, case, Act.SUBMIT):
            return True
    return any(submission_answer(user, s, act) for s in pending for act in REPORT_ACTS)


def _grant_answer(grant: RoleGrant | None, refusal: str) -> Answer:
    return Allowed(grant) if grant is not None else Refused(refusal, Why.ROLE)


def opening_answer(user, branch: Organization, *, backfill: bool = False) -> Answer:
    """May the user open a case at `branch` — or, with `backfill`, write its history by import?"""
    roles = IMPORT_ROLES if backfill else OPEN_ROLES
    return _grant_answer(acting_grant_for(user, branch, roles), NO_IMPORT if backfill else NO_OPENING)


def opening_branches(user, branches) -> list[Organization]:
    """Of `branches` (those the user sees), where the user may open a case: the case form's choices."""
    return [branch for branch in branches if opening_answer(user, branch)]


def may_import(user) -> bool:
    """Whether the user backfills any branch by import (which branches: opening_answer)."""
    return any(g.role in IMPORT_ROLES for g in role_grants(user))


def meeting_answer(user, org: Organization, body: str) -> Answer:
    """May the user record a meeting of `body` held by `org`? Held on `org` itself first."""
    grant = acting_grant_for(user, org, MEETING_ROLES[steps.Body(body)], prefer=org.pk)
    return _grant_answer(grant, NO_MEETING)


def letter_answer(user, addressee: Organization, step: str = "") -> Answer:
    """May the user issue (or render again) a letter answering the branch `addressee` about `step`
    (the step the letter answers; the committee's letters when not given)?"""
    roles = LETTER_ROLES_BY_STEP.get(step, LETTER_ROLES)
    refusal = NO_LETTER if roles == LETTER_ROLES else NO_LETTER_OF[roles[0]]
    return _grant_answer(acting_grant_for(user, addressee, roles), refusal)


def plan_answer(user, org: Organization) -> Answer:
    """May the user set `org`'s yearly plan? Held on an organization above it (never on itself:
    a committee's own plan is its superior's to set)."""
    if org.parent_id is None:
        return Refused(NO_PLAN, Why.ROLE)
    return _grant_answer(acting_grant_for(user, org.parent, PLAN_ROLES), NO_PLAN)


def board_answer(user, branch: Organization) -> Answer:
    """May the user record a follow-up on `branch`'s colour, or judge colours there again?"""
    return _grant_answer(acting_grant_for(user, branch, BOARD_ROLES), NO_BOARD)


def archive_bundle_answer(user, branch: Organization) -> Answer:
    """May the user download the archives of `branch`'s cases of a year as one .zip?"""
    return _grant_answer(acting_grant_for(user, branch, ARCHIVE_BUNDLE_ROLES), NO_BUNDLE)


def role_admin_orgs(user) -> list[Organization] | None:
    """Where the user keeps roles (the organizations, with all below them): None for everywhere (a
    system administrator), empty for everyone else (the role screen answers 403)."""
    if user.is_superuser:
        return None
    return [g.org for g in own_grants(user) if g.role in ROLE_ADMIN_ROLES]


def role_admin_answer(user, org: Organization) -> Answer:
    """May the user grant or revoke roles on `org`? The grant is None for a system administrator."""
    if user.is_superuser:
        return Allowed(None)
    covering = grants_covering(user, org, roles=set(ROLE_ADMIN_ROLES))
    own = [g for g in covering if not g.delegated]
    if own:
        return Allowed(own[0])
    return Refused(DELEGATE_CANNOT_DELEGATE if covering else NO_ROLE_ADMIN, Why.ROLE)


def delegation_answer(user, role: Role, org: Organization) -> Answer:
    """May the user delegate `role` on `org` (代理)? Only a role held there in their own right: the
    nearest such grant; a delegate may not delegate further."""
    covering = grants_covering(user, org, roles={role})
    own = [g for g in covering if not g.delegated]
    if own:
        return Allowed(max(own, key=lambda g: len(g.org.path)))
    return Refused(DELEGATE_CANNOT_DELEGATE if covering else NO_DELEGATION, Why.ROLE)


def queue_answer(user, role: Role, step: steps.Step | None) -> Answer:
    """May the user work a desk queue of `step` in `role`: is there an organization where they hold
    it with the authority for the step (E13)? The queue holds what waits at those organizations."""
    orgs = acting_orgs(user, (role,), step)
    return Allowed(RoleGrant(role, orgs[0])) if orgs else Refused(NO_QUEUE, Why.ROLE)


def acting_orgs(user, roles, step: steps.Step | None = None) -> list[Organization]:
    """The organizations where the user acts in one of `roles` — with the authority for `step`,
    when given: where a desk queue's or an inbox's reports wait for them."""
    return [
        g.org
        for g in role_grants(user)
        if g.role in roles and (step is None or authority_of(g.org, step) is None)
    ]


def audit_orgs(user) -> list[Organization]:
    """Where the user reads the audit: the organizations (with all below them) of their audit
    grants; empty for everyone else (the audit browser answers 403)."""
    return acting_orgs(user, AUDIT_ROLES)


def partystats_orgs(user) -> list[Organization]:
    """Where the user reads the 党内统计 tables: the organizations (with all below them) of their
    grants as a committee officer or the department; empty for everyone else (403)."""
    return acting_orgs(user, PARTYSTATS_ROLES)


def statistics_orgs(user) -> list[Organization]:
    """Where the user reads the statistics boards (stages, flow, plans, 四色): the organizations
    (with all below them) of every role they hold — a branch reads itself, a committee its subtree."""
    return [g.org for g in role_grants(user)]


NO_STATISTICS = "您没有可查看统计的组织。"
NO_PARTYSTATS = "只有党委组织委员（组织员）和县委组织部可以查看党内统计报表。"


def reading_root(user, org_id: int | None, orgs: list[Organization], refusal: str) -> Organization:
    """The organization a board or table is read for, given where the user reads (`orgs`, each with
    all below it: statistics_orgs or partystats_orgs): the one asked for (404 unless under one of
    them), else the highest they read; a system administrator reads from the top of the tree; a user
    who reads nowhere is refused (403, `refusal`)."""
    if user.is_superuser:
        orgs = list(Organization.objects.filter(parent__isnull=True).order_by("path"))
    if not orgs:
        raise PermissionDenied(refusal)
    if org_id is None:
        return min(orgs, key=lambda org: (len(org.path), org.path))
    found = Organization.objects.filter(pk=org_id).first()
    if found is None or not reads_under(user, found, orgs):
        raise Http404("没有找到该组织，或您无权查看。")
    return found


def reading_trail(user, root: Organization, orgs: list[Organization]) -> list[Organization]:
    """A board's breadcrumb: the organizations from the highest the user reads (`orgs`, as for
    reading_root) down to `root` — never one the user would be refused."""
    return [org for org in root.ancestors()[::-1] if reads_under(user, org, orgs)]


def reads_under(user, org: Organization, orgs: list[Organization]) -> bool:
    """Whether `org` lies under one of `orgs` (where the user reads), or the user is a system
    administrator."""
    return user.is_superuser or any(org.path.startswith(o.path) for o in orgs)


def audit_answer(user, branch: Organization) -> Answer:
    """May the user read the audit of `branch`'s cases (a case's whole history, its events)?"""
    return _grant_answer(acting_grant_for(user, branch, AUDIT_ROLES), NO_AUDIT)


def report_orgs(user) -> list[Organization]:
    """Where the user may forward or return the reports waiting there (the inbox)."""
    return acting_orgs(user, {role for act in REPORT_ACTS for role in ACT_ROLES[act]})


def roles_on(user, case: Case) -> set[Role]:
    return {g.role for g in grants_covering(user, case.branch)}


def can_see_full_id(user, case: Case, roles: set[Role] | None = None) -> bool:
    """For a list of cases (exports), from the roles already resolved per branch."""
    roles = roles_on(user, case) if roles is None else roles
    return bool(roles & set(ACT_ROLES[Act.REVEAL_ID]))
