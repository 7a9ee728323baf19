"""Every page of the product, as every persona, with any query string (the page's own parameter
names and others; any text, numbers, dates, NUL bytes): never a 5xx, and a GET writes nothing."""

import re

import pytest
from hypothesis import given, settings

from cases.filters import CaseFilterSet
from tests.fuzz.checks import finish, request_and_check
from tests.fuzz.conftest import examples
from tests.fuzz.routes import addresses, admin_changelists, product_routes
from tests.fuzz.strategies import page_forms, query

pytestmark = pytest.mark.django_db

PERSONAS = [
    "secretary",
    "secretary_under_reviewer",
    "reviewer",
    "officer",
    "officer_b",
    "auditor",
    "outsider",
    "admin",
    "anonymous",
]
LINK_PARAMETER = re.compile(r"[?&](?:amp;)?([A-Za-z_][\w-]*)=")


def parameter_names(response, path: str) -> set[str]:
    """The names the page itself sends back as a query: its GET forms' fields and its links'.
    A file (an export) takes the case list's filters."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return set(CaseFilterSet.base_filters) | {"page"}
    html = response.content.decode(errors="replace")
    names = {name for form in page_forms(html, path) if form.method == "get" for name in form.fields}
    return names | set(LINK_PARAMETER.findall(html)) | {"page"}


def fuzz_query(client, path: str, names: set[str], n: int) -> None:
    @settings(settings.get_profile("fuzz"), max_examples=n)
    @given(params=query(names))
    def attempt(params):
        request_and_check(client, "get", path, params)

    attempt()


def log_in(client, user) -> None:
    if user is not None:
        client.force_login(user)


def test_it_answers_every_page_below_500_whatever_the_query_string(client, fuzz_scene):
    """One test for all personas: the scene is set up once."""
    for persona in PERSONAS:
        client.logout()
        log_in(client, fuzz_scene.users[persona])
        shown = 0
        for route in product_routes():
            for path in addresses(route, fuzz_scene):
                response = finish(client.get(path))
                assert response.status_code < 500, (persona, path)
                if response.status_code == 405:  # POST only: the form tests post to it
                    continue
                fuzz_query(
                    client,
                    path,
                    parameter_names(response, path),
                    examples(6) if response.status_code == 200 else 1,
                )
                shown += response.status_code == 200
        assert shown >= (1 if persona == "anonymous" else 4), f"the scene shows {persona} too few pages"


def test_it_answers_every_admin_list_below_500_whatever_the_query_string(client, fuzz_scene):
    """The admin's lists take search, ordering, page and filter parameters (a NUL byte in a search
    used to reach PostgreSQL)."""
    client.force_login(fuzz_scene.users["admin"])
    for route in admin_changelists():
        path = "/" + route.template
        response = client.get(path)
        assert response.status_code == 200, path
        names = parameter_names(response, path) | {"q", "o", "p", "e", "all", "_changelist_filters"}
        fuzz_query(client, path, names, examples(4))
