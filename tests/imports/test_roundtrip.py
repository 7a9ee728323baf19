"""Export in the import template → import into an empty database → nothing lost.

"Empty database" here: the same county, rosters and users, no case at all — the cases made for
the export are rolled back (a savepoint) before the exported file is imported."""

import datetime as dt

import openpyxl
import pytest
from django.db import transaction

from cases.models import Case, Meeting, Publicity, StepRecord, Vote
from demo.journey import advance
from imports import exports
from imports.importer import import_batch, store_path
from imports.models import ImportStatus
from tests import factories as f
from tests.imports.conftest import person, until
from tests.imports.test_rule_codes import ROW_2026

pytestmark = pytest.mark.django_db
d = dt.date


class Rollback(Exception):
    pass


def export_to(path, user=None) -> list[list]:
    with path.open("wb") as stream:
        exports.export_template(user, stream=stream, source="command")
    workbook = openpyxl.load_workbook(path, read_only=True)
    return [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]


def snapshot() -> dict:
    """Everything the cases hold, keyed by 公民身份号码 (database ids differ after a round trip)."""
    state = {}
    for case in Case.objects.select_related("person", "branch"):
        p = case.person
        records = {
            r.step: (
                r.on,
                r.data,
                r.rule_set,
                sorted(m.name for m in r.people.all()),
                (r.meeting.entitled, r.meeting.present) if r.meeting else None,
            )
            for r in StepRecord.objects.filter(case=case, is_current=True).select_related("meeting")
        }
        state[p.id_number] = {
            "person": (
                p.name,
                p.gender,
                p.ethnicity,
                p.birth_date,
                p.education,
                p.is_league_member,
                p.is_frontline,
            ),
            "case": (
                case.branch.code,
                case.stage,
                case.outcome,
                case.outcome_on,
                case.steps_done,
                case.next_step,
                case.probation_start,
                case.probation_end,
                case.full_member_on,
                case.league_recommended_on,
            ),
            "records": records,
            "votes": sorted(Vote.objects.filter(case=case).values_list("step", "yes")),
            "publicity": list(Publicity.objects.filter(case=case).values_list("start_on", "end_on")),
        }
    return state


def roundtrip(tmp_path, make_cases, importer):
    with pytest.raises(Rollback), transaction.atomic():
        make_cases()
        before, first = snapshot(), export_to(tmp_path / "first.xlsx")
        raise Rollback
    assert not Case.objects.exists() and not Meeting.objects.exists()
    batch, _ = import_batch(store_path(tmp_path / "first.xlsx"), user=importer, mode="all_or_nothing")
    assert batch.status == ImportStatus.IMPORTED, batch.report
    return before, first, snapshot(), export_to(tmp_path / "second.xlsx")


def test_cases_brought_in_by_import_roundtrip_exactly(county, secretary, book, tmp_path, today):
    rows = [
        person(1),
        person(2, 是否团员="是", 团组织推优日期=d(2021, 2, 20), 学历="研究生", 民族="回族", gender="F"),
        until("确定发展对象日期", **{k: person(3)[k] for k in ("姓名", "公民身份号码")}),
        until("党委审批日期", **{k: person(4)[k] for k in ("姓名", "公民身份号码")}),
        {**ROW_2026, **{k: person(5)[k] for k in ("姓名", "公民身份号码")}},
        until("申请入党日期", **{k: person(6)[k] for k in ("姓名", "公民身份号码")}),
    ]

    def make_cases():
        batch, _ = import_batch(
            store_path(book(rows)), user=secretary, mode="all_or_nothing", warning_reason=""
        )
        assert batch.rows_imported == 6, batch.report

    before, first, after, second = roundtrip(tmp_path, make_cases, secretary)
    assert after == before  # every step, date, person, meeting tally, vote and 公示
    assert second == first
    assert len(first) == 7 and first[0][0] == "姓名"


def test_cases_recorded_through_the_screens_roundtrip_in_the_template(
    county, secretary, crew, tmp_path, today
):
    def make_cases():
        advance(f.new_case(county.branch, secretary, applied_on=d(2022, 1, 10)), crew)
        advance(
            f.new_case(county.branch, secretary, applied_on=d(2023, 2, 1)), crew, until="political_review"
        )
        advance(f.new_case(county.branch, secretary, applied_on=d(2023, 3, 1)), crew, until="initial_talk")

    before, first, after, second = roundtrip(tmp_path, make_cases, secretary)
    assert second == first  # every column of the template survives
    assert len(before) == len(after) == 3  # the three cases made above, none lost, none added
    for id_number, state in before.items():
        kept = after[id_number]
        assert kept["person"] == state["person"]
        assert kept["case"] == state["case"]
        # Steps with a column keep their date; steps without one are re-derived from the mapping.
        assert set(kept["records"]) == set(state["records"])
        for code in ("application", "initial_talk", "target_selection", "admission_meeting", "archiving"):
            if code in state["records"]:
                assert kept["records"][code][0] == state["records"][code][0]


def test_an_export_with_masked_id_numbers_says_so(county, secretary, auditor, book, tmp_path, today):
    import_batch(store_path(book([person(1)])), user=secretary, mode="all_or_nothing")
    rows = export_to(tmp_path / "masked.xlsx", auditor)
    assert "*" in rows[1][4]
    assert not exports.ExportLog.objects.filter(user=auditor).first().full_id_numbers
