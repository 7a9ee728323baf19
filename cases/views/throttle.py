"""Rate limits (django-ratelimit) on forms that tell whether a 公民身份号码 is registered, and the
page a request over a limit gets (RATELIMIT_VIEW)."""

from django.conf import settings
from django.shortcuts import render
from django_ratelimit.decorators import ratelimit

# Up to this many rates per group (say per minute and per day); read at each request.
_RATE_SLOTS = 3


def _rate(setting: str, index: int):
    def rate(group, request):
        rates = getattr(settings, setting)
        return rates[index] if index < len(rates) else None  # None: this slot does not limit

    return rate


def limit_posts_per_user(group: str, setting: str):
    """POSTs per user, counted together for every view in `group`, at the rates of `setting`."""

    def decorate(view):
        for index in range(_RATE_SLOTS):
            view = ratelimit(group=group, key="user", rate=_rate(setting, index), method="POST")(view)
        return view

    return decorate


# The create and edit forms answer one number at a time.
limit_id_lookups = limit_posts_per_user("id-lookup", "ID_LOOKUP_RATES")
# An import's check answers, for each row, whether its number is registered.
limit_import_uploads = limit_posts_per_user("import-upload", "IMPORT_UPLOAD_RATES")


def ratelimited(request, exception):
    return render(request, "429.html", status=429)
