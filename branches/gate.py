"""What a signed-in user must settle before using anything: first the second factor, then a new
password when an admin set the current one.

At login (any login: the site's, the admin's, force_login in tests) `note_login` writes into the
session whether the account has a second factor and whether its password must change, so the
middleware answers every later request from the session without a query. The second factor is
also demanded of anyone `two_factor.required_for` names, so turning the setting on reaches
sessions that are already open. Until settled, every page redirects to the one that settles it
(htmx requests are told to redirect the whole page); only that page and logging out stay open.
"""

from django.contrib.auth.views import redirect_to_login
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

from branches import two_factor
from branches.models import AccountSecurity

HAS_SECOND_FACTOR = "account_has_second_factor"
MUST_CHANGE_PASSWORD = "account_must_change_password"

SECOND_FACTOR_PAGES = frozenset({"account:two_factor_verify", "account:two_factor_setup"})
PASSWORD_PAGES = frozenset({"account:password_change"})
ALWAYS_OPEN = frozenset({"logout", "admin:logout"})


def note_login(sender, request, user, **kwargs) -> None:
    """user_logged_in receiver: what this login still owes, kept in the new session."""
    session = getattr(request, "session", None)
    if session is None:
        return
    session.pop(HAS_SECOND_FACTOR, None)
    session.pop(MUST_CHANGE_PASSWORD, None)
    if two_factor.confirmed_device(user) is not None:
        session[HAS_SECOND_FACTOR] = True
    if AccountSecurity.objects.filter(user=user, must_change_password=True).exists():
        session[MUST_CHANGE_PASSWORD] = True


def owed(request) -> tuple[str, frozenset[str]] | None:
    """The page that settles what this user owes, and the pages open meanwhile; None if nothing."""
    user = request.user
    is_verified = getattr(user, "is_verified", None)
    if is_verified is not None and not is_verified():
        if request.session.get(HAS_SECOND_FACTOR):
            return "account:two_factor_verify", SECOND_FACTOR_PAGES
        if two_factor.required_for(user):
            return "account:two_factor_setup", SECOND_FACTOR_PAGES
    if request.session.get(MUST_CHANGE_PASSWORD):
        return "account:password_change", PASSWORD_PAGES
    return None


class AccountGateMiddleware:
    """After LoginRequiredMiddleware: anonymous requests never get here with a view to guard."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not request.user.is_authenticated:
            return None
        debt = owed(request)
        if debt is None:
            return None
        page, open_pages = debt
        if request.resolver_match.view_name in open_pages | ALWAYS_OPEN:
            return None
        response = redirect_to_login(request.get_full_path(), login_url=reverse(page))
        if getattr(request, "htmx", False):
            return HttpResponseClientRedirect(response.url)
        return response
