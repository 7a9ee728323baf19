"""The case file's public action for letters another app issues: each case gets one event in its
chain under the issuer's grant, and an actor who may not issue letters to the branch writes nothing."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.exceptions import PermissionDenied

from cases import services
from cases.models import CaseEvent
from cases.services.events import verify_chain
from tests import factories as f

ISSUED_ON = dt.date(2025, 3, 5)


@pytest.fixture
def two_cases(county, secretary):
    return [f.new_case(county.branch, secretary) for _ in range(2)]


def a_letter(county):
    return SimpleNamespace(
        number="城组〔2025〕3号",
        title="关于同意接收的批复",
        step="admission_approval",
        addressee=county.branch,
    )


def test_it_records_one_letter_event_on_each_case_in_its_chain(two_cases, county, officer):
    services.record_letter_issued(
        cases=two_cases, letter=a_letter(county), actor=officer, issued_on=ISSUED_ON
    )
    for case in two_cases:
        event = CaseEvent.objects.get(case=case, kind="letter")
        assert event.summary == "发文 城组〔2025〕3号《关于同意接收的批复》"
        assert (
            event.occurred_on == ISSUED_ON and event.actor == officer and event.step == "admission_approval"
        )
        assert event.role and event.org is not None
        assert verify_chain(case) == []


def test_it_records_a_regenerated_letter_without_changing_its_number(two_cases, county, officer):
    services.record_letter_regenerated(cases=two_cases, letter=a_letter(county), actor=officer)
    summaries = set(CaseEvent.objects.filter(kind="letter").values_list("summary", flat=True))
    assert summaries == {"重新生成发文 城组〔2025〕3号（文号和内容不变）"}
    assert CaseEvent.objects.filter(kind="letter").count() == 2


@pytest.mark.parametrize("persona", ["secretary", "auditor", "outsider"])
def test_it_refuses_an_actor_who_may_not_issue_letters_and_writes_nothing(
    request, two_cases, county, persona
):
    before = CaseEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.record_letter_issued(
            cases=two_cases,
            letter=a_letter(county),
            actor=request.getfixturevalue(persona),
            issued_on=ISSUED_ON,
        )
    assert CaseEvent.objects.count() == before
