"""The public verification page (no login): is this letter genuine, what did it decide, has
anything changed since? Reached from the QR code or by typing the short code.

It shows only what the letter showed when it was issued (reviews/verification.py), and answers each
address at most settings.VERIFY_RATE_LIMIT times (django-ratelimit, in the shared cache); beyond
that a Chinese 429 page, so codes cannot be tried in bulk."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET
from django_ratelimit.decorators import ratelimit

from reviews import selectors, verification


def _noindex(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


def _rate(group, request) -> str:
    return settings.VERIFY_RATE_LIMIT


def _rate_limited(view):
    """One budget per address for both pages; over it, the 429 page instead of the view."""
    counted = ratelimit(group="public-verify", key="ip", rate=_rate, block=False)

    def refuse_when_limited(request, *args, **kwargs):
        if getattr(request, "limited", False):
            response = render(request, "429.html", {"public": True}, status=429)
            response["Retry-After"] = "60"
            return _noindex(response)
        return view(request, *args, **kwargs)

    return counted(refuse_when_limited)


@login_not_required
@require_GET
@_rate_limited
def verify_lookup(request):
    code = selectors.normalize_code(request.GET.get("code", ""))
    if code:
        return redirect("reviews:verify", code=code)
    return _noindex(render(request, "reviews/verify.html", {"lookup": True}))


@login_not_required
@require_GET
@_rate_limited
def verify(request, code):
    letter = selectors.letter_by_code(code)
    if letter is None:
        response = render(request, "reviews/verify.html", {"code": code[:20], "not_found": True}, status=404)
        return _noindex(response)
    return _noindex(render(request, "reviews/verify.html", {"check": verification.verify(letter)}))
