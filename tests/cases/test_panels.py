"""Other apps contribute to the case file's pages through cases.panels: the case file's templates
and code never name another app's templates or URLs, a panel shows on the page it is registered
for and only when it has something to show, and the old inbox address leads to the registered
queue home (404 when there is none)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from cases import panels

CASE_FILE = [
    *Path(settings.BASE_DIR, "templates", "cases").glob("*.html"),
    *Path(settings.BASE_DIR, "cases").rglob("*.py"),
]

DESK_NAME = re.compile(r"[\"']reviews[/:]")  # a quoted template path or URL name


@pytest.fixture
def own_registry(monkeypatch):
    """A registry with only what the test registers, restored afterwards."""
    monkeypatch.setattr(panels, "_panels", {place: [] for place in panels._panels})
    monkeypatch.setattr(panels, "_queue_home", None)


def test_it_names_no_template_or_url_of_the_desk():
    assert len(CASE_FILE) > 20  # the templates and modules were found
    naming = [p.name for p in CASE_FILE if DESK_NAME.search(p.read_text())]
    assert naming == []


def test_it_shows_a_registered_panel_on_the_case_page_with_its_case(own_registry, client, secretary, case):
    seen = []

    def panel(request, case):
        seen.append((request.user, case))
        return "reminders/_due_table.html", {"rows": [], "empty": "面板：没有事项。"}

    panels.register(panels.CASE_PAGE, panel)
    panels.register(panels.CASE_PAGE, panel)  # a second ready() adds nothing
    client.force_login(secretary)
    page = client.get(case.get_absolute_url()).content.decode()
    assert page.count("面板：没有事项。") == 1 and seen == [(secretary, case)]
    assert "面板：没有事项。" not in client.get(reverse("cases:dashboard")).content.decode()


def test_it_leaves_out_a_panel_that_has_nothing_to_show(own_registry, client, secretary):
    panels.register(panels.DASHBOARD, lambda request: None)
    client.force_login(secretary)
    response = client.get(reverse("cases:dashboard"))
    assert response.status_code == 200 and response.context["panels"] == []


def test_it_leads_the_old_inbox_address_to_the_registered_queue_home(own_registry, client, secretary):
    client.force_login(secretary)
    assert client.get(reverse("cases:queue")).status_code == 404
    panels.set_queue_home("cases:list")
    response = client.get(reverse("cases:queue"))
    assert response.status_code == 302 and response["Location"] == reverse("cases:list")
