"""What the desk contributes to the case file's pages through cases.panels (registered in
ReviewsConfig.ready): its queue counts on the 工作台, a case's letters on the case page, and the
address of the desk as the committee's queue."""

from django.utils import timezone

from cases import panels
from reviews import selectors


def desk_counts(request):
    """Each queue of the user's desk with its count and how many are overdue (工作台)."""
    if not request.user.is_authenticated:
        return None
    counts = selectors.queue_counts(request.user, timezone.localdate())
    return "reviews/_desk_counts.html", {"counts": counts}


def case_letters(request, case):
    """The 批复 and 回执 issued for the case (case page)."""
    return "reviews/_case_letters.html", {"letters": selectors.letters_for_case(case), "case": case}


def register() -> None:
    panels.register(panels.DASHBOARD, desk_counts)
    panels.register(panels.CASE_PAGE, case_letters)
    panels.set_queue_home("reviews:desk")
