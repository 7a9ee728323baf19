"""What every fuzzed request must show: no 5xx, and a refused request wrote nothing."""

from django.contrib.messages import constants, get_messages

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


def row_counts() -> dict[str, int]:
    counts = {m.__name__: m.objects.count() for m in TRACKED}
    counts |= {f"{m.__name__} history": m.history.count() for m in HISTORIES}
    return counts


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
