"""Panels and addresses other apps contribute to the case file's pages, so the case file never
names their templates or URLs. An app registers in its AppConfig.ready():

- a panel for a place — CASE_PAGE (the case page, after its history; called with the request and
  the case), REPORT (a report pending somewhere, in its step's row on the case page; called with
  the request, the case and the report, its at_org selected) or DASHBOARD (the 工作台, after the
  stage counts; called with the request) or DUE (the 工作台's opening lists of what is overdue
  and due soon; called with the request) — a callable returning (template, context), or None to
  show nothing to this user;
- the queue home: the URL name where a committee's queue lives (the old inbox address leads there).
"""

from collections.abc import Callable

from django.template.loader import render_to_string
from django.utils.safestring import SafeString

CASE_PAGE = "case"
REPORT = "report"
DASHBOARD = "dashboard"
DUE = "due"

Panel = Callable[..., tuple[str, dict] | None]

_panels: dict[str, list[Panel]] = {CASE_PAGE: [], REPORT: [], DASHBOARD: [], DUE: []}
_queue_home: str | None = None


def register(place: str, panel: Panel) -> None:
    """Add `panel` to `place`, once however often the registering app is made ready."""
    if panel not in _panels[place]:
        _panels[place].append(panel)


def render(place: str, request, **objects) -> list[SafeString]:
    """The HTML of each panel contributed to `place`, in the order the apps registered them."""
    html = []
    for panel in _panels[place]:
        contributed = panel(request, **objects)
        if contributed is not None:
            template, context = contributed
            html.append(render_to_string(template, context, request=request))
    return html


def set_queue_home(url_name: str) -> None:
    global _queue_home
    _queue_home = url_name


def queue_home() -> str | None:
    """The URL name of the committee's queue, or None when no app provides one."""
    return _queue_home
