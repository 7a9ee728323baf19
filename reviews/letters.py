"""Letters to PDF bytes: one function per kind, each rendering templates/letters/<kind>.html with
WeasyPrint (layout after GB/T 9704-2012, Chinese set in Noto Serif CJK SC).

Rendering reads only the letter's stored snapshot (number, wording, entries), never the live case,
so a letter rendered again says exactly what it said when it was issued.
"""

import threading

import segno
from django.template.loader import render_to_string

from reviews.models import Letter, LetterKind
from reviews.wording import cn_date

FONT = "Noto Serif CJK SC"
TITLE_LINE = 19  # characters of 2号 type on one line of the 156 mm 版心 (half-width digits count as one)
# Natural places to break a long title, best first (GB/T 9704: 词意完整，排列对称).
TITLE_BREAKS = (
    "按期转为",
    "为中国共产党",
    "预备党员资格",
    "预备党员转正",
    "拟列为",
    "列为",
    "预审",
    "预备期",
    "拟转为",
    "的批复",
    "的备案回执",
)


def title_lines(title: str) -> list[str]:
    """Split a long title at a natural phrase boundary into lines that fit, as balanced as possible."""
    if len(title) <= TITLE_LINE:
        return [title]
    candidates = []
    for marker in TITLE_BREAKS:
        at = title.find(marker)
        if at > 0 and len(title[:at]) <= TITLE_LINE and len(title[at:]) <= TITLE_LINE:
            candidates.append((TITLE_BREAKS.index(marker), abs(len(title[:at]) - len(title[at:])), at))
    if not candidates:
        return [title]
    at = min(candidates)[2]
    return [title[:at], title[at:]]


def qr_data_uri(url: str) -> str:
    """A QR code of the verification URL as a PNG data URI (PNG draws faster than SVG here)."""
    return segno.make(url, error="m").png_data_uri(scale=6, border=0)


def context(letter: Letter, entries: list | None = None) -> dict:
    """`entries` default to the letter's stored ones (a letter not yet saved passes its own)."""
    closing = [p for p in letter.closing.split("\n") if p.strip()]
    body = [p for p in letter.body.split("\n") if p.strip()]
    # GB/T 9704 7.3.5: the signature and date never stand on a page without body text; the last
    # paragraphs of the body (e.g. the request and 特此批复) are kept with them (templates/letters/base.html, .ending).
    if not closing and not letter.lists_names and body:
        body, closing = body[:-1], body[-1:]
    return {
        "letter": letter,
        "entries": list(letter.entries.all()) if entries is None else entries,
        "body": body,
        "closing": closing[:-2],
        "last": closing[-2:],
        "issued_on": cn_date(letter.issued_on),
        "title_lines": title_lines(letter.title),
        "qr": qr_data_uri(letter.verify_url),
        "font": FONT,
    }


_local = threading.local()


def font_config():
    """One font configuration per thread, reused across letters (saves ~10% of a render); not
    shared between threads, as Pango's font map is not thread-safe."""
    if getattr(_local, "fonts", None) is None:
        from weasyprint.text.fonts import FontConfiguration

        _local.fonts = FontConfiguration()
    return _local.fonts


# GB/T 9704 7.3.5.1: when the space left on a page cannot hold the signature and date, adjust the line
# spacing (行距) instead of sending them to a page of their own. Tighter line heights (pt; the normal
# one is 28.5), tried in turn when the ending block was pushed whole to a new page; the first that
# saves that page is kept (a one-person 批复 fits one page at 25).
TIGHT_LINES = (27, 25)


def render(letter: Letter, entries: list | None = None) -> bytes:
    """Each kind of letter has its template, letters/<kind>.html."""
    template = f"letters/{LetterKind(letter.kind).value}.html"
    values = context(letter, entries)
    document = _lay_out(template, values)
    if _ending_pushed(document):
        for line in TIGHT_LINES:
            tighter = _lay_out(template, values | {"tight_line": line})
            if len(tighter.pages) < len(document.pages):
                document = tighter
                break
    return document.write_pdf()


def _lay_out(template: str, values: dict):
    # WeasyPrint is imported here, in the worker that renders: loading it costs every web
    # process about 0.4 s at start-up for nothing.
    from weasyprint import HTML

    html = render_to_string(template, values)
    return HTML(string=html, base_url=None).render(font_config=font_config())


def _ending_pushed(document) -> bool:
    """The block of last paragraphs, signature and date starts at the top of a page after the
    first: the page before may have had room for all but a few lines of it."""
    for number, page in enumerate(document.pages):
        if "ending" in page.anchors:
            top = page.anchors["ending"][1]
            return number > 0 and top <= CONTENT_TOP + 1
    return False


CONTENT_TOP = 37 / 25.4 * 96  # the 版心's upper edge (37 mm, templates/letters/base.html) in CSS px
