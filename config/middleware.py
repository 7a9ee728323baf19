"""Project-wide middleware: pages with personal data are never cached, and sessions have an absolute end.

NoStoreMiddleware: every response produced by a view (pages, htmx partials, downloads of materials,
letters and exports) says `Cache-Control: no-store`, so no browser or proxy keeps a copy of personal
data. Static files never reach it: WhiteNoise answers them earlier, with their own long caching.

SessionLifetimeMiddleware: a session ends SESSION_IDLE_SECONDS after its last request and
SESSION_MAX_AGE_SECONDS after login, however active the user is. Both times are kept in the session.
The last request's time is written at most once a minute (IDLE_STAMP_EVERY), so an ordinary page costs
no session write; the idle limit is therefore exact to within that minute. Every login stamps its time
(user_logged_in: a second login by the same user keeps the session key, so the key alone does not
tell); a session from before this middleware is stamped on its first request. SESSION_COOKIE_AGE is
the absolute limit too, so the cookie and the stored session never outlive it.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.utils.cache import add_never_cache_headers

LOGGED_IN_AT = "logged_in_at"
LAST_SEEN_AT = "last_seen_at"


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


IDLE_STAMP_EVERY = 60  # seconds


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = time.time()
        if request.user.is_authenticated and self._expired(request.session, now):
            logout(request)  # flushes the session; LoginRequiredMiddleware then sends to the login page
        response = self.get_response(request)
        if request.user.is_authenticated:
            session = request.session
            session.setdefault(LOGGED_IN_AT, now)
            if now - _seconds(session.get(LAST_SEEN_AT)) >= IDLE_STAMP_EVERY:
                session[LAST_SEEN_AT] = now
        return response

    @staticmethod
    def _expired(session, now: float) -> bool:
        started, seen = session.get(LOGGED_IN_AT), session.get(LAST_SEEN_AT)
        if started is None:
            return False  # stamped on this response
        if now - _seconds(started) > settings.SESSION_MAX_AGE_SECONDS:
            return True
        return seen is not None and now - _seconds(seen) > settings.SESSION_IDLE_SECONDS


def _seconds(value) -> float:
    try:
        return float(value)
    except (TypeError, ValueError):
        return 0.0  # a tampered stamp counts as long ago: the session ends


def stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGGED_IN_AT] = request.session[LAST_SEEN_AT] = time.time()
