"""A branch never changes or sees the data another organization's file holds on a person
(issue 8, items 1 and 2): the attacks that found it, kept as tests."""

import datetime as dt

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, Outcome, Person
from cases.services.lifecycle import NUMBER_REGISTERED_ELSEWHERE
from tests import factories as f

pytestmark = pytest.mark.django_db


def create_data(county, person: dict, **extra) -> dict:
    return {
        "branch": county.branch.pk,
        **{k: v for k, v in person.items() if not isinstance(v, bool)},
        **{k: "on" for k, v in person.items() if v is True},
        "birth_date": person["birth_date"].isoformat(),
        "applied_on": "2024-03-01",
        **extra,
    }


@pytest.fixture
def elsewhere(county, outsider):
    """河口一支部's person: name, phone and workplace entered by that branch."""
    return f.new_case(
        county.other_branch, outsider, name="欧阳明远", phone="13900000001", workplace="河口镇农机站站长"
    )


def close(case, outcome, actor):
    if outcome == Outcome.WITHDRAWN:
        services.close_case(
            case=case, outcome=outcome, on=dt.date(2023, 6, 1), reason="本人申请撤回", actor=actor
        )


@pytest.mark.parametrize("their_case", ["open", "withdrawn"])
def test_a_number_registered_at_another_branch_is_refused_without_naming_anyone(
    client, county, secretary, outsider, elsewhere, their_case
):
    if their_case == "withdrawn":
        close(elsewhere, Outcome.WITHDRAWN, outsider)
    theirs = f.person(name="张冒名", phone="13100000000", workplace="城关一厂")
    theirs.update(
        id_number=elsewhere.person.id_number,
        birth_date=elsewhere.person.birth_date,
        gender=elsewhere.person.gender,
    )
    client.force_login(secretary)
    response = client.post(reverse("cases:create"), create_data(county, theirs))

    page = response.content.decode()
    assert response.status_code == 200 and NUMBER_REGISTERED_ELSEWHERE in page
    assert "欧阳明远" not in page and "河口" not in page
    person = Person.objects.get(id_number=elsewhere.person.id_number)
    assert (person.name, person.phone, person.workplace) == ("欧阳明远", "13900000001", "河口镇农机站站长")
    assert Case.objects.filter(branch=county.branch).count() == 0


def test_a_re_application_at_the_same_branch_takes_the_person_up_again(county, secretary):
    first = f.new_case(county.branch, secretary, phone="13800000000")
    close(first, Outcome.WITHDRAWN, secretary)
    person = first.person
    again = services.open_case(
        branch=county.branch,
        person={
            **{k: getattr(person, k) for k in ("name", "gender", "ethnicity", "birth_date", "id_number")},
            "education": "college",
            "phone": "13811111111",
        },
        applied_on=dt.date(2024, 5, 1),
        actor=secretary,
    )
    assert again.person_id == person.pk and Person.objects.get(pk=person.pk).phone == "13811111111"


def test_a_person_with_an_open_case_at_the_same_branch_is_not_registered_twice(county, secretary):
    first = f.new_case(county.branch, secretary)
    person = {k: getattr(first.person, k) for k in ("name", "gender", "ethnicity", "birth_date", "id_number")}
    with pytest.raises(services.InvalidInput, match="已有进行中的案例"):
        services.open_case(
            branch=county.branch,
            person={**person, "education": "college"},
            applied_on=dt.date(2024, 5, 1),
            actor=secretary,
        )


@pytest.fixture
def transferred(county, secretary, outsider):
    """城关一支部's case, transferred to 河口一支部, whose secretary then corrects the person."""
    old = f.new_case(county.branch, secretary, name="林晓芳", phone="13700000000", workplace="城关中学教师")
    new = services.transfer_case(
        case=old, to_branch=county.other_branch, on=dt.date(2023, 3, 1), reason="工作调动", actor=secretary
    )
    services.update_person(
        case=new,
        changes={"name": "林晓芬", "phone": "13722222222", "workplace": "河口镇卫生院护士"},
        reason="更正登记错误",
        actor=outsider,
    )
    old.refresh_from_db()
    return old, new


def test_after_a_transfer_the_old_branch_sees_the_file_as_it_stood(client, secretary, transferred):
    old, _ = transferred
    client.force_login(secretary)
    page = client.get(old.get_absolute_url()).content.decode()
    assert "林晓芳" in page and "13700000000" in page and "城关中学教师" in page
    assert "林晓芬" not in page and "13722222222" not in page and "河口镇卫生院" not in page
    listing = client.get(reverse("cases:list"), {"outcome": Outcome.TRANSFERRED_OUT}).content.decode()
    assert "林晓芳" in listing and "林晓芬" not in listing


def test_the_receiving_branch_sees_its_own_corrections(client, outsider, transferred):
    _, new = transferred
    client.force_login(outsider)
    page = client.get(new.get_absolute_url()).content.decode()
    assert "林晓芬" in page and "13722222222" in page
    assert "13700000000" in page  # the value it received is the «before» of its own correction


def test_field_history_shows_only_edits_made_for_cases_the_user_may_see(secretary, outsider, transferred):
    from cases.selectors import field_history

    old, new = transferred
    seen_by_old_branch = str(field_history(old, secretary))
    assert "13722222222" not in seen_by_old_branch and "林晓芬" not in seen_by_old_branch
    seen_by_new_branch = str(field_history(new, outsider))
    assert "13722222222" in seen_by_new_branch


def test_a_closed_file_keeps_the_person_as_they_were(county, secretary, transferred):
    old, _ = transferred
    with pytest.raises(services.StepNotAllowed, match="人员信息不能再修改"):
        services.update_person(
            case=old, changes={"phone": "13000000000"}, reason="更正登记错误", actor=secretary
        )
    assert Person.objects.get(pk=old.person_id).phone == "13722222222"


def test_the_create_form_is_rate_limited_per_user(
    client, county, secretary, secretary_under_reviewer, settings
):
    settings.ID_LOOKUP_RATES = ["3/m"]
    client.force_login(secretary)
    probes = [f.person() for _ in range(4)]
    answers = [client.post(reverse("cases:create"), create_data(county, p)).status_code for p in probes]
    assert answers == [302, 302, 302, 429]
    assert not Person.objects.filter(id_number=probes[3]["id_number"]).exists()  # refused before any work
    assert "操作过于频繁" in client.post(reverse("cases:create"), {}).content.decode()
    assert client.get(reverse("cases:create")).status_code == 200  # reading the form is not counted

    client.force_login(secretary_under_reviewer)  # another user has a limit of their own
    other = create_data(county, f.person(), branch=county.branch_under_reviewer.pk)
    assert client.post(reverse("cases:create"), other).status_code == 302


def test_the_edit_form_shares_the_limit(client, county, secretary, settings):
    settings.ID_LOOKUP_RATES = ["2/m"]
    case = f.new_case(county.branch, secretary)
    client.force_login(secretary)
    client.post(reverse("cases:create"), create_data(county, f.person()))
    client.post(reverse("cases:edit", args=[case.pk]), {"name": "王改名"})
    response = client.post(reverse("cases:edit", args=[case.pk]), {"name": "王再改"})
    assert response.status_code == 429
