"""The desk records a 党委会 tally for every person (cases.rules.tally): it proposes a unanimous yes
of those present, shows it, and decides only what the officer then submits; impossible counts and
a return without a reason are refused through the facts' own problems(), with nothing written."""

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Meeting, StepRecord, Submission, Vote
from cases.rules import VoteFacts
from cases.services import InvalidInput
from reviews import selectors, services
from reviews.forms import DecisionForm
from reviews.queues import BY_SLUG

pytestmark = pytest.mark.django_db

ADMISSION = BY_SLUG["admission_approval"]
DECIDE = reverse("reviews:decide", args=["admission_approval"])


def queued(officer):
    return list(selectors.queue_items(officer, ADMISSION).order_by("pk"))


def nothing_decided() -> bool:
    return not (
        Meeting.objects.filter(body="party_committee").exists()
        or StepRecord.objects.filter(step="admission_approval").exists()
        or Vote.objects.filter(step="admission_approval").exists()
    )


@pytest.fixture
def waiting(county, secretary, crew, scene):
    """Two cases waiting for the 党委会, and a date within the 3 months W03 allows."""
    cases = scene.new_cases(county, secretary, 2, names=["张三", "李四"])
    for case in cases:
        scene.waiting_for_admission(case, crew)
    return scene.meeting_on(cases[0], "admission_meeting") + dt.timedelta(days=20)


def approve(officer, held, **tallies) -> dict:
    data = {"action": "approve", "ids": [q.pk for q in queued(officer)], "held_on": held.isoformat()}
    return data | {"entitled": "7", "present": "7"} | tallies


def test_blank_tallies_are_proposed_and_shown_and_nothing_is_decided_until_submitted_again(
    client, officer, waiting
):
    client.force_login(officer)
    first = client.post(DECIDE, approve(officer, waiting))

    assert first.status_code == 200 and nothing_decided()
    page = first.content.decode()
    assert "已为 2 名未填写表决票数的同志按实到人数预填（赞成 7 票、反对 0 票、弃权 0 票）" in page
    for item in queued(officer):
        assert f'name="yes_{item.pk}" value="7"' in page and f'name="no_{item.pk}" value="0"' in page

    corrected = {f"yes_{queued(officer)[1].pk}": "6", f"no_{queued(officer)[1].pk}": "1"}
    second = client.post(DECIDE, first.context["form"].data | corrected)

    assert second.status_code == 302
    votes = {v.case.person.name: (v.yes, v.no) for v in Vote.objects.filter(step="admission_approval")}
    assert votes == {"张三": (7, 0), "李四": (6, 1)}


def test_a_tally_of_more_than_were_present_is_refused_and_one_of_all_present_is_taken(
    client, officer, waiting
):
    client.force_login(officer)
    first, second = queued(officer)
    too_many = {f"yes_{first.pk}": "7", f"yes_{second.pk}": "7", f"no_{second.pk}": "1"}
    refused = client.post(DECIDE, approve(officer, waiting, **too_many))
    assert refused.status_code == 200 and nothing_decided()
    assert "表决票数有误：赞成、反对、弃权合计 8 票，多于实到人数 7" in refused.content.decode()

    taken = client.post(
        DECIDE, approve(officer, waiting, **{f"yes_{first.pk}": "7", f"yes_{second.pk}": "7"})
    )
    assert taken.status_code == 302 and Vote.objects.filter(step="admission_approval", yes=7).count() == 2


@pytest.mark.parametrize(
    ("entitled", "present", "field"), [("0", "0", "entitled"), ("7", "8", "present"), ("7", "7", None)]
)
def test_the_decision_form_judges_the_new_committee_meeting_by_its_facts(entitled, present, field):
    data = {
        "action": "approve",
        "ids": ["1"],
        "held_on": "2025-01-10",
        "entitled": entitled,
        "present": present,
    }
    form = DecisionForm(data | {"yes_1": present}, queue=ADMISSION)
    form.is_valid()
    assert (list(form.errors) == [field]) if field else not form.errors


def test_the_service_assumes_no_tally_a_person_lacks_it_is_refused_by_e09(officer, waiting, scene):
    first, second = queued(officer)
    result = services.decide_batch(
        queue=ADMISSION,
        action="approve",
        items=[first, second],
        actor=officer,
        new_meeting=services.MeetingSpec(held_on=waiting, entitled=7, present=7),
        votes={first.pk: VoteFacts(yes=7)},
    )

    assert [i.pk for i in result.succeeded] == [first.pk]
    [refused] = result.failed
    assert refused.pk == second.pk and [f["code"] for f in refused.findings] == ["E09"]
    assert "须记录会议及表决结果" in refused.findings[0]["message"]
    assert not Vote.objects.filter(case=second.case, step="admission_approval").exists()
    assert Submission.objects.get(pk=second.pk).status == "pending"


@pytest.mark.parametrize("blank", ["", "   "])
def test_the_service_refuses_a_batch_return_without_a_reason(officer, waiting, blank):
    items = queued(officer)
    with pytest.raises(InvalidInput, match="退回须填写理由"):
        services.decide_batch(queue=ADMISSION, action="return", items=items, actor=officer, reason=blank)
    assert all(Submission.objects.get(pk=i.pk).status == "pending" for i in items)
