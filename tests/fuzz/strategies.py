"""What the fuzz tests send: arbitrary text, numbers and dates (with the values that broke the
product before: year 9982, ids past 2^63, NUL bytes, digits that are not ASCII), and the forms
as the pages render them, so a submission can be mostly valid with a few fields hostile."""

import datetime as dt
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

from hypothesis import strategies as st

from cases import idcard

KNOWN_BAD = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "%00",
    "0",
    "-1",
    "1.5",
    "1e400",
    "NaN",
    "²",
    "٣",
    "1_000",
    str(2**63 - 1),
    str(2**63),
    "9" * 25,
    "9" * 5000,
    "9982-03-15",
    "9999-12-31",
    "10000-01-01",
    "0001-01-01",
    "1899-12-31",
    "2101-01-01",
    "2023-02-30",
    "' OR 1=1 --",
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "=cmd|' /C calc'!A0",
    "\u202e\u200b",
    "😀" * 20,
]

# Any date, with the calendar's last years (where + 18 years overflows) drawn as often as the rest.
dates = st.one_of(st.dates(), st.dates(min_value=dt.date(9980, 1, 1)))

text = st.one_of(
    st.sampled_from(KNOWN_BAD),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    dates.map(dt.date.isoformat),
    st.floats().map(str),
)

values = st.one_of(text, st.lists(text, min_size=2, max_size=3))


def query(names) -> st.SearchStrategy[dict]:
    """A query string: the page's real parameter names and any others, with any values."""
    keys = st.one_of(st.sampled_from(sorted(names)), st.text(max_size=8)) if names else st.text(max_size=8)
    return st.dictionaries(keys, values, max_size=6)


@dataclass
class PageForm:
    method: str
    action: str  # a path
    fields: dict[str, list[str]] = field(default_factory=dict)  # name → the values the page offers


PLAUSIBLE = {"date": "2024-06-03", "number": "1", "text": "张三", "search": "张"}


class _FormParser(HTMLParser):
    def __init__(self, page_path: str):
        super().__init__()
        self.page_path, self.forms, self._form, self._select = page_path, [], None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "option" and self._select is not None:
            self._select.append(a.get("value", ""))
        elif tag == "form":
            method = "post" if "hx-post" in a else (a.get("method") or "get").lower()
            action = a.get("hx-post") or a.get("hx-get") or a.get("action") or self.page_path
            self._form = PageForm(method, urlsplit(action).path or self.page_path)
            self.forms.append(self._form)
        elif self._form is None or not a.get("name"):
            return
        elif tag in ("input", "button", "textarea"):
            kind = a.get("type", "text")
            if kind == "file":
                return
            offered = self._form.fields.setdefault(a["name"], [])
            if a.get("value") is not None:
                offered.append(a["value"])
            elif kind in PLAUSIBLE:  # an empty box: something a user could type, so checks go deeper
                offered.append(PLAUSIBLE[kind])
        elif tag == "select":
            self._select = self._form.fields.setdefault(a["name"], [])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_forms(html: str, page_path: str) -> list[PageForm]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


def consistent_identity(gender_values) -> st.SearchStrategy[dict]:
    """A birth date (any year 1–9999), a gender and a 公民身份号码 that agree with each other: only
    such a trio gets past E02, to where a year like 9982 used to overflow the rules' arithmetic."""
    genders = [g for g in gender_values if g in ("M", "F")] or ["M", "F"]
    return st.builds(
        lambda birth, gender, sequence: {
            "birth_date": birth.isoformat(),
            "gender": gender,
            "id_number": idcard.make("330102", birth, sequence, gender),
        },
        dates.filter(lambda day: day.year >= 1000),  # a number has four digits of year
        st.sampled_from(genders),
        st.integers(0, 499),
    )


@st.composite
def submission(draw, form: PageForm) -> dict:
    """The form as a user could fill it (a value the page offers in every field), with up to
    three fields made hostile or left out, a few unknown fields added, and a person's birth date,
    gender and number sometimes drawn to agree."""
    names = sorted(form.fields)
    mutated = draw(st.sets(st.sampled_from(names), max_size=3)) if names else set()
    data = {}
    for name in names:
        offered = [v for v in form.fields[name] if v] or [""]
        if name not in mutated:
            data[name] = draw(st.sampled_from(offered))
        elif (value := draw(st.none() | values)) is not None:
            data[name] = value
    if {"birth_date", "gender", "id_number"} <= set(names) and draw(st.booleans()):
        data.update(draw(consistent_identity(form.fields["gender"])))
    return {**draw(st.dictionaries(st.text(max_size=8), text, max_size=2)), **data}
