"""The real import: through the one write path, as 导入 events with historical dates, by the
importing user, in one transaction per batch; scope; re-imports; the two modes."""

import datetime as dt

import pytest
from guardian.shortcuts import remove_perm

from branches.models import Role
from branches.permissions import forget_cached_grants
from cases import services
from cases.models import (
    Case,
    CaseEvent,
    EventSource,
    Meeting,
    Outcome,
    Person,
    Publicity,
    Stage,
    StepRecord,
    Vote,
)
from cases.selectors import filings_due_for
from cases.services import backfill
from cases.services.events import verify_chain
from imports.importer import batches, checker, import_batch, store_path
from imports.models import ImportBatch, ImportStatus
from tests import factories as f
from tests.imports.conftest import full_row, person, until
from tests.imports.test_rule_codes import ROW_2026

pytestmark = pytest.mark.django_db
d = dt.date


@pytest.fixture
def run(book, today):
    """run(rows, user, mode="all_or_nothing", reason="") → the import's audit row."""

    def go(rows, user, mode="all_or_nothing", reason="", **kwargs):
        batch, _ = import_batch(store_path(book(rows)), user=user, mode=mode, warning_reason=reason, **kwargs)
        return batch

    return go


def nothing_written():
    return not any(
        m.objects.exists() for m in (Case, Person, CaseEvent, StepRecord, Meeting, Vote, Publicity)
    )


def test_a_converted_person_is_imported_to_archiving(county, secretary, run):
    batch = run([full_row()], secretary)
    assert (batch.status, batch.rows_imported, batch.dry_run) == (ImportStatus.IMPORTED, 1, False)

    case = Case.objects.get()
    assert (case.outcome, case.stage, case.steps_done) == (Outcome.ARCHIVED, Stage.FULL_MEMBER, 25)
    assert case.probation_start == d(2022, 5, 20) and case.probation_end == d(2023, 5, 20)
    assert case.full_member_on == d(2023, 5, 20)  # 党龄 from the probation end
    steps = CaseEvent.objects.filter(case=case, kind="step")
    assert steps.count() == 25
    assert {e.source for e in CaseEvent.objects.filter(case=case)} == {EventSource.IMPORT}
    assert steps.get(step="conversion_approval").get_source_display() == "导入"
    assert {e.actor for e in CaseEvent.objects.filter(case=case)} == {secretary}
    assert steps.get(step="initial_talk").occurred_on == d(2021, 1, 20)  # the historical date
    assert all(r.recorded_by == secretary for r in StepRecord.objects.filter(case=case))
    assert verify_chain(case) == []


def test_steps_without_a_column_are_dated_by_the_documented_mapping(county, secretary, run):
    run([full_row()], secretary)
    on = dict(StepRecord.objects.values_list("step", "on"))
    assert on["contacts_assigned"] == d(2021, 3, 1)  # 确定积极分子日期
    assert on["activist_cultivation"] == d(2022, 3, 7)  # 确定发展对象日期
    assert on["introducers_assigned"] == d(2022, 3, 15)  # 发展对象备案日期
    assert on["application_form"] == d(2022, 5, 6)  # 预审日期
    assert on["admission_filing"] == d(2022, 6, 15)  # 党委审批日期
    assert on["group_placement"] == d(2022, 7, 1)  # 入党宣誓日期
    assert on["probation_education"] == d(2023, 5, 10)  # 转正申请日期
    implied = StepRecord.objects.get(step="group_placement")
    assert "日期同入党宣誓日期" in implied.note


def test_people_meetings_votes_and_data_are_recorded(county, secretary, run):
    run([full_row()], secretary)
    contacts = StepRecord.objects.get(step="contacts_assigned")
    assert sorted(m.name for m in contacts.people.all()) == ["城关一党员0", "城关一党员1"]
    meeting = StepRecord.objects.get(step="admission_meeting").meeting
    assert (meeting.entitled, meeting.present, meeting.org) == (8, 8, county.branch)
    assert Vote.objects.get(step="admission_meeting").yes == 8
    assert StepRecord.objects.get(step="political_review").data == {"conclusion": "合格"}
    assert StepRecord.objects.get(step="intensive_training").data == {"days": 0, "hours": 24}
    assert StepRecord.objects.get(step="conversion_meeting").data == {"resolution": "convert"}
    assert (
        StepRecord.objects.get(step="admission_approval").meeting is None
    )  # no 党委会 tally in the template


def test_a_2026_row_records_its_publicity_and_dates_introducers_after_it(county, secretary, run):
    batch = run([ROW_2026], secretary)
    assert batch.status == ImportStatus.IMPORTED, batch.report
    publicity = Publicity.objects.get()
    assert (publicity.start_on, publicity.end_on) == (d(2026, 5, 26), d(2026, 6, 1))
    assert StepRecord.objects.get(step="introducers_assigned").on == d(2026, 6, 2)
    assert StepRecord.objects.get(step="introducers_assigned").rule_set == "2026"


def test_a_case_under_way_keeps_its_next_step(county, secretary, run):
    run([until("确定发展对象日期")], secretary)
    case = Case.objects.get()
    assert (case.stage, case.next_step, case.outcome) == (Stage.TARGET, "target_filing", "")


def test_a_recent_approval_is_left_for_the_department_to_file(county, secretary, auditor, run):
    run([until("党委审批日期")], secretary)
    case = Case.objects.get()
    assert case.stage == Stage.PROBATIONARY
    assert not case.records.filter(step="admission_filing").exists()
    assert list(filings_due_for(auditor)) == [case]


def test_warnings_need_one_reason_recorded_on_each_warned_step(county, secretary, run):
    late = [full_row(谈话日期=d(2021, 2, 6)), person(2, 是否团员="是")]
    refused = run(late, secretary)
    assert refused.status == ImportStatus.FAILED and "预警说明" in refused.error
    assert nothing_written()

    batch = run(late, secretary, reason="档案补录，按原始记录登记")
    assert batch.status == ImportStatus.IMPORTED and batch.rows_warned == 2
    talk = CaseEvent.objects.get(step="initial_talk", case__person__name="张建国")
    assert talk.warnings[0]["code"] == "W01" and talk.warnings[0]["reason"] == "档案补录，按原始记录登记"
    selection = CaseEvent.objects.get(step="activist_selection", case__person__name=person(2)["姓名"])
    assert selection.warnings[0]["code"] == "W02"
    assert not CaseEvent.objects.filter(step="oath").exclude(warnings=[]).exists()


def test_all_or_nothing_writes_nothing_when_a_row_has_errors(county, secretary, run):
    batch = run([person(1), person(2, 集中培训学时=10), person(3)], secretary)
    assert batch.status == ImportStatus.FAILED and "有 1 行存在错误" in batch.error
    assert (batch.rows_valid, batch.rows_invalid, batch.rows_imported) == (2, 1, 0)
    assert nothing_written()


def test_only_valid_rows_skips_the_rows_with_errors(county, secretary, run):
    batch = run([person(1), person(2, 集中培训学时=10), person(3)], secretary, mode="valid_only")
    assert (batch.status, batch.rows_imported) == (ImportStatus.IMPORTED, 2)
    assert set(Person.objects.values_list("name", flat=True)) == {person(1)["姓名"], person(3)["姓名"]}
    statuses = {r["row"]: r["status"] for r in batch.report}
    assert statuses == {2: "imported", 3: "invalid", 4: "imported"}


@pytest.fixture
def third_row_fails(monkeypatch):
    """The write's decision refuses the 3rd data row, which the check accepted: the database
    changed in between (a race); the dry run, deciding the same history, is not touched."""
    original = backfill.decide_history
    doomed = person(3)["公民身份号码"]

    def decide_history(item, **kwargs):
        decided = original(item, **kwargs)
        if item.person["id_number"] == doomed:
            decided.refusal = services.StepNotAllowed("检查后数据已变化：确定发展对象已由他人记录")
        return decided

    def still_as_decided(histories, actor, rules):  # the write finds the 3rd row's data changed
        same, changed = original_still(histories, actor, rules)
        moved = [h for h in same if h.item.person["id_number"] == doomed]
        return [h for h in same if h not in moved], changed + moved

    original_still = backfill._still_as_decided
    monkeypatch.setattr(backfill, "decide_history", decide_history)
    monkeypatch.setattr(backfill, "_still_as_decided", still_as_decided)


def test_it_writes_the_histories_its_check_decided_without_deciding_them_again(
    county, secretary, run, monkeypatch
):
    decided = {"check": 0, "write": 0}

    def counting(where, original):
        def decide_history(item, **kwargs):
            decided[where] += 1
            return original(item, **kwargs)

        return decide_history

    monkeypatch.setattr(checker, "decide_history", counting("check", checker.decide_history))
    monkeypatch.setattr(backfill, "decide_history", counting("write", backfill.decide_history))
    batch = run([person(1), person(2)], secretary)
    assert (batch.status, batch.rows_imported) == (ImportStatus.IMPORTED, 2)
    assert decided == {"check": 2, "write": 0}
    assert Person.objects.count() == 2 and all(p.name_initials for p in Person.objects.all())
    for case in Case.objects.all():  # completed as a write: events chained, summary columns set
        assert verify_chain(case) == [] and case.events.filter(kind="open").count() == 1
        # the opening, each step, and the materials recorded as on paper (历史材料纸质存档)
        assert case.events.count() == case.records.count() + 2 and case.steps_done > 0
        assert case.events.filter(kind="waiver").count() == 1 and case.materials_missing == 0


def test_it_decides_again_a_history_whose_grant_was_withdrawn_since_its_check(
    county, secretary, run, monkeypatch
):
    write_rows = batches.write_rows

    def withdraw_then_write(*args, **kwargs):
        remove_perm(f"branches.{Role.BRANCH_SECRETARY.permission}", secretary, county.branch)
        forget_cached_grants(secretary)
        return write_rows(*args, **kwargs)

    monkeypatch.setattr(batches, "write_rows", withdraw_then_write)
    batch = run([person(1)], secretary)
    assert batch.status == ImportStatus.FAILED and "第2行写入被拒绝" in batch.error
    assert nothing_written()


def test_all_or_nothing_rolls_back_everything_on_a_failure_mid_batch(county, secretary, run, third_row_fails):
    batch = run([person(1), person(2), person(3), person(4)], secretary)
    assert batch.status == ImportStatus.FAILED
    assert "第4行写入被拒绝，整批已回滚" in batch.error
    assert batch.rows_imported == 0
    failed = next(r for r in batch.report if r["row"] == 4)
    assert failed["status"] == "failed" and any("检查后数据已变化" in m for m in failed["messages"])
    assert nothing_written()
    assert ImportBatch.objects.filter(pk=batch.pk).exists()  # the audit survives the rollback


def test_only_valid_rows_rolls_back_only_the_failing_row(county, secretary, run, third_row_fails):
    batch = run([person(1), person(2), person(3), person(4)], secretary, mode="valid_only")
    assert (batch.status, batch.rows_imported) == (ImportStatus.IMPORTED, 3)
    assert not Person.objects.filter(id_number=person(3)["公民身份号码"]).exists()
    assert Case.objects.count() == 3 and Case.objects.filter(outcome=Outcome.ARCHIVED).count() == 3


@pytest.fixture
def written_meanwhile(monkeypatch):
    """Between the check and the bulk save, someone else writes the person of the 3rd data row:
    the last-moment lookup misses it (as in a race), so only the database's unique key stops it."""
    doomed = person(3)["公民身份号码"]
    original = backfill._still_as_decided

    def still_as_decided(histories, actor, rules):  # the write's last look before it saves
        if not Person.objects.filter(id_number=doomed).exists():
            Person.objects.create(**{**f.person(name="另一人"), "id_number": doomed})
        return original(histories, actor, rules)

    monkeypatch.setattr(backfill, "_still_as_decided", still_as_decided)
    monkeypatch.setattr(backfill, "_drop_taken_ids", lambda decided, refused: decided)
    return doomed


def test_only_valid_rows_leaves_out_a_person_written_meanwhile(county, secretary, run, written_meanwhile):
    batch = run([person(1), person(2), person(3), person(4)], secretary, mode="valid_only")
    assert (batch.status, batch.rows_imported) == (ImportStatus.IMPORTED, 3)
    refused = next(r for r in batch.report if r["row"] == 4)
    assert refused["status"] == "failed" and any("已在系统中登记" in m for m in refused["messages"])
    assert Person.objects.get(id_number=written_meanwhile).name == "另一人"  # theirs, untouched
    assert Case.objects.count() == 3 and all(verify_chain(c) == [] for c in Case.objects.all())


def test_all_or_nothing_rolls_back_when_a_person_was_written_meanwhile(
    county, secretary, run, written_meanwhile
):
    batch = run([person(1), person(2), person(3), person(4)], secretary)
    assert batch.status == ImportStatus.FAILED and "第4行写入被拒绝，整批已回滚" in batch.error
    assert not Case.objects.exists() and not StepRecord.objects.exists() and not CaseEvent.objects.exists()


def test_reimporting_the_same_file_creates_no_duplicates(county, secretary, run):
    rows = [person(1), until("确定发展对象日期", **{k: person(2)[k] for k in ("姓名", "公民身份号码")})]
    first = run(rows, secretary)
    events = CaseEvent.objects.count()
    again = run(rows, secretary)
    assert first.rows_imported == 2
    assert (again.status, again.rows_imported, again.rows_skipped) == (ImportStatus.IMPORTED, 0, 2)
    assert Case.objects.count() == 2 and CaseEvent.objects.count() == events
    assert all("视为已导入，本行跳过" in r["messages"][0] for r in again.report)

    more = run([*rows, person(5)], secretary, mode="valid_only")
    assert (more.rows_imported, more.rows_skipped) == (1, 2) and Case.objects.count() == 3


def test_a_repeated_id_number_within_the_file(county, secretary, run):
    batch = run([person(1), person(1)], secretary, mode="valid_only")
    assert batch.rows_imported == 1
    assert "与第2行重复" in batch.report[1]["messages"][0]


def test_a_secretary_cannot_import_into_another_branch(county, secretary, run):
    batch = run(
        [
            person(
                1,
                所在党支部="河口镇第一党支部",
                培养联系人="河口一党员0",
                入党介绍人="河口一党员1、河口一党员2",
            )
        ],
        secretary,
    )
    assert batch.status == ImportStatus.FAILED
    assert "「河口镇第一党支部」不在您的管理范围内" in batch.report[0]["messages"][0]
    assert nothing_written()


def test_an_unknown_branch(county, secretary, run):
    batch = run([person(1, 所在党支部="不存在的支部")], secretary)
    assert "未找到党支部「不存在的支部」" in batch.report[0]["messages"][0] and nothing_written()


def test_branch_by_code_or_short_name_and_the_default_branch(county, secretary, run):
    rows = [person(1, 所在党支部="CG01"), person(2, 所在党支部="城关一"), person(3, 所在党支部=None)]
    batch = run(rows, secretary, default_branch=county.branch, source="command")
    assert batch.rows_imported == 3 and set(Case.objects.values_list("branch", flat=True)) == {
        county.branch.pk
    }


def test_a_committee_officer_imports_for_the_branches_below(county, officer, run):
    rows = [
        person(1),
        person(
            2,
            所在党支部="CG02",
            培养联系人="社区二党员0",
            入党介绍人="社区二党员1、社区二党员2",
            接收大会应到人数=5,
            接收大会实到人数=5,
            接收大会赞成票数=5,
            转正大会应到人数=5,
            转正大会实到人数=5,
            转正大会赞成票数=5,
        ),
        person(3, 所在党支部="HK01"),
    ]
    batch = run(rows, officer, mode="valid_only")
    assert batch.rows_imported == 2, batch.report
    assert {e.role for e in CaseEvent.objects.filter(kind="step")} == {Role.COMMITTEE_OFFICER}
    assert "不在您的管理范围内" in batch.report[2]["messages"][0]


@pytest.mark.parametrize("persona", ["auditor", "reviewer"])
def test_roles_without_import_rights_import_nothing(county, request, run, persona):
    batch = run([person(1)], request.getfixturevalue(persona), mode="valid_only")
    assert batch.status == ImportStatus.FAILED and nothing_written()


def test_a_closed_case_counts_as_already_imported(county, secretary, run, today):
    case = f.new_case(
        county.branch,
        secretary,
        applied_on=d(2021, 1, 5),
        **{"name": "张建国", "id_number": full_row()["公民身份号码"], "birth": d(1995, 3, 15)},
    )
    services.close_case(case=case, outcome="withdrawn", on=d(2021, 2, 1), reason="本人撤回", actor=secretary)
    batch = run([full_row()], secretary)
    assert batch.rows_skipped == 1 and Case.objects.count() == 1


def test_a_crashed_worker_task_marks_the_batch_failed(county, secretary, book, monkeypatch, today):
    from imports.importer import background, batches
    from imports.tasks import import_batch_task

    stored = store_path(book([person(1)]))
    queued = batches.new_batch(
        stored, user=secretary, source="web", dry_run=False, mode="valid_only", status=ImportStatus.QUEUED
    )
    queued.save()
    monkeypatch.setattr(
        background, "run_import", lambda batch, progress: (_ for _ in ()).throw(MemoryError("out of memory"))
    )
    import_batch_task.apply(args=[queued.pk], throw=False)  # as a worker runs it: errors not re-raised
    queued.refresh_from_db()
    assert queued.status == ImportStatus.FAILED and "MemoryError" in queued.error
    assert nothing_written()


def test_an_archived_history_imports_with_its_materials_waived_as_on_paper(county, secretary, run):
    """E15 does not judge a backfill (scans are not importable): the import records each required
    material of its steps as waived 「历史材料纸质存档」, so the archived file shows no gap; a case
    continued in the system after an import is held to E15 for its new steps (tests/cases/test_checklist)."""
    from cases import steps
    from cases.models import MaterialWaiver

    batch = run([person(1)], secretary)
    assert (batch.status, batch.rows_imported) == (ImportStatus.IMPORTED, 1)
    case = Case.objects.get()
    assert case.outcome == "archived" and case.materials_missing == 0
    waivers = MaterialWaiver.objects.filter(case=case)
    done = set(case.records.filter(is_current=True).values_list("step", flat=True))
    assert {(w.step, w.item) for w in waivers} == {(s.code, m.key) for s, m in steps.required_materials(done)}
    assert {w.reason for w in waivers} == {services.PAPER_ARCHIVE}
    assert all(w.waived_by == secretary for w in waivers)


def test_e15_is_not_judged_on_a_backfill_but_is_on_a_live_attempt():
    from cases import steps
    from cases.rules import Attempt, CaseFacts, evaluate

    facts = CaseFacts(birth_date=dt.date(1990, 1, 1), done={c: dt.date(2024, 1, 1) for c in steps.CODES[:-1]})
    attempt = dict(step=steps.get("archiving"), on=dt.date(2024, 6, 1), case=facts, today=dt.date(2024, 6, 2))
    assert "E15" in [x.code for x in evaluate(Attempt(**attempt, rule_set="2014"))]
    assert "E15" not in [x.code for x in evaluate(Attempt(**attempt, rule_set="2014", historical=True))]
    facts.materials = {f"{s.code}:{m.key}" for s, m in steps.required_materials(steps.CODES)}
    assert "E15" not in [x.code for x in evaluate(Attempt(**attempt, rule_set="2014"))]
