"""Object ids from outside (a URL, a query parameter, a ticked box): ASCII digits naming a row key
between 1 and 2^63 − 1, the range of the bigint primary keys. Anything else — 0, a minus sign,
"²", "٣", twenty digits — is no id: a URL does not match (404), a form says so, and no query runs
with it (SQLite cannot bind an integer past 2^63 − 1 at all).

Importing this module registers the path converter `<id:pk>`; every urls.py with ids imports it.
"""

import re

from django.urls import register_converter

MAX_ID = 2**63 - 1
_ID = re.compile(r"[1-9][0-9]{0,18}")


def object_id(value) -> int | None:
    """The id `value` names, or None when it names none."""
    text = value if isinstance(value, str) else str(value)
    if not _ID.fullmatch(text):
        return None
    number = int(text)
    return number if number <= MAX_ID else None


class ObjectIdConverter:
    regex = _ID.pattern

    def to_python(self, value: str) -> int:
        number = object_id(value)
        if number is None:
            raise ValueError("not an object id")  # the resolver treats this as no match: 404
        return number

    def to_url(self, value) -> str:
        return str(value)


register_converter(ObjectIdConverter, "id")
