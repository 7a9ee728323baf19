"""Every path parameter of every product URL (ids, step codes, queue slugs, letter codes) replaced
by any text: ids past 2^63 − 1, zero, "²", NUL bytes. The answer is a 404 (or a 403/405 where
the role or method is refused first), never a 5xx, and nothing is written."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.fuzz.checks import request_and_check
from tests.fuzz.conftest import examples
from tests.fuzz.routes import product_routes
from tests.fuzz.strategies import text

pytestmark = pytest.mark.django_db


def fuzz_path(client, route) -> None:
    @settings(settings.get_profile("fuzz"), max_examples=examples(8))
    @given(
        values=st.fixed_dictionaries({name: text for name in route.parameters}),
        method=st.sampled_from(["get", "post"]),
    )
    def attempt(values, method):
        request_and_check(client, method, route.with_text(values), {})

    attempt()


def test_any_path_parameter_is_answered_below_500_without_writing(client, fuzz_scene):
    client.force_login(fuzz_scene.users["officer"])
    routes = [r for r in product_routes() if r.parameters]
    assert len(routes) >= 15
    for route in routes:
        fuzz_path(client, route)


@pytest.mark.parametrize("pk", [str(2**63), "9" * 20, "0", "²", "٣", "-1", "01"])
@pytest.mark.parametrize(
    "address",
    [
        "/cases/{}/",
        "/reviews/letters/{}/",
        "/reviews/q/activist_filing/{}/",
        "/io/batches/{}/",
        "/materials/{}/",
    ],
)
def test_an_id_that_names_no_row_is_a_404(client, secretary, address, pk):
    client.force_login(secretary)
    assert client.get(address.format(pk)).status_code == 404
