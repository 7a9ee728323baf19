"""会议记录: meetings entered once, listed with the cases each decided, scoped to the user's organizations."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import ReadKind, ReadRecord
from branches.models import MemberStatus, OrgKind, PartyMember, Sanction
from cases import selectors, services, steps
from cases.models import Meeting, Vote
from cases.web import DATE_ERROR
from demo.journey import advance, scan_pdf
from tests import factories as f

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
    assert response.status_code == 200 and DATE_ERROR in response.content.decode()
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


# ---- minutes (会议记录) ---------------------------------------------------------------------------


def test_minutes_uploaded_with_the_meeting_are_downloadable_and_the_read_is_logged(client, secretary, county):
    client.force_login(secretary)
    response = _post(client, county.branch, minutes=scan_pdf("记录.pdf"))
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and meeting.minutes
    page = client.get(reverse("cases:meeting", args=[meeting.pk])).content.decode()
    assert reverse("cases:meeting_minutes", args=[meeting.pk]) in page
    download = client.get(reverse("cases:meeting_minutes", args=[meeting.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
    read = ReadRecord.objects.get(kind=ReadKind.MINUTES)
    assert (read.user, read.object_id) == (secretary, meeting.pk)


def test_minutes_that_are_not_a_scan_are_refused_and_nothing_is_recorded(client, secretary, county):
    client.force_login(secretary)
    fake = SimpleUploadedFile("记录.pdf", b"not a pdf at all", content_type="application/pdf")
    response = _post(client, county.branch, minutes=fake)
    assert response.status_code == 200 and "内容与扩展名不符" in response.content.decode()
    assert not Meeting.objects.exists()


def test_a_meeting_without_minutes_has_no_download(client, secretary, county):
    meeting = _meeting(county.branch, secretary)
    client.force_login(secretary)
    assert client.get(reverse("cases:meeting_minutes", args=[meeting.pk])).status_code == 404


def test_another_branchs_minutes_are_not_found(client, secretary, outsider, county):
    client.force_login(outsider)
    _post(client, county.other_branch, minutes=scan_pdf())
    meeting = Meeting.objects.get()
    client.force_login(secretary)
    assert client.get(reverse("cases:meeting_minutes", args=[meeting.pk])).status_code == 404
    assert not ReadRecord.objects.exists()


# ---- the 党委会 that decided a branch's cases ------------------------------------------------------


@pytest.fixture
def committee_meeting(county, crew, secretary_under_reviewer):
    """A 党委会 of 城关镇党委 that decided the secretary's case and one of 社区二支部."""
    mine = f.new_case(county.branch, crew.secretary, applied_on=dt.date(2023, 1, 10))
    advance(mine, crew, until="admission_approval")
    meeting = Meeting.objects.get(body=steps.Body.PARTY_COMMITTEE)
    theirs = f.new_case(
        county.branch_under_reviewer, secretary_under_reviewer, applied_on=dt.date(2023, 1, 10)
    )
    Vote.objects.create(meeting=meeting, case=theirs, step="admission_approval", yes=7)
    return meeting, mine, theirs


def test_a_branch_sees_the_committee_meeting_on_its_case_with_its_own_votes_only(
    client, secretary, committee_meeting
):
    meeting, mine, theirs = committee_meeting
    client.force_login(secretary)
    listing = client.get(reverse("cases:meetings"))
    row = next(m for m in listing.context["page"] if m.pk == meeting.pk)
    assert row.decided == 1  # its own case, not the other branch's
    page = client.get(reverse("cases:meeting", args=[meeting.pk])).content.decode()
    assert mine.person.name in page and theirs.person.name not in page
    assert "由召开组织保存" in page  # the committee's minutes are not the branch's to read


def test_the_committee_meeting_of_a_branchs_case_is_not_found_by_another_branch(
    client, outsider, secretary_under_reviewer, committee_meeting
):
    meeting, _mine, theirs = committee_meeting
    client.force_login(outsider)
    assert client.get(reverse("cases:meeting", args=[meeting.pk])).status_code == 404
    client.force_login(secretary_under_reviewer)  # its case was decided there too: it sees it
    page = client.get(reverse("cases:meeting", args=[meeting.pk])).content.decode()
    assert theirs.person.name in page


def test_a_branch_cannot_download_the_committees_minutes(client, secretary, officer, committee_meeting):
    meeting, *_ = committee_meeting
    meeting.minutes = SimpleUploadedFile("m.pdf", scan_pdf().read())
    meeting.save()
    client.force_login(secretary)
    assert client.get(reverse("cases:meeting_minutes", args=[meeting.pk])).status_code == 404
    client.force_login(officer)
    assert client.get(reverse("cases:meeting_minutes", args=[meeting.pk])).status_code == 200


# ---- paging --------------------------------------------------------------------------------------


def test_the_list_is_paged_fifty_a_page(client, secretary, county, case, django_assert_max_num_queries):
    for n in range(51):
        _meeting(county.branch, secretary, held_on=dt.date(2020, 1, 1) + dt.timedelta(days=n))
    client.force_login(secretary)
    with django_assert_max_num_queries(20):
        first = client.get(reverse("cases:meetings"))
    assert len(first.context["page"]) == 50 and "第 1 / 2 页" in first.content.decode()
    second = client.get(reverse("cases:meetings"), {"page": 2})
    assert [m.held_on for m in second.context["page"]] == [dt.date(2020, 1, 1)]


# ---- 应到 from the roster on the meeting's day ------------------------------------------------------


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(12)))


def _save(member, day, **changes):
    for name, value in changes.items():
        setattr(member, name, value)
    member._history_date = _at(day)
    member.save()
    return member


@pytest.fixture
def dated_roster(county):
    """A branch whose roster was entered on 2024-01-02: three full members and one probationary;
    one leaves on 2024-06-01, the probationary becomes full on 2024-07-01, one is under 留党察看
    from 2024-03-01 to 2024-04-30."""
    branch = f.org("城关镇第九党支部", OrgKind.BRANCH, county.town, code="CG09")
    day = dt.date(2024, 1, 2)
    a, b, c = (_save(PartyMember(branch=branch, name=n), day) for n in ("甲", "乙", "丙"))
    d = _save(PartyMember(branch=branch, name="丁", status=MemberStatus.PROBATIONARY), day)
    _save(c, dt.date(2024, 3, 1), sanction=Sanction.PROBATION_IN_PARTY, sanction_until=dt.date(2024, 4, 30))
    _save(b, dt.date(2024, 6, 1), active=False)
    _save(d, dt.date(2024, 7, 1), status=MemberStatus.FULL)
    return branch


@pytest.mark.parametrize(
    ("day", "entitled"),
    [
        (dt.date(2024, 1, 2), 3),
        (dt.date(2024, 3, 15), 2),  # 丙 under 留党察看: no vote
        (dt.date(2024, 5, 31), 3),
        (dt.date(2024, 6, 1), 2),  # 乙 left that day
        (dt.date(2024, 6, 30), 2),
        (dt.date(2024, 7, 1), 3),  # 丁 full that day
        # before the roster was entered: today's roster, 丙's 留党察看 (to 2024-04-30) as it now stands
        (dt.date(2023, 12, 31), 2),
    ],
)
def test_entitled_is_the_roster_on_the_meetings_day(dated_roster, day, entitled):
    assert selectors.entitled_on(dated_roster, steps.Body.BRANCH_ASSEMBLY, day) == entitled


def test_the_roster_cannot_tell_a_committees_seats(county):
    assert selectors.entitled_on(county.branch, steps.Body.BRANCH_COMMITTEE, dt.date(2024, 3, 5)) is None
    assert selectors.entitled_on(county.town, steps.Body.PARTY_COMMITTEE, dt.date(2024, 3, 5)) is None


def _entitled(client, **query):
    return client.get(
        reverse("cases:meeting_entitled"), {"name": "entitled", "body": "branch_assembly"} | query
    )


def test_changing_the_day_asks_for_entitled_again(client, officer, dated_roster):
    client.force_login(officer)
    response = _entitled(client, org=dated_roster.pk, held_on="2024-03-15")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="entitled"' in html and 'value="2"' in html and "hx-get" in html
    blank = _entitled(client, org=dated_roster.pk, held_on="2024-02-30").content.decode()
    assert "value=" not in blank


def test_asking_entitled_of_an_organization_outside_scope_is_not_found(client, secretary, county):
    client.force_login(secretary)
    assert _entitled(client, org=county.other_branch.pk, held_on="2024-03-05").status_code == 404
    assert _entitled(client, org="x", held_on="2024-03-05").status_code == 404
    assert _entitled(client, org=county.branch.pk, held_on="2024-03-05", name="password").status_code == 404


def test_the_step_form_asks_entitled_again_when_its_date_changes(client, secretary, county, case):
    client.force_login(secretary)
    form = client.get(reverse("cases:step", args=[case.pk, "admission_meeting"])).context["form"]
    attrs = form.fields["meeting_entitled"].widget.attrs
    assert attrs["hx-trigger"] == "change from:#id_on" and f"org={county.branch.pk}" in attrs["hx-get"]
    response = client.get(
        reverse("cases:meeting_entitled"),
        {"name": "meeting_entitled", "org": county.branch.pk, "body": "branch_assembly", "on": "2024-03-05"},
    )
    assert 'name="meeting_entitled"' in response.content.decode() and 'value="8"' in response.content.decode()


def test_the_entitled_answer_and_a_committee_meeting_page_read_a_bounded_number_of_queries(
    client, county, secretary, officer, dated_roster, committee_meeting, django_assert_max_num_queries
):
    meeting, *_ = committee_meeting
    for _ in range(10):
        more = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
        Vote.objects.create(meeting=meeting, case=more, step="admission_approval", yes=7)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert _entitled(client, org=dated_roster.pk, held_on="2024-03-15").status_code == 200
    with django_assert_max_num_queries(15):
        assert client.get(reverse("cases:meeting", args=[meeting.pk])).status_code == 200
    client.force_login(secretary)
    with django_assert_max_num_queries(15):
        assert client.get(reverse("cases:meeting", args=[meeting.pk])).status_code == 200
