"""Every form of every page, as every persona that sees it, posted back with any values: each
field either a value the page offers or hostile text, numbers and dates. Never a 5xx, and a
refused submission wrote nothing. Then every POST address, as every persona, with random fields."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.checks import finish, request_and_check
from tests.fuzz.conftest import examples
from tests.fuzz.routes import addresses, product_routes
from tests.fuzz.strategies import page_forms, submission, text
from tests.fuzz.test_any_query import PERSONAS, log_in

pytestmark = pytest.mark.django_db

SKIPPED_ACTIONS = {"/logout/"}  # posting it ends the session the rest of the run needs


def forms_shown(client, scene) -> dict[tuple, object]:
    """The POST forms the logged-in persona is shown, one per address and set of fields."""
    found = {}
    for route in product_routes():
        for path in addresses(route, scene):
            response = finish(client.get(path))
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            for form in page_forms(response.content.decode(), path):
                if form.method == "post" and form.action not in SKIPPED_ACTIONS:
                    found.setdefault((form.action, tuple(sorted(form.fields))), form)
    return found


def fuzz_post(client, path: str, strategy, n: int) -> None:
    @settings(settings.get_profile("fuzz"), max_examples=n)
    @given(data=strategy)
    def attempt(data):
        request_and_check(client, "post", path, data)

    attempt()


def test_every_form_refuses_any_values_below_500_and_without_writing(client, fuzz_scene):
    posted = 0
    for persona in PERSONAS:
        client.logout()
        log_in(client, fuzz_scene.users[persona])
        for form in forms_shown(client, fuzz_scene).values():
            fuzz_post(client, form.action, submission(form), examples(4 + len(form.fields)))
            posted += 1
    assert posted >= 10, "the scene shows too few forms to say anything"


def test_every_post_address_refuses_any_fields_below_500_and_without_writing(client, fuzz_scene):
    """Addresses a persona is not shown a form for (another branch's case, a queue of another
    role) and forms posted without their page: 403, 404 or a form error."""
    names = {name for form in forms_shown_to_all(client, fuzz_scene) for name in form.fields}
    fields = st.dictionaries(st.sampled_from(sorted(names)) | st.text(max_size=8), text, max_size=8)
    for persona in PERSONAS:
        client.logout()
        log_in(client, fuzz_scene.users[persona])
        for route in product_routes():
            for path in addresses(route, fuzz_scene):
                if path not in SKIPPED_ACTIONS:
                    fuzz_post(client, path, fields, examples(2))


def forms_shown_to_all(client, scene):
    for persona in ("secretary", "officer", "reviewer"):
        client.logout()
        log_in(client, scene.users[persona])
        yield from forms_shown(client, scene).values()
