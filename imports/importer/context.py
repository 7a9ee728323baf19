"""What a batch needs from the database, loaded once: branches and their rosters, the importing
user's scope, the cases that already exist for the file's 公民身份号码, rule settings and the
working-day calendar. Rows are then planned and checked without further queries."""

from collections import defaultdict
from dataclasses import dataclass, field

from branches.models import Organization, OrgKind, PartyMember
from cases.context import RuleContext
from cases.models import Case
from cases.permissions import opening_answer
from cases.selectors import cases_visible_to

ID_CHUNK = 500  # stay well under SQLite's limit on query parameters


@dataclass(frozen=True)
class ExistingCase:
    name: str
    branch_name: str
    stage: str
    visible: bool


@dataclass
class ImportContext:
    rules: RuleContext  # settings, working-day calendar and today, shared by every row
    branches: dict[str, list[Organization]]  # code, name or short name → branches
    allowed_branch_ids: set[int] | None  # None: every branch (a dry run without a user)
    default_branch: Organization | None = None
    existing: dict[str, ExistingCase] = field(default_factory=dict)
    _rosters: dict[int, dict[str, list[PartyMember]]] = field(default_factory=dict)

    def find_branch(self, key: str) -> list[Organization]:
        return self.branches.get(key.strip(), []) or self.branches.get(key.strip().upper(), [])

    def may_import_into(self, branch: Organization) -> bool:
        return self.allowed_branch_ids is None or branch.pk in self.allowed_branch_ids

    def roster(self, branch: Organization) -> dict[str, list[PartyMember]]:
        if branch.pk not in self._rosters:
            by_name: dict[str, list[PartyMember]] = defaultdict(list)
            for member in PartyMember.objects.filter(branch=branch, active=True):
                by_name[member.name].append(member)
            self._rosters[branch.pk] = dict(by_name)
        return self._rosters[branch.pk]


def build_context(*, user=None, default_branch=None, id_numbers=(), today=None) -> ImportContext:
    all_branches = list(Organization.objects.filter(kind=OrgKind.BRANCH))
    return ImportContext(
        rules=RuleContext.current(today),
        branches=_branch_index(all_branches),
        allowed_branch_ids=None if user is None else importable_branch_ids(user, all_branches),
        default_branch=default_branch,
        existing=_existing_cases(set(id_numbers), user),
    )


def importable_branch_ids(user, branches=None) -> set[int]:
    """Branches whose history the policy lets the user backfill (cases.permissions.opening_answer:
    a 党支部书记 or 党委组织委员 grant covering them; superusers hold none)."""
    if branches is None:
        branches = Organization.objects.filter(kind=OrgKind.BRANCH)
    return {b.pk for b in branches if opening_answer(user, b, backfill=True)}


def _branch_index(branches: list[Organization]) -> dict[str, list[Organization]]:
    index: dict[str, list[Organization]] = defaultdict(list)
    for branch in branches:
        for key in {
            branch.code.strip(),
            branch.code.strip().upper(),
            branch.name.strip(),
            branch.short_name.strip(),
        }:
            if key and branch not in index[key]:
                index[key].append(branch)
    return dict(index)


def _existing_cases(id_numbers: set[str], user) -> dict[str, ExistingCase]:
    """The latest case of each person in the file who already has one (any outcome)."""
    numbers = sorted(n for n in id_numbers if n)
    visible_ids = None
    found: dict[str, ExistingCase] = {}
    for start in range(0, len(numbers), ID_CHUNK):
        chunk = numbers[start : start + ID_CHUNK]
        rows = (
            Case.objects.filter(person__id_number__in=chunk)
            .order_by("person__id_number", "-pk")
            .values_list("pk", "person__id_number", "person__name", "branch__name", "stage")
        )
        rows = list(rows)
        if user is not None:
            pks = [r[0] for r in rows]
            visible_ids = set(cases_visible_to(user).filter(pk__in=pks).values_list("pk", flat=True))
        for pk, number, name, branch_name, stage in rows:
            if number not in found:
                visible = visible_ids is None or pk in visible_ids
                found[number] = ExistingCase(name, branch_name, stage, visible)
    return found
