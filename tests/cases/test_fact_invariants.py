"""The invariants of meetings, votes, 公示 and returns: one `problems()` on each fact, on both sides
of each boundary, and the same answer through the form, the service and the rule (E09's tally
policy included). The importer's and the desk's sides are in tests/imports and tests/reviews."""

import datetime as dt

import pytest

from cases import services, steps
from cases.forms import PublicityForm, StepForm
from cases.models import Meeting, Publicity
from cases.rules import Attempt, CaseFacts, MeetingFacts, PublicityFacts, ReturnFacts, VoteFacts, evaluate
from cases.rules.tally import BACKFILLED_BY_OUTCOME, TALLIED, proposed, tally_required
from cases.services import InvalidInput
from demo.journey import advance

d = dt.date


def parts(problems) -> list[str]:
    return [p.part for p in problems]


# ---- the facts -----------------------------------------------------------------------------------


def test_it_needs_someone_entitled_to_vote():
    assert parts(MeetingFacts(entitled=0, present=0).problems()) == ["entitled"]
    assert MeetingFacts(entitled=1, present=0).problems() == []


def test_it_allows_everyone_present_but_no_one_more():
    assert MeetingFacts(entitled=8, present=8).problems() == []
    [problem] = MeetingFacts(entitled=8, present=9).problems()
    assert problem.part == "present" and str(problem) == "实到人数 9 不能多于应到人数 8"


def test_it_counts_every_ballot_cast_against_those_present():
    meeting = MeetingFacts(entitled=9, present=8)
    assert meeting.problems(VoteFacts(yes=6, no=1, abstain=1)) == []
    [problem] = meeting.problems(VoteFacts(yes=6, no=2, abstain=1))
    assert problem.part == "yes" and str(problem) == "赞成、反对、弃权合计 9 票，多于实到人数 8"
    assert str(meeting.problems(VoteFacts(yes=9))[0]) == "赞成 9 票，多于实到人数 8"


def test_it_takes_written_opinions_only_from_those_absent():
    meeting = MeetingFacts(entitled=9, present=7)
    assert meeting.problems(VoteFacts(yes=7, written_yes=1, written_no=1)) == []
    assert parts(meeting.problems(VoteFacts(yes=7, written_yes=2, written_no=1))) == ["written"]


def test_it_judges_no_vote_of_an_impossible_meeting():
    assert parts(MeetingFacts(entitled=3, present=4).problems(VoteFacts(yes=9))) == ["present"]


def test_a_publicity_may_last_one_day_but_not_end_before_it_starts():
    assert PublicityFacts(d(2026, 6, 1), d(2026, 6, 1)).problems() == []
    [problem] = PublicityFacts(d(2026, 6, 1), d(2026, 5, 31)).problems()
    assert problem.part == "end_on" and "2026-05-31 不能早于开始日期 2026-06-01" in str(problem)


@pytest.mark.parametrize("blank", ["", "  \n", None])
def test_a_return_needs_a_reason(blank):
    assert parts(ReturnFacts(blank).problems()) == ["reason"]
    assert ReturnFacts(" 缺少推优表 ").problems() == [] and ReturnFacts(" 缺少推优表 ").text == "缺少推优表"


# ---- the one tally policy (E09) ------------------------------------------------------------------


def test_every_step_that_keeps_a_vote_needs_a_tally_and_only_a_backfilled_committee_decision_may_lack_it():
    assert {"admission_meeting", "admission_approval", "conversion_meeting", "conversion_approval"} == TALLIED
    assert {"admission_approval", "conversion_approval"} == BACKFILLED_BY_OUTCOME
    for code in TALLIED:
        assert tally_required(steps.get(code), backfilled=False)
    assert tally_required(steps.get("admission_meeting"), backfilled=True)
    assert not tally_required(steps.get("admission_approval"), backfilled=True)
    assert not tally_required(steps.get("pre_review"), backfilled=False)


def test_the_desk_proposes_a_unanimous_yes_of_those_present():
    assert proposed(MeetingFacts(entitled=9, present=7)) == VoteFacts(yes=7)


def _approval(historical: bool, meeting=None, vote=None) -> Attempt:
    met = d(2024, 3, 1)
    facts = CaseFacts(birth_date=d(1990, 1, 1), done={"admission_meeting": met, "committee_talk": met})
    return Attempt(
        step=steps.get("admission_approval"),
        on=d(2024, 3, 10),
        case=facts,
        today=d(2024, 6, 1),
        rule_set="2014",
        meeting=meeting,
        vote=vote,
        historical=historical,
    )


def e09(attempt) -> list[str]:
    return [f.message for f in evaluate(attempt) if f.code == "E09"]


def test_e09_refuses_a_live_committee_decision_without_its_tally_and_judges_a_given_one():
    assert "须记录会议及表决结果" in e09(_approval(historical=False))[0]
    assert e09(_approval(historical=False, meeting=MeetingFacts(7, 7), vote=VoteFacts(yes=4))) == []
    assert e09(_approval(historical=False, meeting=MeetingFacts(7, 7), vote=VoteFacts(yes=3)))


def test_e09_lets_a_backfilled_committee_decision_stand_on_its_date_but_judges_a_given_tally():
    assert e09(_approval(historical=True)) == []
    assert e09(_approval(historical=True, meeting=MeetingFacts(7, 7), vote=VoteFacts(yes=3)))


def test_e09_never_counts_a_majority_of_an_impossible_meeting():
    [message] = e09(_approval(historical=False, meeting=MeetingFacts(0, 0), vote=VoteFacts(yes=0)))
    assert "应到会有表决权人数须大于零" in message


# ---- through the forms ---------------------------------------------------------------------------


def meeting_form(case, **overrides) -> StepForm:
    data = {"on": "2024-06-01", "meeting_entitled": "8", "meeting_present": "8", "yes": "8"}
    data |= {"no": "0", "abstain": "0", "written_yes": "0", "written_no": "0"} | overrides
    return StepForm(data, step=steps.get("admission_meeting"), case=case, body=steps.Body.BRANCH_ASSEMBLY)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"meeting_entitled": "0", "meeting_present": "0", "yes": "0"}, "meeting_entitled"),
        ({"meeting_present": "9"}, "meeting_present"),
        ({"yes": "7", "no": "1", "abstain": "1"}, "yes"),
        ({"meeting_present": "7", "yes": "7", "written_yes": "2"}, "written_yes"),
    ],
)
def test_the_step_form_refuses_impossible_counts_at_their_field(case, overrides, field):
    form = meeting_form(case, **overrides)
    assert not form.is_valid()
    assert list(form.errors) == [field]


@pytest.mark.django_db
def test_the_step_form_accepts_counts_at_their_limits(case):
    assert meeting_form(case).is_valid()
    assert meeting_form(case, meeting_present="7", yes="6", no="1", written_yes="1").is_valid()


def test_the_publicity_form_refuses_an_end_before_the_start_and_takes_a_one_day_publicity():
    before = PublicityForm({"start_on": "2026-06-02", "end_on": "2026-06-01", "objections": "0"})
    assert not before.is_valid() and list(before.errors) == ["end_on"]
    assert PublicityForm({"start_on": "2026-06-02", "end_on": "2026-06-02", "objections": "0"}).is_valid()


# ---- through the services ------------------------------------------------------------------------


@pytest.mark.django_db
def test_recording_a_meeting_refuses_impossible_counts_and_writes_nothing(county, secretary):
    spec = {"org": county.branch, "body": "branch_assembly", "held_on": d(2024, 6, 1), "actor": secretary}
    for entitled, present in ((0, 0), (8, 9)):
        with pytest.raises(InvalidInput):
            services.record_meeting(entitled=entitled, present=present, **spec)
    assert not Meeting.objects.exists()
    services.record_meeting(entitled=1, present=1, **spec)
    assert Meeting.objects.get().present == 1


@pytest.mark.django_db
def test_a_step_refuses_a_vote_of_more_than_were_present_and_writes_nothing(case, crew, unchanged):
    advance(case, crew, until="application_form")
    on = max(r.on for r in case.records.all())
    given = services.StepInput(on=on, new_meeting=services.NewMeeting(entitled=8, present=7))
    given.vote = VoteFacts(yes=7, no=1)
    with unchanged(case), pytest.raises(InvalidInput, match="合计 8 票，多于实到人数 7"):
        services.perform_step(case=case, step_code="admission_meeting", given=given, actor=crew.secretary)
    assert not Meeting.objects.filter(body="branch_assembly", held_on=on, entitled=8).exists()


@pytest.mark.django_db
def test_recording_a_publicity_refuses_an_end_before_the_start(case, crew):
    with pytest.raises(InvalidInput, match="不能早于开始日期"):
        services.record_publicity(
            case=case, start_on=d(2024, 6, 2), end_on=d(2024, 6, 1), actor=crew.secretary
        )
    assert not Publicity.objects.filter(case=case).exists()
    services.record_publicity(case=case, start_on=d(2024, 6, 2), end_on=d(2024, 6, 2), actor=crew.secretary)
    assert Publicity.objects.filter(case=case).count() == 1
