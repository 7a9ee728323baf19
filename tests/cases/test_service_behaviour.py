"""The write path beyond the rules: double submits, closed cases, roles and scope, submissions
upward, side outcomes, transfers, and the probation extension and cancellation paths."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from cases import services, steps
from cases.dates import add_months, add_years
from cases.models import CaseEvent, Outcome, Stage, StepRecord, Submission, SubmissionStatus
from cases.rules import VoteFacts
from cases.services import InvalidInput, StepBlocked, StepNotAllowed
from cases.services.events import verify_chain
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db

d = dt.date


def on_of(case, code: str) -> dt.date:
    return StepRecord.objects.get(case=case, step=code, is_current=True).on


def last_event(case) -> CaseEvent:
    return CaseEvent.objects.filter(case=case).order_by("-pk").first()


@pytest.fixture
def general_case(county, secretary_under_reviewer, general_crew):
    """A case at a branch under the 党总支, at activist_selection, its filing submitted to the 党总支."""
    case = f.new_case(county.branch_under_reviewer, secretary_under_reviewer, applied_on=d(2023, 2, 1))
    advance(case, general_crew, until="activist_selection")
    services.submit(
        case=case, step_code="activist_filing", on=case.activist_on, actor=secretary_under_reviewer
    )
    return case


# ---- double submit and closed cases --------------------------------------------------------------


def test_a_step_recorded_twice_is_refused_naming_the_first_record(case, crew, kit, unchanged):
    kit.do(case, "initial_talk", d(2023, 1, 20), crew)
    with unchanged(case), pytest.raises(StepNotAllowed) as exc:
        kit.do(case, "initial_talk", d(2023, 1, 21), crew)
    assert "已于 2023-01-20" in str(exc.value) and "李书记" in str(exc.value)
    assert StepRecord.objects.filter(case=case, step="initial_talk").count() == 1
    assert CaseEvent.objects.filter(case=case, step="initial_talk").count() == 1


def test_it_refuses_a_second_submission_of_the_same_report(case, crew, kit, unchanged):
    advance(case, crew, until="activist_selection")
    services.submit(case=case, step_code="activist_filing", on=case.activist_on, actor=crew.secretary)
    with unchanged(case), pytest.raises(StepNotAllowed, match="已报送"):
        services.submit(case=case, step_code="activist_filing", on=case.activist_on, actor=crew.secretary)
    kit.do(case, "activist_filing", case.activist_on, crew)
    with unchanged(case), pytest.raises(StepNotAllowed, match="已办结"):
        services.submit(case=case, step_code="activist_filing", on=case.activist_on, actor=crew.secretary)


def test_it_refuses_steps_on_a_closed_case(case, crew, kit, unchanged):
    services.close_case(
        case=case, outcome=Outcome.WITHDRAWN, on=d(2023, 1, 15), reason="本人书面撤回", actor=crew.secretary
    )
    with unchanged(case), pytest.raises(StepNotAllowed, match="案例已结束"):
        kit.do(case, "initial_talk", d(2023, 1, 20), crew)
    with unchanged(case), pytest.raises(StepNotAllowed):
        services.close_case(
            case=case, outcome=Outcome.WITHDRAWN, on=d(2023, 1, 16), reason="再次", actor=crew.secretary
        )


# ---- roles and scope -----------------------------------------------------------------------------


def test_it_refuses_every_persona_outside_its_role_or_scope(case, crew, kit, unchanged, personas):
    advance(case, crew, until="activist_selection")
    on = case.activist_on + dt.timedelta(days=3)
    services.submit(case=case, step_code="activist_filing", on=on, actor=crew.secretary)
    refused = {
        "contacts_assigned": (
            "outsider",
            "officer_b",
            "reviewer",
            "officer",
            "auditor",
            "secretary_under_reviewer",
        ),
        "activist_filing": (
            "outsider",
            "officer_b",
            "reviewer",
            "secretary",
            "auditor",
            "secretary_under_reviewer",
        ),
    }
    for code, names in refused.items():
        for name in names:
            with unchanged(case), pytest.raises(PermissionDenied):
                kit.do(case, code, on, crew, actor=personas[name], submit=False)
    # The right persona for each step still gets through.
    assert kit.do(case, "contacts_assigned", on, crew, actor=personas["secretary"]).org == case.branch
    assert (
        kit.do(case, "activist_filing", on, crew, actor=personas["officer"], submit=False).recorded_by
        == crew.officer
    )


def test_it_refuses_a_reviewer_a_committee_step_on_a_case_in_its_scope(general_case, reviewer, unchanged):
    given = services.StepInput(on=general_case.activist_on)
    with unchanged(general_case), pytest.raises(PermissionDenied):
        services.perform_step(case=general_case, step_code="activist_filing", given=given, actor=reviewer)


def test_it_refuses_a_committee_officer_of_another_township(case, crew, officer_b, kit, unchanged):
    advance(case, crew, until="activist_selection")
    services.submit(case=case, step_code="activist_filing", on=case.activist_on, actor=crew.secretary)
    with unchanged(case), pytest.raises(PermissionDenied):
        kit.do(case, "activist_filing", case.activist_on, crew, actor=officer_b)
    with unchanged(case), pytest.raises(PermissionDenied):
        services.return_submission(
            submission=Submission.objects.get(case=case), actor=officer_b, reason="不属本镇"
        )


def test_it_refuses_to_open_a_case_outside_the_secretarys_branch(county, secretary):
    with pytest.raises(PermissionDenied):
        services.open_case(
            branch=county.other_branch, person=f.person(), applied_on=d(2023, 1, 1), actor=secretary
        )


# ---- submissions ---------------------------------------------------------------------------------


def test_it_refuses_a_committee_step_that_was_never_submitted(case, crew, kit, unchanged):
    advance(case, crew, until="activist_selection")
    with unchanged(case), pytest.raises(StepNotAllowed, match="尚未报送"):
        kit.do(case, "activist_filing", case.activist_on, crew, submit=False)


def test_it_waits_for_the_general_branch_to_forward_before_the_committee_decides(
    county, general_case, reviewer, officer, unchanged
):
    submission = Submission.objects.get(case=general_case, step="activist_filing")
    given = services.StepInput(on=general_case.activist_on)
    with unchanged(general_case), pytest.raises(StepNotAllowed, match="城关社区党总支"):
        services.perform_step(case=general_case, step_code="activist_filing", given=given, actor=officer)
    with unchanged(general_case), pytest.raises(PermissionDenied):
        services.return_submission(submission=submission, actor=officer, reason="committee cannot see it yet")

    services.forward(submission=submission, actor=reviewer, opinion="同意", on=general_case.activist_on)
    submission.refresh_from_db()
    assert submission.at_org == county.town and submission.reviewed[0]["opinion"] == "同意"
    assert last_event(general_case).kind == "review"

    services.perform_step(case=general_case, step_code="activist_filing", given=given, actor=officer)
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.DONE and submission.closed_at is not None
    with pytest.raises(StepNotAllowed):
        services.forward(submission=submission, actor=reviewer)


def test_it_returns_a_submission_only_with_a_reason_the_branch_can_read(case, crew, kit, unchanged):
    advance(case, crew, until="activist_selection")
    submission = services.submit(
        case=case, step_code="activist_filing", on=case.activist_on, actor=crew.secretary
    )
    for blank in ("", "   "):
        with unchanged(case), pytest.raises(InvalidInput, match="理由"):
            services.return_submission(submission=submission, actor=crew.officer, reason=blank)

    services.return_submission(submission=submission, actor=crew.officer, reason="缺少团组织推优表")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.RETURNED and submission.return_reason == "缺少团组织推优表"
    event = last_event(case)
    assert event.kind == "return" and event.note == "缺少团组织推优表" and "缺少团组织推优表" in event.summary
    assert event.actor == crew.officer and event.role == "committee_officer"

    with unchanged(case), pytest.raises(StepNotAllowed, match="尚未报送"):
        kit.do(case, "activist_filing", case.activist_on, crew, submit=False)
    kit.do(case, "activist_filing", case.activist_on, crew)  # the branch submits again
    assert case.records.filter(step="activist_filing").exists()


# ---- side outcomes -------------------------------------------------------------------------------


def close(case, outcome, actor, reason="说明"):
    return services.close_case(case=case, outcome=outcome, on=d(2024, 6, 1), reason=reason, actor=actor)


def test_it_closes_an_applicant_only_as_withdrawn(case, crew, unchanged):
    for outcome in (Outcome.DEACTIVATED, Outcome.ADMISSION_REJECTED, Outcome.ARCHIVED):
        with unchanged(case), pytest.raises(StepNotAllowed):
            close(case, outcome, crew.secretary)
    for blank in ("", "  "):
        with unchanged(case), pytest.raises(InvalidInput):
            close(case, Outcome.WITHDRAWN, crew.secretary, reason=blank)
    close(case, Outcome.WITHDRAWN, crew.secretary, reason="本人书面申请撤回")
    case.refresh_from_db()
    assert (case.outcome, case.outcome_on, case.outcome_reason) == (
        "withdrawn",
        d(2024, 6, 1),
        "本人书面申请撤回",
    )
    assert case.next_step == ""
    event = last_event(case)
    assert event.kind == "outcome" and "本人书面申请撤回" in event.summary


def test_it_closes_an_activist_as_deactivated_but_not_as_rejected(case, crew, unchanged):
    advance(case, crew, until="activist_selection")
    with unchanged(case), pytest.raises(StepNotAllowed):
        close(case, Outcome.ADMISSION_REJECTED, crew.secretary)
    close(case, Outcome.DEACTIVATED, crew.secretary)
    case.refresh_from_db()
    assert case.outcome == Outcome.DEACTIVATED and case.stage == Stage.ACTIVIST


def test_it_lets_the_committee_record_a_rejected_admission_of_a_target(case, crew, unchanged):
    advance(case, crew, until="target_selection")
    with unchanged(case), pytest.raises(PermissionDenied):
        close(case, Outcome.WITHDRAWN, crew.officer)  # only the branch records a withdrawal
    close(case, Outcome.ADMISSION_REJECTED, crew.officer, reason="党委会未通过")
    case.refresh_from_db()
    assert case.outcome == Outcome.ADMISSION_REJECTED


def test_it_lets_the_person_apply_again_after_a_withdrawal(county, crew, unchanged):
    person = f.person()
    first = services.open_case(
        branch=county.branch, person=person, applied_on=d(2023, 1, 10), actor=crew.secretary
    )
    with pytest.raises(InvalidInput, match="已有进行中的案例"):
        services.open_case(
            branch=county.branch, person=person, applied_on=d(2023, 2, 10), actor=crew.secretary
        )
    close(first, Outcome.WITHDRAWN, crew.secretary)
    second = services.open_case(
        branch=county.branch, person=person, applied_on=d(2024, 7, 1), actor=crew.secretary
    )
    assert second.person_id == first.person_id and second.is_open and second.applied_on == d(2024, 7, 1)


# ---- transfer ------------------------------------------------------------------------------------


def test_it_carries_the_cultivation_time_over_to_the_receiving_branch(
    county, case, crew, kit, general_crew, unchanged
):
    advance(case, crew, until="activist_cultivation")
    activist_on = case.activist_on
    done_before = set(case.records.filter(is_current=True).values_list("step", flat=True))
    new = services.transfer_case(
        case=case,
        to_branch=county.branch_under_reviewer,
        on=activist_on + dt.timedelta(days=200),
        reason="工作调动",
        actor=crew.secretary,
    )
    case.refresh_from_db()
    assert case.outcome == Outcome.TRANSFERRED_OUT and not case.is_open
    assert new.is_open and new.branch == county.branch_under_reviewer and new.transferred_from == case
    assert new.activist_on == activist_on and new.stage == Stage.ACTIVIST
    assert set(new.records.filter(is_current=True).values_list("step", flat=True)) == done_before
    opened = CaseEvent.objects.filter(case=new).order_by("pk").first()
    assert opened.kind == "open" and opened.source == "transfer" and "培养时间连续计算" in opened.summary
    assert verify_chain(new) == [] and verify_chain(case) == []

    year = add_years(activist_on, 1)
    with unchanged(new), pytest.raises(StepBlocked) as exc:
        kit.do(new, "target_selection", year - dt.timedelta(days=1), general_crew)
    assert [x.code for x in exc.value.findings] == ["E04"] and f"最早可于 {year}" in exc.value.findings[
        0
    ].message
    kit.do(new, "target_selection", year, general_crew)

    with pytest.raises(StepNotAllowed):  # the old case is closed for good
        kit.do(case, "target_selection", year, crew)
    with unchanged(new), pytest.raises(PermissionDenied):  # the sending branch has no say any more
        kit.do(new, "introducers_assigned", year, crew, actor=crew.secretary)


def test_it_refuses_a_transfer_to_the_same_branch_or_a_non_branch(county, case, crew, unchanged):
    for target in (county.branch, county.general):
        with unchanged(case), pytest.raises(InvalidInput):
            services.transfer_case(
                case=case, to_branch=target, on=d(2023, 3, 1), reason="x", actor=crew.secretary
            )


# ---- probation: extension and cancellation -------------------------------------------------------


def test_it_extends_probation_once_and_reopens_the_conversion_steps(case, crew, kit, unchanged):
    advance(case, crew, until="conversion_application")
    end = case.probation_end
    kit.do(case, "conversion_meeting", end, crew, data={"resolution": "extend", "extension_months": 6})
    kit.do(case, "conversion_approval", end + dt.timedelta(days=20), crew)

    case.refresh_from_db()
    new_end = add_months(end, 6)
    assert (case.probation_end, case.extension_months, case.full_member_on) == (new_end, 6, None)
    assert case.stage == Stage.PROBATIONARY and case.next_step == "conversion_application"
    current = set(case.records.filter(is_current=True).values_list("step", flat=True))
    assert not current & set(steps.REOPENED_BY_EXTENSION)
    assert case.records.filter(step__in=steps.REOPENED_BY_EXTENSION, is_current=False).count() == 3
    assert case.records.get(step="conversion_approval").data["resolution"] == "extend"

    kit.do(case, "conversion_application", new_end - dt.timedelta(days=10), crew)
    with unchanged(case), pytest.raises(StepBlocked) as exc:  # E10 now counts from the extended end
        kit.do(case, "conversion_meeting", new_end - dt.timedelta(days=1), crew)
    assert [x.code for x in exc.value.findings] == ["E10"] and f"最早可于 {new_end}" in str(exc.value)
    with unchanged(case), pytest.raises(StepBlocked) as exc:
        kit.do(
            case, "conversion_meeting", new_end, crew, data={"resolution": "extend", "extension_months": 6}
        )
    assert [x.code for x in exc.value.findings] == ["E11"] and "只能延长一次" in str(exc.value)

    kit.do(case, "conversion_meeting", new_end, crew)
    kit.do(case, "conversion_approval", new_end + dt.timedelta(days=20), crew)
    case.refresh_from_db()
    assert case.stage == Stage.FULL_MEMBER and case.full_member_on == new_end  # 党龄 from the extended end
    assert verify_chain(case) == []


def test_it_cancels_a_probationary_membership_through_meeting_and_approval(case, crew, kit, unchanged):
    advance(case, crew, until="conversion_application")
    for outcome in (Outcome.WITHDRAWN, Outcome.DEACTIVATED, Outcome.ADMISSION_REJECTED):
        with unchanged(case), pytest.raises(StepNotAllowed):
            close(case, outcome, crew.secretary)
    early = on_of(case, "conversion_application")
    assert early < case.probation_end  # a cancellation need not wait for the probation end
    kit.do(case, "conversion_meeting", early, crew, data={"resolution": "cancel"}, note="严重违反党的纪律")
    kit.do(case, "conversion_approval", early + dt.timedelta(days=10), crew)

    case.refresh_from_db()
    assert case.outcome == Outcome.PROBATION_CANCELLED and not case.is_open
    assert case.outcome_reason == "严重违反党的纪律" and case.full_member_on is None
    assert case.stage == Stage.PROBATIONARY and case.next_step == ""
    with unchanged(case), pytest.raises(StepNotAllowed):
        kit.do(case, "archiving", early + dt.timedelta(days=20), crew)


# ---- identity numbers as typed -------------------------------------------------------------------


def _as_typed(number: str) -> str:
    """The same number typed with a Chinese input method: full-width, spaced, lower-case x."""
    full_width = "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c for c in number[:-1])
    return f" {full_width[:6]}　{full_width[6:]}{number[-1].lower()} "


def test_it_stores_an_id_number_typed_in_full_width_as_ascii_and_sees_the_duplicate(county, crew):
    person = f.person(birth=d(1990, 5, 1))
    number = person["id_number"]
    person["id_number"] = _as_typed(number)
    assert person["id_number"] != number
    case = services.open_case(
        branch=county.branch, person=person, applied_on=d(2023, 1, 10), actor=crew.secretary
    )
    case.person.refresh_from_db()
    assert case.person.id_number == number
    with pytest.raises(InvalidInput, match="已有进行中的案例"):
        services.open_case(
            branch=county.branch,
            person={**person, "id_number": number},
            applied_on=d(2023, 2, 1),
            actor=crew.secretary,
        )


def test_it_normalizes_an_id_number_changed_later(case, crew):
    number = case.person.id_number
    services.update_person(
        case=case, changes={"id_number": _as_typed(number)}, reason="更正登记错误", actor=crew.secretary
    )
    case.person.refresh_from_db()
    assert case.person.id_number == number
    assert last_event(case).summary == "修改：无变化"


# ---- meetings ------------------------------------------------------------------------------------


def test_it_counts_a_vote_only_at_the_meeting_that_decides_the_step(
    county, case, crew, kit, outsider, unchanged
):
    advance(case, crew, until="application_form")
    on = on_of(case, "application_form") + dt.timedelta(days=5)
    # 3 of a 支委会 of 5 would pass E09; the 支部大会 of 8 decides admission.
    committee = services.record_meeting(
        org=county.branch,
        body=steps.Body.BRANCH_COMMITTEE,
        held_on=on,
        entitled=5,
        present=3,
        actor=crew.secretary,
    )
    elsewhere = services.record_meeting(
        org=county.other_branch,
        body=steps.Body.BRANCH_ASSEMBLY,
        held_on=on,
        entitled=4,
        present=4,
        actor=outsider,
    )
    for meeting in (committee, elsewhere):
        given = kit.step_input(case, "admission_meeting", on, crew)
        given.meeting, given.vote = meeting, VoteFacts(yes=meeting.present)
        with unchanged(case), pytest.raises(StepNotAllowed, match="不是办理「支部大会讨论」的会议"):
            services.perform_step(case=case, step_code="admission_meeting", given=given, actor=crew.secretary)
    kit.do(case, "admission_meeting", on, crew)
    assert case.records.get(step="admission_meeting").meeting.body == steps.Body.BRANCH_ASSEMBLY


def test_closing_a_case_withdraws_its_pending_reports(county, secretary, crew):
    import datetime as dt

    from cases import services
    from cases.models import SubmissionStatus
    from demo.journey import advance
    from tests.factories import new_case

    case = new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, crew, until="activist_selection")
    submission = services.submit(
        case=case, step_code="activist_filing", on=dt.date(2023, 3, 25), actor=secretary
    )
    services.close_case(
        case=case, outcome="withdrawn", on=dt.date(2023, 4, 1), reason="本人书面申请撤回", actor=secretary
    )
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.WITHDRAWN
