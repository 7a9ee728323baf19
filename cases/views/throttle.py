"""Rate limits (django-ratelimit) on forms that tell whether a 公民身份号码 is registered, and the
page a request over the limit gets (RATELIMIT_VIEW)."""

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

# Up to this many rates (say per minute and per day); read at each request, so settings can change.
_RATE_SLOTS = 3


def _rate(index: int):
    def rate(group, request):
        rates = settings.ID_LOOKUP_RATES
        return rates[index] if index < len(rates) else None  # None: this slot does not limit

    return rate


def limit_id_lookups(view):
    """Per user, counting POSTs of every form in the group together (settings.ID_LOOKUP_RATES)."""
    for index in range(_RATE_SLOTS):
        view = ratelimit(group="id-lookup", key="user", rate=_rate(index), method="POST")(view)
    return view


def ratelimited(request, exception):
    return render(request, "429.html", status=429)
