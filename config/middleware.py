"""Project-wide middleware: pages with personal data are never cached, and sessions have an absolute end.

NoStoreMiddleware: every response produced by a view (pages, htmx partials, downloads of materials,
letters and exports) says `Cache-Control: no-store`, so no browser or proxy keeps a copy of personal
data. Static files never reach it: WhiteNoise answers them earlier, with their own long caching.

SessionLifetimeMiddleware: Django ends a session after SESSION_COOKIE_AGE without a request
(SESSION_SAVE_EVERY_REQUEST moves the expiry on); this ends it SESSION_MAX_AGE_SECONDS after login
however active the user is. Every login stamps its time in the session (user_logged_in: a second
login by the same user keeps the session key, so the key alone does not tell); a session from before
this middleware is stamped on its first request.
"""

import time

from django.conf import settings
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.utils.cache import add_never_cache_headers

LOGGED_IN_AT = "logged_in_at"


class NoStoreMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class SessionLifetimeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated and self._expired(request.session):
            logout(request)  # flushes the session; LoginRequiredMiddleware then sends to the login page
        response = self.get_response(request)
        if request.user.is_authenticated and LOGGED_IN_AT not in request.session:
            request.session[LOGGED_IN_AT] = time.time()
        return response

    @staticmethod
    def _expired(session) -> bool:
        started = session.get(LOGGED_IN_AT)
        if started is None:
            return False  # stamped on this response
        try:
            return time.time() - float(started) > settings.SESSION_MAX_AGE_SECONDS
        except (TypeError, ValueError):
            return True


def stamp_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGGED_IN_AT] = time.time()


user_logged_in.connect(stamp_login_time, dispatch_uid="config.middleware.stamp_login_time")
