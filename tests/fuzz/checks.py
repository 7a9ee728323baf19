"""What every fuzzed request must show: no 5xx, and a refused request wrote nothing."""

from django.contrib.messages import constants, get_messages
from django.db import connection

from cases.models import Case, CaseEvent, Material, Meeting, Person, Publicity, StepRecord, Submission, Vote
from reviews.models import Letter

TRACKED = (Case, StepRecord, CaseEvent, Person, Material, Submission, Meeting, Vote, Publicity, Letter)
HISTORIES = (Case, Person, StepRecord)  # an edit leaves the count alone but adds a history row


def finish(response):
    """Read a file response to its end, which closes it the way the test client expects (calling
    close() directly would fire request_finished and close the test's database connection)."""
    if response.streaming:
        b"".join(response.streaming_content)
    return response


def _counted_tables() -> dict[str, str]:
    tables = {m.__name__: m._meta.db_table for m in TRACKED}
    return tables | {f"{m.__name__} history": m.history.model._meta.db_table for m in HISTORIES}


def row_counts() -> dict[str, int]:
    """Every tracked table's row count in one round trip (twice per fuzzed request, thousands of times)."""
    tables = _counted_tables()
    quote = connection.ops.quote_name
    select = ", ".join(f"(SELECT COUNT(*) FROM {quote(table)})" for table in tables.values())
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {select}")
        return dict(zip(tables, cursor.fetchone(), strict=True))


def refused(response, method: str) -> bool:
    """A 4xx; a page answered to a POST (every write here ends in a redirect; the one 200 that
    writes, revealing a 公民身份号码, writes none of the tracked rows); or a redirect carrying an
    error message."""
    if response.status_code >= 400 or method == "post" and response.status_code == 200:
        return True
    if response.status_code in (301, 302, 303):
        return any(m.level >= constants.ERROR for m in get_messages(response.wsgi_request))
    return False


def request_and_check(client, method: str, path: str, data: dict) -> None:
    client.cookies.pop("messages", None)  # so the messages after the request are its own
    before = row_counts()
    response = finish(getattr(client, method)(path, data))
    assert response.status_code < 500, f"{method.upper()} {path} {data!r} → {response.status_code}"
    if method == "get" or refused(response, method):
        assert row_counts() == before, f"{method.upper()} {path} {data!r} was refused but wrote rows"
