"""The seal covers a row's values as its columns give them back: the fast per-field reading used
when rows are sealed (imports, forms) and verified must say exactly what the generic one says."""

import datetime as dt
import decimal
import uuid

import pytest
from django.apps import apps

from audit.models import _canonical, _canonicalizer, is_sealed

SAMPLES = [
    None,
    "",
    "5",
    "文本",
    5,
    0,
    True,
    False,
    1.5,
    dt.date(2026, 6, 30),
    dt.datetime(2026, 6, 30, 23, 59, 1),
    dt.datetime(2026, 6, 30, 23, 59, 1, tzinfo=dt.timezone(dt.timedelta(hours=8))),
    dt.datetime(2026, 6, 30, 15, 59, 1, tzinfo=dt.UTC),
    decimal.Decimal("1.50"),
    uuid.UUID(int=7),
    {"日期": dt.date(2026, 1, 1), "n": 1},
    ["a", 1],
]

SEALED_FIELDS = [
    pytest.param(field, id=f"{model._meta.label}.{field.attname}")
    for model in apps.get_models()
    if is_sealed(model)
    for field in model._meta.concrete_fields
]


def generic_or_error(field, value):
    try:
        return _canonical(field, value)
    except Exception as exc:  # noqa: BLE001 - the fast reading must fail alike
        return type(exc)


@pytest.mark.filterwarnings("ignore:DateTimeField .* received a naive datetime")
@pytest.mark.parametrize("field", SEALED_FIELDS)
def test_the_fast_reading_of_every_sealed_column_equals_the_generic_one(field):
    fast = _canonicalizer(field)
    for value in SAMPLES:
        expected = generic_or_error(field, value)
        try:
            got = fast(value)
        except Exception as exc:  # noqa: BLE001
            got = type(exc)
        assert got == expected and type(got) is type(expected), (field, value)


def test_sealed_models_are_found():
    assert len(SEALED_FIELDS) > 50
