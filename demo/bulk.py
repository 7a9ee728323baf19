"""Benchmark fixture data for `seed_demo --cases N`: generated histories written through the
import's write path.

Each bulk case is a history (the `Backfill` item an imported row becomes): a person, the
application and the later steps with their dates, meetings, votes, contacts and introducers, and
the 公示. `services.backfill_cases` decides every step with the same decider as every form and
import and writes the accepted histories in bulk (COPY on PostgreSQL), so the cases, records,
events and their history rows are what the product itself would write: valid by construction. The
dates follow demo.journey's rhythm with random gaps. A history the write path refuses is not
written and is reported (it would be a defect here, never silently repaired).
"""

import datetime as dt
import random
import time
from collections import Counter
from itertools import groupby

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

from branches.models import MemberStatus, Organization, OrgKind, PartyMember, Role
from branches.selectors import approving_committee
from cases import idcard, services, steps, tallies
from cases.context import RuleContext
from cases.models import (
    Case,
    CaseEvent,
    EventSource,
    Meeting,
    Person,
    Publicity,
    StepRecord,
    StepRecordPerson,
    Vote,
)
from cases.rules import VoteFacts
from cases.services.backfill import Backfill, backfill_cases
from cases.services.lifecycle import opening_grant
from demo import journey, people
from demo.county import (
    BRANCH_KEYS,
    DEPARTMENT_CODE,
    FIRST_APPLICATION,
    OFFICER_OF,
    ORG_BY_KEY,
    SECRETARY_OF,
    SEED,
)

# Gaps (days) around demo.journey's rhythm that keep every history inside the rules: talk within a
# month (W01), approvals within three months (W03), oath within a month of approval (W05), meeting
# within a month of the pre-review (W04), target at least a year after activist (E04), conversion
# after the probation (E10).
JITTER = {
    "initial_talk": (5, 28),
    "activist_selection": (20, 200),
    "activist_filing": (5, 20),
    "contacts_assigned": (1, 10),
    "activist_cultivation": (150, 200),
    "target_selection": (3, 120),
    "target_filing": (5, 20),
    "introducers_assigned": (3, 10),
    "political_review": (10, 40),
    "intensive_training": (15, 45),
    "branch_committee_review": (3, 15),
    "pre_review": (5, 15),
    "application_form": (2, 8),
    "admission_meeting": (5, 15),
    "committee_talk": (5, 25),
    "admission_approval": (7, 35),
    "admission_filing": (3, 15),
    "group_placement": (1, 7),
    "oath": (3, 20),
    "probation_education": (60, 120),
    "conversion_application": (5, 30),
    "conversion_meeting": (1, 20),
    "conversion_approval": (7, 40),
    "archiving": (5, 30),
}
# Not everyone moves on: many applicants stay applicants, some activists and targets stall.
STALLS = ((0.25, "initial_talk"), (0.35, "activist_cultivation"), (0.40, "target_filing"))
BULK_REGIONS = tuple(f"3399{n:02d}" for n in range(10, 100))
BULK_NOTE = "性能测试数据（seed_demo --cases 批量生成）"
LOADED = (Person, Case, StepRecord, StepRecordPerson, CaseEvent, Meeting, Vote, Publicity)


class BulkGenerator:
    """N more cases in the demo county's branches, as histories through services.backfill_cases."""

    def __init__(self, seed: int = SEED + 1, batch_size: int = 2000, log=print):
        self.rng = random.Random(seed)
        self.batch_size = batch_size
        self.log = log
        self.today = timezone.localdate()
        self.rules = RuleContext.current(self.today)
        self.names = people.Names(self.rng, unique=False)
        self.serial = 0
        self.refused: list[tuple[int, Exception]] = []
        self._load_county()

    def _load_county(self) -> None:
        dept = Organization.objects.get(code=DEPARTMENT_CODE)
        by_code = {o.code: o for o in Organization.objects.filter(path__startswith=dept.path)}
        users = {u.username: u for u in get_user_model().objects.all()}
        key_of = {by_code[spec.code].pk: key for key, spec in ORG_BY_KEY.items()}
        self.branches = [by_code[ORG_BY_KEY[key].code] for key in BRANCH_KEYS]
        self.weights = [ORG_BY_KEY[key].full + 4 for key in BRANCH_KEYS]
        self.info = {}
        for key, branch in zip(BRANCH_KEYS, self.branches, strict=True):
            roster = list(
                PartyMember.objects.filter(branch=branch, status=MemberStatus.FULL, active=True).order_by(
                    "pk"
                )
            )
            secretary = users[SECRETARY_OF[key]]
            groups = Organization.objects.filter(parent=branch, kind=OrgKind.GROUP)
            self.info[branch.pk] = {
                "spec": ORG_BY_KEY[key],
                "actor": services.Actor(user=secretary, source=EventSource.COMMAND),
                "sponsors": [m for m in roster if not m.sanction],  # contacts and introducers
                "full_count": len(roster),
                "groups": list(groups.values_list("short_name", flat=True)) or ["第一党小组"],
                "secretary": secretary.first_name,
                "officer": users[OFFICER_OF[key_of[approving_committee(branch).pk]]].first_name,
            }
            actor = self.info[branch.pk]["actor"]
            # where a history's 党委会 is recorded: the organization of the grant it is written under
            self.info[branch.pk]["acting_org"] = opening_grant(branch, actor, services.Authority.BACKFILL).org
        self.used_ids = set(
            Person.objects.filter(id_number__startswith="3399").values_list("id_number", flat=True)
        )

    # -- one history, in memory --

    def _id_number(self, birth: dt.date, sex: str) -> str:
        while True:
            number = idcard.make(self.rng.choice(BULK_REGIONS), birth, self.rng.randrange(500), sex)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def history(self, ref: int) -> Backfill:
        rng = self.rng
        branch = rng.choices(self.branches, self.weights)[0]
        info = self.info[branch.pk]
        latest = self.today - dt.timedelta(days=3)
        applied = FIRST_APPLICATION + dt.timedelta(days=rng.randrange((latest - FIRST_APPLICATION).days + 1))
        sex = people.gender(rng)
        age = people.adult_age(rng)
        birth = applied - dt.timedelta(days=age * 365 + rng.randint(20, 340))
        league = age < 28 and rng.random() < 0.55
        person = people.person(
            rng,
            self.names,
            info["spec"],
            sex=sex,
            birth_date=birth,
            id_number=self._id_number(birth, sex),
            league=league,
            frontline=rng.random() < 0.3,
        )
        plan = journey.plan(
            applied, self.rules, {code: rng.randint(lo, hi) for code, (lo, hi) in JITTER.items()}
        )
        done = [code for code in steps.CODES if plan.dates[code] <= self.today]
        roll = rng.random()
        stall = next((code for chance, code in STALLS if roll < chance), None)
        if stall:
            done = [code for code in done if steps.get(code).number <= steps.get(stall).number]
        publicity = plan.publicity if "target_filing" in done else None
        if publicity and publicity[0] > self.today:
            publicity = None
        return Backfill(
            ref=ref,
            branch=branch,
            person=person,
            application=services.StepInput(on=applied),
            later=[(code, self._input(steps.get(code), plan.dates[code], branch)) for code in done[1:]],
            league_recommended_on=applied + dt.timedelta(days=rng.randint(5, 15)) if league else None,
            publicity=publicity,
            note=BULK_NOTE,
        )

    def _input(self, step: steps.Step, on: dt.date, branch: Organization) -> services.StepInput:
        rng, info = self.rng, self.info[branch.pk]
        self.serial += 1
        talker = info["officer"] if step.roles[0] == Role.COMMITTEE_OFFICER else info["secretary"]
        given = services.StepInput(
            on=on,
            data=journey.typical_data(
                step, serial=f"{on:%Y}{self.serial:06d}", talker=talker, group=rng.choice(info["groups"])
            ),
        )
        if steps.Field.CONTACTS in step.fields:
            given.contacts = rng.sample(info["sponsors"], min(2, len(info["sponsors"])))
        if steps.Field.INTRODUCERS in step.fields:
            given.introducers = rng.sample(info["sponsors"], 2)
        if steps.Field.MEETING in step.fields:
            body = services.meeting_body(Case(branch=branch), step, self.rules)
            entitled = journey.seats(body, info["full_count"])
            # one meeting per organization, kind and day (entered once): the counts of the day's
            # meeting if recorded (the demo's own cases), else the day's own, whichever case draws
            # it, so that every case decided there states the same counts
            org = info["acting_org"] if body == steps.Body.PARTY_COMMITTEE else branch
            if (recorded := self.rules.meeting_on(org, body, on)) is not None:
                entitled, present = recorded.entitled, recorded.present
            else:
                day = random.Random(f"{org.pk}:{body}:{on.isoformat()}")
                present = entitled - day.randint(0, max(0, (entitled - 1) // 4))
            yes = max(entitled // 2 + 1, present - rng.randint(0, 1))
            given.new_meeting = services.NewMeeting(entitled=entitled, present=present)
            given.vote = VoteFacts(yes=yes, abstain=present - yes)
        return given

    # -- writing --

    def generate(self, n: int) -> Counter:
        """Write n histories in batches (one transaction each); totals of what was written."""
        totals: Counter = Counter()
        started, made = time.monotonic(), 0
        while made < n:
            items = [self.history(made + i) for i in range(min(self.batch_size, n - made))]
            totals.update(self._write(items))
            made += len(items)
            if made % (self.batch_size * 5) == 0 or made == n:
                rate = made / max(time.monotonic() - started, 1e-6)
                self.log(f"  已生成 {made}/{n} 个案例（{rate:.0f} 个/秒）")
        # the statistics' tallies of the branches written to, recounted once for the whole run
        # (per batch, each recount would redo the earlier batches)
        tallies.keep(self.info)
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # fresh planner statistics after a big load
                for table in analyzed_tables():
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        return totals

    def _write(self, items: list[Backfill]) -> Counter:
        refused: set[int] = set()

        def note_refusal(item: Backfill, exc: Exception) -> None:
            refused.add(item.ref)
            self.refused.append((item.ref, exc))
            self.log(f"  第 {item.ref} 个案例未写入：{exc}")

        by_branch = sorted(items, key=lambda item: item.branch.pk)
        with transaction.atomic():
            for branch_pk, group in groupby(by_branch, key=lambda item: item.branch.pk):
                backfill_cases(
                    list(group), actor=self.info[branch_pk]["actor"], refused=note_refusal, keep_tallies=False
                )
        written = [item for item in items if item.ref not in refused]
        return Counter(
            案例=len(written),
            步骤记录=sum(1 + len(item.later) for item in written),
            公示=sum(1 for item in written if item.publicity),
            未写入=len(refused),
        )


def analyzed_tables() -> list[str]:
    """The tables a bulk load fills: the rows and their simple-history rows."""
    models = [*LOADED, *(model.history.model for model in LOADED if hasattr(model, "history"))]
    return [model._meta.db_table for model in models]
