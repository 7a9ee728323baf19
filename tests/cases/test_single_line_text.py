"""Names and the other short fields printed in letters hold one line of visible text: a line break,
tab, control or invisible formatting character is refused with a Chinese reason — by the forms and,
whatever the caller, by the write path — and nothing is saved."""

import pytest
from django.urls import reverse

from cases import services
from cases.models import Case, CaseEvent, Person
from cases.text import single_line_problem
from demo.journey import advance
from tests import factories as f

pytestmark = pytest.mark.django_db

# value → what the message says of its first refused character
REFUSED = {
    "newline": ("张\n三", "第 2 个字符是换行符 U+000A"),
    "carriage-return": ("张三\r\n=1+1", "第 3 个字符是换行符 U+000D"),
    "tab": ("张\t三", "第 2 个字符是制表符 U+0009"),
    "line-separator": ("张\u2028三", "第 2 个字符是换行符 U+2028"),
    "nul": ("张\x00三", "第 2 个字符是不可见的控制字符 U+0000"),
    "bidi-override": ("张\u202e三", "第 2 个字符是不可见的控制字符 U+202E"),
    "zero-width-space": ("张\u200b三", "第 2 个字符是不可见的控制字符 U+200B"),
    "byte-order-mark": ("\ufeff张三", "第 1 个字符是不可见的控制字符 U+FEFF"),
}
HOSTILE = {key: value for key, (value, _) in REFUSED.items()}


@pytest.mark.parametrize(("value", "said"), REFUSED.values(), ids=REFUSED.keys())
def test_it_names_the_refused_character_and_its_place(value, said):
    problem = single_line_problem(value, "姓名")
    assert problem.startswith("姓名只能填写一行文字") and said in problem


@pytest.mark.parametrize("value", ["张三", "阿依古丽·买买提", "Li Ming", "张　三", "𠀾𪚥", "\ue000"])
def test_it_accepts_ordinary_names_spaces_and_rare_characters(value):
    assert single_line_problem(value, "姓名") is None


@pytest.mark.parametrize("value", HOSTILE.values(), ids=HOSTILE.keys())
def test_open_case_refuses_a_name_that_is_not_one_line_and_writes_nothing(county, secretary, value):
    with pytest.raises(services.InvalidInput, match="姓名只能填写一行文字"):
        f.new_case(county.branch, secretary, name=value)
    assert not Person.objects.exists() and not Case.objects.exists()


@pytest.mark.parametrize("field", ["name", "workplace", "ethnicity", "phone"])
def test_update_person_refuses_a_line_break_in_any_short_field(case, secretary, field):
    before = Person.objects.filter(pk=case.person.pk).values().get()
    edits = CaseEvent.objects.filter(case=case, kind="edit").count()
    with pytest.raises(services.InvalidInput, match="只能填写一行文字"):
        services.update_person(
            case=case, changes={field: "某某\n第二行"}, reason="更正登记错误", actor=secretary
        )
    assert Person.objects.filter(pk=case.person.pk).values().get() == before
    assert CaseEvent.objects.filter(case=case, kind="edit").count() == edits


@pytest.fixture
def secretary_client(client, secretary):
    client.force_login(secretary)
    return client


def create_data(county, **overrides) -> dict:
    return f.case_form_data(county.branch, **overrides)


@pytest.mark.parametrize(
    ("field", "value"),
    [("name", "陈\u202e志远"), ("name", "陈志\n远"), ("workplace", "某局\n=HYPERLINK(1)")],
)
def test_the_create_form_shows_the_reason_and_saves_nothing(secretary_client, county, field, value):
    response = secretary_client.post(reverse("cases:create"), create_data(county, **{field: value}))
    assert response.status_code == 200
    assert "只能填写一行文字" in response.content.decode()
    assert not Case.objects.exists()


def test_the_edit_form_refuses_a_workplace_over_two_lines(secretary_client, case):
    person = case.person
    data = create_data(case, name=person.name, id_number=person.id_number, workplace="某局\r\n办公室")
    data.update(
        birth_date=person.birth_date.isoformat(),
        gender=person.gender,
        education=person.education,
        reason="更正",
    )
    response = secretary_client.post(reverse("cases:edit", args=[case.pk]), data)
    assert "只能填写一行文字" in response.content.decode()
    case.person.refresh_from_db()
    assert case.person.workplace == ""


def test_the_step_form_refuses_a_talker_over_two_lines(secretary_client, case, crew):
    advance(case, crew, until="application")
    response = secretary_client.post(
        reverse("cases:step", args=[case.pk, "initial_talk"]), {"on": "2023-01-20", "talker": "组织\n委员"}
    )
    assert "只能填写一行文字" in response.content.decode()
    assert not CaseEvent.objects.filter(case=case, step="initial_talk").exists()
