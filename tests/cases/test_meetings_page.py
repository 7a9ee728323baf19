"""会议记录: meetings entered once, listed with the cases each decided, scoped to the user's organizations."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services, steps
from cases.models import Meeting, Vote

pytestmark = pytest.mark.django_db

ON = dt.date(2024, 3, 5)


def _meeting(org, user, body=steps.Body.BRANCH_ASSEMBLY, **extra):
    spec = dict(held_on=ON, entitled=8, present=7) | extra
    return services.record_meeting(org=org, body=body, actor=user, **spec)


def _post(client, org, **extra):
    data = {
        "org": org.pk,
        "body": steps.Body.BRANCH_ASSEMBLY,
        "held_on": "2024-03-05",
        "entitled": 8,
        "present": 7,
    }
    return client.post(reverse("cases:meetings"), data | extra)


@pytest.mark.parametrize(
    "who",
    ["secretary", "secretary_under_reviewer", "reviewer", "officer", "outsider", "officer_b"],
)
def test_another_branchs_meeting_is_not_found_for_every_role(client, personas, county, who):
    mine = {"outsider": county.branch, "officer_b": county.branch}.get(who, county.other_branch)
    holder = personas["secretary"] if mine == county.branch else personas["outsider"]
    meeting = _meeting(mine, holder)
    client.force_login(personas[who])
    assert client.get(reverse("cases:meeting", args=[meeting.pk])).status_code == 404
    assert meeting.org.name not in client.get(reverse("cases:meetings")).content.decode()


def test_a_branch_sees_its_own_meeting_and_the_cases_it_decided(client, secretary, county, case):
    meeting = _meeting(county.branch, secretary)
    Vote.objects.create(meeting=meeting, case=case, step="admission_meeting", yes=7)
    client.force_login(secretary)
    listing = client.get(reverse("cases:meetings")).content.decode()
    assert "支部党员大会" in listing and reverse("cases:meeting", args=[meeting.pk]) in listing
    page = client.get(reverse("cases:meeting", args=[meeting.pk])).content.decode()
    assert case.person.name in page and "赞成 7" in page


@pytest.mark.parametrize("above", ["officer", "auditor"])
def test_the_committee_and_department_above_see_the_branchs_meeting(client, personas, county, above):
    meeting = _meeting(county.branch, personas["secretary"])
    client.force_login(personas[above])
    assert client.get(reverse("cases:meeting", args=[meeting.pk])).status_code == 200


def test_recording_a_meeting_through_the_page_writes_it_once(client, secretary, county):
    client.force_login(secretary)
    response = _post(client, county.branch)
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("cases:meeting", args=[meeting.pk])
    assert (meeting.org, meeting.entitled, meeting.present, meeting.created_by) == (
        county.branch,
        8,
        7,
        secretary,
    )


def test_entitled_is_prefilled_from_the_roster_of_full_members(client, secretary):
    client.force_login(secretary)
    form = client.get(reverse("cases:meetings")).context["form"]
    assert form.initial["entitled"] == 8  # the county fixture's branch has 8 full members


def test_a_bad_date_is_refused_in_chinese(client, secretary, county):
    client.force_login(secretary)
    response = _post(client, county.branch, held_on="2024-02-30")
    assert response.status_code == 200 and "请输入有效日期" in response.content.decode()
    assert not Meeting.objects.exists()


def test_present_above_entitled_is_refused(client, secretary, county):
    client.force_login(secretary)
    response = _post(client, county.branch, entitled=5, present=6)
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_nul_in_the_note_is_refused_not_a_500(client, secretary, county):
    client.force_login(secretary)
    response = _post(client, county.branch, note="a\x00b")
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_another_branchs_organization_cannot_be_chosen(client, secretary, county):
    client.force_login(secretary)
    response = _post(client, county.other_branch)
    assert response.status_code == 200 and not Meeting.objects.exists()


def test_a_role_without_meetings_to_record_is_told_in_chinese(client, auditor, county):
    client.force_login(auditor)
    response = _post(client, county.branch)
    assert response.status_code == 200 and not Meeting.objects.exists()
    assert "alert-danger" in response.content.decode()


def test_the_meetings_page_reads_a_bounded_number_of_queries(
    client, secretary, county, case, django_assert_max_num_queries
):
    for day in range(1, 11):
        m = _meeting(county.branch, secretary, held_on=dt.date(2024, 3, day))
        Vote.objects.create(meeting=m, case=case, step="admission_meeting", yes=7)
    client.force_login(secretary)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("cases:meetings")).status_code == 200


def test_a_double_submit_records_the_meeting_once_and_says_so(client, secretary, county):
    client.force_login(secretary)
    assert _post(client, county.branch).status_code == 302
    again = _post(client, county.branch)
    assert again.status_code == 200 and "已记录，请直接选用" in again.content.decode()
    assert Meeting.objects.count() == 1


def test_another_body_or_day_of_the_same_branch_is_a_meeting_of_its_own(client, secretary, county):
    client.force_login(secretary)
    _post(client, county.branch)
    _post(client, county.branch, body=steps.Body.BRANCH_COMMITTEE)
    _post(client, county.branch, held_on="2024-03-06")
    assert Meeting.objects.count() == 3


def test_the_branch_step_form_offers_the_branchs_recorded_meeting_and_prefills_entitled(
    client, secretary, outsider, county, case
):
    mine = _meeting(county.branch, secretary)
    theirs = _meeting(county.other_branch, outsider)
    client.force_login(secretary)
    response = client.get(reverse("cases:step", args=[case.pk, "admission_meeting"]))
    assert response.status_code == 200
    form = response.context["form"]
    choices = set(form.fields["existing_meeting"].queryset)
    assert mine in choices and theirs not in choices
    assert form.fields["meeting_entitled"].initial == 8
