"""Refuse a request whose body is bigger than any upload may be, from its Content-Length header,
before Django parses the body or writes a byte of it to a temporary file.

Without this, Django streams a multipart body of any size to disk before a form or view can look at
the file's size. The limit (settings.MAX_UPLOAD_REQUEST_BYTES) is one scan or one import workbook plus
the form around it; each upload path still checks its own file limit with its own message.

The refusal is a page that says 文件过大, not a broken connection: a body of moderate size is read and
thrown away first (as Django does when an upload handler stops an upload), so the browser, which is
still sending, receives the answer; a larger one is not read at all and the connection is closed.
An htmx form gets status 200 and the message inserted above the form (htmx swaps only 2xx answers),
so what the user typed stays on the page; any other request gets status 413 and a full page.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string

DISCARD_AT_MOST = 64 * 1024 * 1024  # read and thrown away so the browser sees the page; beyond: closed
CHUNK = 64 * 1024


class UploadSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        length = declared_length(request)
        if length > settings.MAX_UPLOAD_REQUEST_BYTES:
            return refuse(request, length)
        return self.get_response(request)


def declared_length(request) -> int:
    try:
        return max(int(request.META.get("CONTENT_LENGTH") or 0), 0)
    except ValueError:  # Django itself reads an unparsable length as an empty body
        return 0


def refuse(request, length: int) -> HttpResponse:
    context = {"size_mb": f"{length / 1048576:.1f}", "limit_mb": _limit_mb()}
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(render_to_string("includes/upload_too_big.html", context))
        response["HX-Reswap"] = "beforebegin"
    else:
        response = HttpResponse(render_to_string("413.html", context), status=413)
    if length <= DISCARD_AT_MOST:
        _discard_body(request)
    else:
        response["Connection"] = "close"
    return response


def _limit_mb() -> int:
    """The file limit people are told about: the request limit less the form's small allowance."""
    return settings.MAX_UPLOAD_REQUEST_BYTES // 1048576


def _discard_body(request) -> None:
    while request.read(CHUNK):
        pass
