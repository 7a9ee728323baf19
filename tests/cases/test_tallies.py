"""The statistics' kept aggregates (cases.tallies): whatever the write path does — steps, a reopened
probation, closing, a transfer, a cancelled probation, an edited person, an import — the tallies it
kept (stage counts, monthly flow, the approval bounds of open 发展对象) equal a rebuild from the case
file, and they answer what cases.counting answers."""

import datetime as dt

import pytest

from cases import counting, services, tallies
from cases.dates import add_months
from cases.models import EventSource, FlowTally, Outcome, StageTally, TargetTally
from cases.services.backfill import backfill_cases
from demo.journey import advance
from imports.importer.pipeline import check_file
from imports.importer.writer import backfill
from tests import factories as f
from tests.imports.conftest import person as import_row
from tests.imports.conftest import write_xlsx

pytestmark = pytest.mark.django_db
d = dt.date


def rebuilt() -> tuple[set, set]:
    tallies.rebuild()
    return tallies.snapshot()


def _import(tmp_path, secretary, n: int):
    (plan, report), *_ = check_file(write_xlsx(tmp_path / "rows.xlsx", [import_row(n)]), user=secretary).rows
    assert report.importable, report.messages
    item = backfill(plan, warning_reason="旧台账补录", label="tallies.xlsx")
    actor = services.Actor(user=secretary, source=EventSource.IMPORT)
    (case,) = backfill_cases([item], actor=actor, refused=lambda item, exc: pytest.fail(str(exc)))
    return case


def test_kept_tallies_equal_a_rebuild_after_every_kind_of_write(county, case, crew, kit, secretary, tmp_path):
    branch, other_branch = county.branch, county.branch_under_reviewer
    ids = [branch.pk, other_branch.pk]

    advance(case, crew, until="conversion_application")  # applied … admitted, a 预备党员
    kept = tallies.snapshot()
    assert (branch.pk, "probationary", 1) in kept[0]
    assert any(row[1] == counting.ADMISSION and row[3] == 1 for row in kept[1])
    assert kept == rebuilt()

    end = case.probation_end  # 延长预备期: the conversion steps reopened (records no longer current)
    kit.do(case, "conversion_meeting", end, crew, data={"resolution": "extend", "extension_months": 6})
    kit.do(case, "conversion_approval", end + dt.timedelta(days=20), crew)
    assert tallies.snapshot() == rebuilt()

    moving = f.new_case(branch, secretary, applied_on=d(2023, 2, 1), birth=d(1990, 1, 1))
    advance(moving, crew, until="activist_cultivation")
    services.transfer_case(
        case=moving, to_branch=other_branch, on=d(2024, 6, 1), reason="工作调动", actor=crew.secretary
    )
    leaving = f.new_case(branch, secretary, applied_on=d(2023, 3, 1), birth=d(1991, 1, 1))
    services.close_case(
        case=leaving, outcome=Outcome.WITHDRAWN, on=d(2024, 7, 1), reason="本人撤回", actor=secretary
    )
    cancelled = f.new_case(branch, secretary, applied_on=d(2022, 1, 1), birth=d(1992, 1, 1))
    advance(cancelled, crew, until="conversion_application")
    early = cancelled.records.get(step="conversion_application", is_current=True).on
    kit.do(cancelled, "conversion_meeting", early, crew, data={"resolution": "cancel"}, note="违反纪律")
    kit.do(cancelled, "conversion_approval", early + dt.timedelta(days=10), crew)
    assert tallies.snapshot() == rebuilt()

    target = f.new_case(branch, secretary, applied_on=d(2022, 6, 1), birth=d(1993, 1, 1))
    advance(target, crew, until="admission_meeting")  # a 发展对象 whose 支部大会 has met
    bounds = TargetTally.objects.get(case=target)
    meeting = target.records.get(step="admission_meeting", is_current=True).on
    assert bounds.limit == add_months(meeting, 6)  # E12
    assert tallies.snapshot() == rebuilt()

    approved = case.records.get(step=counting.ADMISSION, is_current=True).on
    month = dict(branch=branch, kind=counting.ADMISSION, month=approved.replace(day=1))
    assert FlowTally.objects.get(**month).minority == 0
    services.update_person(case=case, changes={"ethnicity": "回族"}, reason="民族更正", actor=secretary)
    assert FlowTally.objects.get(**month).minority == 1  # the measure follows the person's data
    assert tallies.snapshot() == rebuilt()

    imported = _import(tmp_path, secretary, 31)
    assert imported.branch_id == branch.pk
    kept = tallies.snapshot()
    assert kept == rebuilt()
    assert tallies.open_by_stage(ids) == counting.open_by_stage(ids)
    assert sum(n for _, stage, n in kept[0]) == sum(
        n for stages in counting.open_by_stage(ids).values() for n in stages.values()
    )
    kinds = {kind for _, kind, *_ in kept[1]}
    assert {
        counting.ADMISSION,
        Outcome.WITHDRAWN,
        Outcome.TRANSFERRED_OUT,
        Outcome.PROBATION_CANCELLED,
    } <= kinds


def test_the_tallies_of_a_branch_are_dropped_with_a_rebuild_when_nothing_is_left(county, case, crew):
    StageTally.objects.create(branch=county.town, stage="applicant", n=5)  # not a branch: not kept
    tallies.rebuild()
    assert not StageTally.objects.filter(branch=county.town).exists()
    assert StageTally.objects.filter(branch=county.branch).count() == 1  # the fixture's applicant
