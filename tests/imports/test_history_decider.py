"""The one decider of a history (cases.services.history.decide_history): the import's dry run and
its write decide the same history the same way — an extension, reopening and cancellation carry
into the steps after them — a dry run reports every step, a write stops at the first refusal, and
the authority is the caller's argument, never the actor's audit source."""

import copy
import dataclasses
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cases import services
from cases.context import RuleContext
from cases.models import Case, EventSource, Outcome, StepRecord
from cases.services.backfill import backfill_cases
from cases.services.history import decide_history
from tests import factories as f
from tests.imports.conftest import full_row
from tests.imports.test_backfill_equivalence import extended_then_converted, planned

pytestmark = pytest.mark.django_db
d = dt.date


def importing(user):
    return services.Actor(user=user, source=EventSource.IMPORT)


def codes(decided) -> set[str]:
    return {finding.code for _, finding in decided.findings}


def with_dates(item, **dates):
    """The history with the given steps re-dated; for a step done twice, the later one."""
    later = [(code, copy.copy(given)) for code, given in item.later]
    for code, on in dates.items():
        given = next(given for c, given in reversed(later) if c == code)
        given.on = on
    return dataclasses.replace(item, later=later)


def test_it_carries_an_extension_into_the_steps_after_it(county, secretary, book, today):
    item = extended_then_converted(planned(book, full_row(), secretary))
    decided = decide_history(item, actor=importing(secretary), rules=RuleContext.current(), dry_run=True)
    assert decided.error is None and codes(decided) == set()
    assert decided.case.probation_end == d(2023, 11, 20)  # 2023-05-20 extended by six months

    early = with_dates(item, conversion_application=d(2023, 11, 1), conversion_meeting=d(2023, 11, 10))
    dry = decide_history(early, actor=importing(secretary), rules=RuleContext.current(), dry_run=True)
    e10 = [finding for step, finding in dry.findings if finding.code == "E10"]
    assert [finding.date for finding in e10] == [d(2023, 11, 20)]  # judged against the extended end

    refused = []
    backfill_cases([early], actor=importing(secretary), refused=lambda item, exc: refused.append(exc))
    assert [str(exc) for exc in refused] == [str(e10[0])]  # what the dry run said is why it is refused
    assert not Case.objects.exists() and not StepRecord.objects.exists()


def test_a_dry_run_decides_every_step_and_a_write_stops_at_the_first_block(county, secretary, book, today):
    item = planned(book, full_row(), secretary)
    broken = with_dates(item, initial_talk=d(2021, 1, 4), oath=d(2022, 6, 10))  # E03 twice
    every = len(item.later) + 1

    dry = decide_history(broken, actor=importing(secretary), rules=RuleContext.current(), dry_run=True)
    assert len(dry.decisions) == every
    blocked = [decision.step.code for decision in dry.decisions if decision.blocked]
    assert blocked == ["initial_talk", "oath"]

    write = decide_history(broken, actor=importing(secretary), rules=RuleContext.current())
    assert [decision.step.code for decision in write.decisions] == ["application", "initial_talk"]
    assert isinstance(write.error, services.StepBlocked) and write.error.findings[0].code == "E03"


def test_a_cancelled_probation_closes_the_case_for_the_steps_after_it(county, secretary, book, today):
    item = planned(book, full_row(), secretary)
    later = [(code, copy.copy(given)) for code, given in item.later]
    meeting = next(given for code, given in later if code == "conversion_meeting")
    meeting.data = {"resolution": "cancel"}
    meeting.note = "严重违纪，支部大会决议取消预备党员资格"
    cancelled = dataclasses.replace(item, later=later)

    dry = decide_history(cancelled, actor=importing(secretary), rules=RuleContext.current(), dry_run=True)
    assert dry.case.outcome == Outcome.PROBATION_CANCELLED
    archiving = dry.decisions[-1]
    assert archiving.step.code == "archiving" and isinstance(archiving.refusal, services.StepNotAllowed)
    assert "案例已结束" in str(archiving.refusal) and archiving.write is None


def test_the_audit_source_grants_no_authority(county, secretary, officer):
    with pytest.raises(PermissionDenied):  # an importer's source does not open a case for an officer
        services.open_case(
            branch=county.branch, person=f.person(), applied_on=d(2023, 1, 10), actor=importing(officer)
        )
    case = f.new_case(county.branch, secretary)
    with pytest.raises(PermissionDenied):  # nor lets a secretary record the committee's 预审
        services.perform_step(
            case=case,
            step_code="pre_review",
            given=services.StepInput(on=d(2023, 2, 1)),
            actor=importing(secretary),
        )
    assert Case.objects.count() == 1 and list(case.records.values_list("step", flat=True)) == ["application"]
