"""The public verification page (no login): is this letter genuine, what did it decide, has
anything changed since? Reached from the QR code or by typing the short code."""

from django.contrib.auth.decorators import login_not_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET

from reviews import selectors, verification


def _noindex(response):
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
@require_GET
def verify_lookup(request):
    code = selectors.normalize_code(request.GET.get("code", ""))
    if code:
        return redirect("reviews:verify", code=code)
    return _noindex(render(request, "reviews/verify.html", {"lookup": True}))


@login_not_required
@require_GET
def verify(request, code):
    letter = selectors.letter_by_code(code)
    if letter is None:
        response = render(request, "reviews/verify.html", {"code": code[:20], "not_found": True}, status=404)
        return _noindex(response)
    return _noindex(render(request, "reviews/verify.html", {"check": verification.verify(letter)}))
