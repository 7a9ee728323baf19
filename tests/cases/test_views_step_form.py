"""The step form of a committee step: one 党委会, once recorded, decides several people."""

import datetime as dt

import pytest
from django.urls import reverse

from branches.selectors import approving_committee
from cases import services
from cases.models import Meeting, StepRecord
from demo.journey import advance, planned_date
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_waiting(county, crew, kit):
    """Two people of 城关一支部 whose admission waits at the 镇党委, on the same planned day."""
    cases = []
    for name in ("李晓红", "王志明"):
        case = advance(f.new_case(county.branch, crew.secretary, name=name), crew, until="committee_talk")
        on = planned_date(case, "admission_approval", dict(case.records.values_list("step", "on")), None)
        kit.submit_up(case, "admission_approval", on, crew)
        cases.append((case, on))
    return cases


def post_approval(client, case, on, **fields):
    return client.post(
        reverse("cases:step", args=[case.pk, "admission_approval"]),
        {"on": on.isoformat(), "yes": 7, "no": 0, "abstain": 0, "written_yes": 0, "written_no": 0, **fields},
    )


def test_a_committee_meeting_already_recorded_decides_the_next_person(client, county, officer, two_waiting):
    (first, on), (second, _) = two_waiting
    meeting = services.record_meeting(
        org=approving_committee(county.branch),
        body="party_committee",
        held_on=on,
        entitled=7,
        present=7,
        actor=officer,
    )
    client.force_login(officer)
    page = client.get(reverse("cases:step", args=[first.pk, "admission_approval"])).content.decode()
    assert f"{on} 城关镇党委党委会（应到7，实到7）" in page  # one query for the list, names included

    response = post_approval(client, first, on, existing_meeting=meeting.pk)
    assert response.status_code == 302, response.content.decode()
    response = post_approval(client, second, on, existing_meeting=meeting.pk)
    assert response.status_code == 302, response.content.decode()
    assert Meeting.objects.filter(body="party_committee").count() == 1
    assert set(StepRecord.objects.filter(step="admission_approval").values_list("meeting", flat=True)) == {
        meeting.pk
    }


def test_a_meeting_of_another_day_is_refused_by_name(client, county, officer, two_waiting):
    (first, on), _ = two_waiting
    other_day = services.record_meeting(
        org=approving_committee(county.branch),
        body="party_committee",
        held_on=on - dt.timedelta(days=1),
        entitled=7,
        present=7,
        actor=officer,
    )
    client.force_login(officer)
    page = post_approval(client, first, on, existing_meeting=other_day.pk).content.decode()
    assert "与办理日期不一致" in page
    assert not StepRecord.objects.filter(case=first, step="admission_approval").exists()
