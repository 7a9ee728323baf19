"""Deciding queue items in a batch: each through the one write path, a blocked one alone."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import CaseEvent, Meeting, StepRecord, Submission, Vote
from cases.rules import VoteFacts
from cases.services import InvalidInput
from reviews import selectors, services
from reviews.models import Letter, LetterEntry
from reviews.queues import BY_SLUG

pytestmark = pytest.mark.django_db

ADMISSION = BY_SLUG["admission_approval"]


def items(user, queue):
    return list(selectors.queue_items(user, queue).order_by("pk"))


def test_a_batch_with_one_blocked_case_decides_the_others(
    county, secretary, officer, crew, scene, django_capture_on_commit_callbacks
):
    cases = scene.new_cases(county, secretary, 3, names=["张三", "李四", "王五"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)
    queued = items(officer, ADMISSION)
    failing = queued[1]  # 李四: 3 yes of 7 entitled fails E09

    with django_capture_on_commit_callbacks(execute=True):
        result = services.decide_batch(
            queue=ADMISSION,
            action="approve",
            items=queued,
            actor=officer,
            new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=6),
            votes=scene.tallies(queued, 6) | {failing.pk: VoteFacts(yes=3, no=3)},
        )

    assert [i.name for i in result.succeeded] == ["张三", "王五"]
    [blocked] = result.failed
    assert blocked.name == "李四" and [f["code"] for f in blocked.findings] == ["E09"]
    assert "未超过应到会有表决权人数 7 的半数" in blocked.findings[0]["message"]
    # The blocked case is untouched: no approval, no vote, its submission still waits.
    assert not StepRecord.objects.filter(case=failing.case, step="admission_approval").exists()
    assert not Vote.objects.filter(case=failing.case, step="admission_approval").exists()
    assert Submission.objects.get(pk=failing.pk).status == "pending"
    # The others share one 党委会, each with its own vote, and one letter covers both.
    meeting = Meeting.objects.get(pk=result.meeting_id)
    assert Vote.objects.filter(meeting=meeting).count() == 2
    letter = Letter.objects.get()
    assert letter.meeting == meeting
    assert [e.name for e in letter.entries.all()] == ["张三", "王五"]
    assert letter.title == "关于同意吸收张三等2名同志为中国共产党预备党员的批复"
    assert letter.status == "rendered"
    assert {i.letter_number for i in result.succeeded} == {letter.number}


def test_a_case_without_the_committee_talk_is_reported_and_the_talk_can_be_recorded_in_batch(
    county, secretary, officer, crew, scene
):
    cases = scene.new_cases(county, secretary, 2)
    for case in cases:
        scene.waiting_for_admission(case, crew, talk=False)
    queued = items(officer, ADMISSION)
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)

    refused = services.decide_batch(
        queue=ADMISSION,
        action="approve",
        items=queued,
        actor=officer,
        new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=7),
        votes=scene.tallies(queued, 7),
    )
    assert not refused.succeeded
    assert {f["code"] for i in refused.failed for f in i.findings} == {"E03"}
    assert not Meeting.objects.filter(body="party_committee").exists()  # nothing decided: no orphan meeting

    talk_on = held - dt.timedelta(days=5)
    talked = services.decide_batch(
        queue=ADMISSION, action="talk", items=queued, actor=officer, on=talk_on, talker="孙组织委员"
    )
    assert len(talked.succeeded) == 2 and not talked.letters
    assert set(StepRecord.objects.filter(step="committee_talk").values_list("data__talker", flat=True)) == {
        "孙组织委员"
    }
    assert all(
        Submission.objects.get(pk=s.pk).status == "pending" for s in queued
    )  # still waiting for approval

    approved = services.decide_batch(
        queue=ADMISSION,
        action="approve",
        items=items(officer, ADMISSION),
        actor=officer,
        new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=7),
        votes=scene.tallies(queued, 7),
    )
    assert len(approved.succeeded) == 2
    assert not items(officer, ADMISSION)


def test_warnings_need_a_reason_then_go_through_at_the_same_meeting(county, secretary, officer, crew, scene):
    [case] = scene.new_cases(county, secretary, 1)
    scene.waiting_for_admission(case, crew)
    late = scene.meeting_on(case, "admission_meeting") + dt.timedelta(days=100)  # past 3 months: W03

    first = services.decide_batch(
        queue=ADMISSION,
        action="approve",
        items=items(officer, ADMISSION),
        actor=officer,
        new_meeting=services.MeetingSpec(held_on=late, entitled=7, present=7),
        votes=scene.tallies(items(officer, ADMISSION), 7),
    )
    [warned] = first.failed
    assert warned.needs_reason and [f["code"] for f in warned.findings] == ["W03"]
    assert first.meeting_id is not None  # kept, so the retry decides at the same 党委会

    second = services.decide_batch(
        queue=ADMISSION,
        action="approve",
        items=items(officer, ADMISSION),
        actor=officer,
        meeting=Meeting.objects.get(pk=first.meeting_id),
        votes=scene.tallies(items(officer, ADMISSION), 7),
        warning_reason="支部书记长期外出培训，延期审批",
    )
    assert len(second.succeeded) == 1
    event = CaseEvent.objects.filter(case=case, step="admission_approval", kind="step").get()
    assert (
        event.warnings[0]["code"] == "W03" and event.warnings[0]["reason"] == "支部书记长期外出培训，延期审批"
    )


def test_returning_requires_a_reason_the_branch_then_sees(client, county, secretary, officer, crew, scene):
    [case] = scene.new_cases(county, secretary, 1)
    scene.waiting_at_step(case, crew, "pre_review")
    queue = BY_SLUG["pre_review"]
    [item] = items(officer, queue)
    client.force_login(officer)
    url = reverse("reviews:decide", args=["pre_review"])

    refused = client.post(url, {"action": "return", "ids": [item.pk], "reason": ""})
    assert refused.status_code == 200 and "退回须填写理由" in refused.content.decode()
    assert Submission.objects.get(pk=item.pk).status == "pending"

    done = client.post(url, {"action": "return", "ids": [item.pk], "reason": "政审材料缺少函调回函"})
    assert done.status_code == 302
    assert Submission.objects.get(pk=item.pk).return_reason == "政审材料缺少函调回函"
    client.force_login(secretary)
    assert "政审材料缺少函调回函" in client.get(case.get_absolute_url()).content.decode()


def test_filings_are_acknowledged_with_one_receipt_per_branch_and_date(
    county, secretary, officer, crew, scene
):
    cases = scene.new_cases(county, secretary, 2, names=["赵一", "钱二"])
    for case in cases:
        scene.waiting_at_step(case, crew, "activist_filing")
    queue = BY_SLUG["activist_filing"]
    on = max(scene.meeting_on(c, "activist_selection") for c in cases) + dt.timedelta(days=3)

    result = services.decide_batch(
        queue=queue, action="acknowledge", items=items(officer, queue), actor=officer, on=on
    )

    assert len(result.succeeded) == 2
    letter = Letter.objects.get()
    assert letter.kind == "filing" and letter.meeting is None and letter.decided_on == on
    assert letter.title == "关于赵一等2名同志列为入党积极分子的备案回执"
    assert "予以备案" in letter.body and letter.closing.endswith("特此回执。")


def test_under_2026_rules_the_committee_agrees_to_a_target_and_the_branch_then_publicises(
    county, secretary, officer, crew, scene
):
    [case] = scene.new_cases(county, secretary, 1, applied_on=dt.date(2025, 3, 3), names=["孙三"])
    scene.waiting_at_step(case, crew, "target_filing")
    queue = BY_SLUG["target_filing"]
    on = scene.meeting_on(case, "target_selection") + dt.timedelta(days=10)
    assert on >= dt.date(2026, 5, 11)  # the 2026 rules apply to the agreement

    result = services.decide_batch(
        queue=queue, action="acknowledge", items=items(officer, queue), actor=officer, on=on
    )

    assert result.succeeded
    letter = Letter.objects.get()
    assert letter.title == "关于同意将孙三同志列为发展对象的批复"
    assert "同意将孙三同志" in letter.body and "公示期不少于五个工作日" in letter.closing


def test_pre_review_passes_with_an_opinion_letter(county, secretary, officer, crew, scene):
    cases = scene.new_cases(county, secretary, 2)
    for case in cases:
        scene.waiting_at_step(case, crew, "pre_review")
    queue = BY_SLUG["pre_review"]
    on = max(scene.meeting_on(c, "branch_committee_review") for c in cases) + dt.timedelta(days=5)

    result = services.decide_batch(
        queue=queue, action="pass", items=items(officer, queue), actor=officer, on=on
    )

    assert len(result.succeeded) == 2
    letter = Letter.objects.get()
    assert letter.kind == "pre_review" and "预审合格" in letter.title and "入党志愿书" in letter.body


def test_conversion_answers_convert_and_extend_in_one_letter(county, secretary, officer, crew, scene):
    a, b = scene.new_cases(county, secretary, 2, names=["周六", "吴七"])
    scene.waiting_for_conversion(a, crew, "convert")
    scene.waiting_for_conversion(b, crew, "extend", months=6)
    queue = BY_SLUG["conversion_approval"]
    held = scene.meeting_on(a, "conversion_meeting") + dt.timedelta(days=15)

    result = services.decide_batch(
        queue=queue,
        action="approve",
        items=items(officer, queue),
        actor=officer,
        new_meeting=services.MeetingSpec(held_on=held, entitled=7, present=7),
        votes=scene.tallies(items(officer, queue), 7),
    )

    assert len(result.succeeded) == 2
    a.refresh_from_db()
    b.refresh_from_db()
    assert a.full_member_on == a.probation_end and b.extension_months == 6
    letter = Letter.objects.get()
    assert letter.title == "关于周六等2名同志预备党员转正问题的批复"
    assert "同意周六同志按期转为中国共产党正式党员" in letter.body
    assert "同意延长吴七同志预备期6个月" in letter.body
    decisions = dict(LetterEntry.objects.values_list("name", "decision"))
    assert decisions == {"周六": "按期转为中国共产党正式党员", "吴七": "延长预备期"}


def test_the_department_files_approved_probationary_members(county, secretary, officer, auditor, crew, scene):
    [case] = scene.new_cases(county, secretary, 1)
    from demo.journey import advance

    advance(case, crew, until="admission_approval")
    queue = BY_SLUG["admission_filing"]
    [item] = list(selectors.queue_items(auditor, queue))
    on = scene.meeting_on(case, "admission_approval") + dt.timedelta(days=7)

    result = services.decide_batch(queue=queue, action="file", items=[item], actor=auditor, on=on)

    assert len(result.succeeded) == 1
    assert StepRecord.objects.filter(case=case, step="admission_filing").exists()
    assert not list(selectors.queue_items(auditor, queue))


def test_a_reviewer_forwards_upward_to_the_committee(
    county, secretary_under_reviewer, reviewer, officer, auditor, scene
):
    from demo.journey import Crew

    [case] = scene.new_cases(county, secretary_under_reviewer, 1, branch=county.branch_under_reviewer)
    scene.waiting_at_step(
        case, Crew(secretary_under_reviewer, officer, auditor), "activist_filing"
    )  # not forwarded
    review = BY_SLUG["review"]
    [item] = items(reviewer, review)
    assert not items(officer, BY_SLUG["activist_filing"])  # still at the 党总支

    result = services.decide_batch(
        queue=review,
        action="forward",
        items=[item],
        actor=reviewer,
        on=dt.date(2023, 4, 1),
        opinion="同意上报",
    )

    assert result.succeeded and not result.letters
    assert [s.pk for s in items(officer, BY_SLUG["activist_filing"])] == [item.pk]
    assert not items(reviewer, review)


def test_the_decide_view_reports_exactly_which_went_through(
    client, county, secretary, officer, crew, scene, django_capture_on_commit_callbacks
):
    cases = scene.new_cases(county, secretary, 3, names=["张三", "李四", "王五"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    queued = items(officer, ADMISSION)
    held = scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)
    client.force_login(officer)
    data = {
        "action": "approve",
        "ids": [q.pk for q in queued] + [999999],
        "held_on": held.isoformat(),
        "entitled": "7",
        "present": "6",
        **{f"yes_{pk}": "6" for pk in (queued[0].pk, queued[1].pk, 999999)},
        f"yes_{queued[2].pk}": "2",
        f"no_{queued[2].pk}": "4",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reviews:decide", args=["admission_approval"]), data, follow=True)

    page = response.content.decode()
    assert "2 人办理成功" in page and "2 人未办理" in page
    assert "E09" in page and "不在本队列的待办事项中" in page
    ok = page[page.index('id="result-ok"') : page.index('id="result-failed"')]
    assert "张三" in ok and "李四" in ok and "王五" not in ok
    assert Letter.objects.get().number in ok


def test_a_desk_recording_the_days_committee_meeting_again_is_told_to_pick_it(
    county, secretary, officer, crew, scene
):
    [case] = scene.new_cases(county, secretary, 1)
    scene.waiting_for_admission(case, crew)
    held = scene.meeting_on(case, "admission_meeting") + dt.timedelta(days=20)
    spec = services.MeetingSpec(held_on=held, entitled=7, present=7)
    votes = scene.tallies(items(officer, ADMISSION), 7)
    services.decide_batch(
        queue=ADMISSION, action="talk", items=items(officer, ADMISSION), actor=officer, on=held, talker="孙"
    )
    recorded = Meeting.objects.create(
        org=county.town, body="party_committee", held_on=held, entitled=7, present=7, created_by=officer
    )
    with pytest.raises(InvalidInput, match="已记录，请直接选用"):
        services.decide_batch(
            queue=ADMISSION,
            action="approve",
            items=items(officer, ADMISSION),
            actor=officer,
            new_meeting=spec,
            votes=votes,
        )
    assert list(Meeting.objects.filter(body="party_committee", held_on=held)) == [recorded]


def test_a_desk_decision_leaves_field_history_saying_the_desk_the_officer_and_the_committee(
    client, county, secretary, officer, crew, scene, django_capture_on_commit_callbacks
):
    [case] = scene.new_cases(county, secretary, 1, names=["张三"])
    scene.waiting_for_admission(case, crew)
    [queued] = items(officer, ADMISSION)
    client.force_login(officer)
    data = {
        "action": "approve",
        "ids": [queued.pk],
        "held_on": (scene.meeting_on(case, "admission_meeting") + dt.timedelta(days=20)).isoformat(),
        "entitled": "7",
        "present": "6",
        f"yes_{queued.pk}": "6",
    }
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("reviews:decide", args=["admission_approval"]), data, REMOTE_ADDR="10.9.8.7")

    record = StepRecord.history.filter(case_id=case.pk, step="admission_approval").latest("history_id")
    event = CaseEvent.objects.get(case=case, step="admission_approval", kind="step")
    assert (record.history_source, record.history_role, record.history_org_id, record.history_ip) == (
        "desk",
        "committee_officer",
        event.org_id,
        "10.9.8.7",
    )
    assert event.source == "desk" and event.org_id == case.branch.parent_id
