"""What the reminders contribute to the case file's pages (cases.panels): the 工作台's opening
lists 「已逾期」 and 「7 天内到期」, from the open deadlines the user answers for or was told about."""

from django.utils import timezone

from cases import panels
from reminders import selectors


def due_lists(request):
    today = timezone.localdate()
    return "reminders/_due_lists.html", {**selectors.due_lists(request.user, today), "today": today}


def register() -> None:
    panels.register(panels.DUE, due_lists)
