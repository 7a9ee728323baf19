"""cases.bulk_rows.new_instance builds the same unsaved instance as Model(**values)."""

import datetime as dt

import pytest

from cases.bulk_rows import new_instance
from cases.models import Case, CaseEvent, Person, StepRecord


def _fields(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_a_person_and_case_equal_those_built_by_keywords():
    values = {"name": "张三", "gender": "M", "birth_date": dt.date(1990, 1, 2), "id_number": "1"}
    person, same = Person(**values), new_instance(Person, **values)
    assert _fields(same) == _fields(person)
    case = new_instance(Case, person=same, league_recommended_on=None, special_development=True)
    expected = Case(person=same, league_recommended_on=None, special_development=True)
    assert _fields(case) == _fields(expected)
    assert case.person is same and case._state.adding and case.pk is None


def test_a_callable_default_is_called_for_each_instance():
    first, second = new_instance(CaseEvent), new_instance(CaseEvent)
    assert first.warnings == [] and first.warnings is not second.warnings
    assert (
        new_instance(StepRecord).data == {}
        and new_instance(StepRecord).data is not new_instance(StepRecord).data
    )


def test_an_unknown_field_is_refused_as_by_the_model():
    with pytest.raises(TypeError):
        new_instance(Person, nickname="小张")
