"""GB/T 9704-2012 on every page, read back from the PDF (pypdf): each kind of letter rendered for
one, five and fifty people — the page count; the signature and 成文日期 on a page that also holds
body text, never alone; page numbers "— n —" on the outer side (odd pages right, even pages left);
the 版记 (抄送, 印发机关 and 印发日期) at the foot of the last page; every font embedded.

Each letter is rendered once (a module fixture) from an unsaved Letter built with the words the
issuing service would compose (reviews.wording), so no database is needed.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass

import pytest
from pypdf import PdfReader

from reviews import letters, wording
from reviews.models import Letter, LetterEntry, LetterKind
from reviews.wording import PersonFacts, cn_date

d = dt.date
ISSUED = d(2026, 11, 25)
MM = 72 / 25.4
BOTTOM = 35 * MM  # the 版心's lower edge, from the foot of the page
SIZES = (1, 5, 50)


def person(i: int) -> PersonFacts:
    return PersonFacts(
        name=f"欧阳{'一二三四五六七八九十'[i % 10]}{i}",
        gender="女" if i % 2 else "男",
        selected_on=d(2024, 3, 1),
        probation_start=d(2025, 10, 13),
        probation_end=d(2026, 10, 13),
        resolution=("convert", "extend", "cancel")[i % 3],
        extension_months=6,
        full_member_on=d(2026, 10, 13),
    )


# kind → (wording of n persons, issuer, 主送, 抄送)
KINDS = {
    "admission": (
        lambda ps: wording.admission(ps, "城关镇党委", d(2025, 11, 2), "党支部党员大会"),
        "城关镇党委",
        "城关镇第一党支部",
        "城关镇机关党总支",
    ),
    "conversion": (
        lambda ps: wording.conversion(ps, "城关镇党委", d(2026, 11, 1)),
        "城关镇党委",
        "城关镇第一党支部",
        "",
    ),
    "filing": (  # the organization department's 回执 for step 18, to the committee that approved
        lambda ps: wording.filing(ps, "admission_filing", "2026"),
        "县委组织部",
        "城关镇党委",
        "城关镇第一党支部",
    ),
    "pre_review": (lambda ps: wording.pre_review(ps, "2026"), "城关镇党委", "城关镇第一党支部", ""),
    "publicity": (
        lambda ps: wording.publicity(ps, "target_selection", d(2026, 11, 25), d(2026, 12, 1)),
        "城关镇第一党支部",
        "城关镇第一党支部",
        "",
    ),
}
CLOSING_WORD = {"admission": "特此批复。", "conversion": "特此批复。", "filing": "特此回执。"}
CLOSING_WORD |= {"pre_review": "特此批复。", "publicity": "特此公示。"}
# Pages per kind for 1, 5 and 50 people, as laid out today (A4, Noto Serif CJK SC). A one-person
# letter is one page: where the signature block would go to a page of its own, the lines are set
# closer (reviews.letters.TIGHT_LINES) — the one-person 批复 and 转正批复 need it.
PAGES = {
    "admission": (1, 2, 4),
    "conversion": (1, 2, 5),
    "filing": (1, 2, 4),
    "pre_review": (1, 2, 4),
    "publicity": (1, 1, 3),
}


def build(kind: str, n: int) -> tuple[Letter, list[LetterEntry]]:
    compose, issuer, to, copy = KINDS[kind]
    persons = [person(i) for i in range(n)]
    text = compose(persons)
    letter = Letter(
        kind=kind,
        step="",
        issued_on=ISSUED,
        year=2026,
        serial=12,
        number="城组〔2026〕12号",
        issuer_name=issuer,
        issuer_mark=wording.issuer_mark(issuer),
        addressee_name=to,
        copy_to=copy,
        title=text.title,
        body="\n".join(text.body),
        closing="\n".join(text.closing),
        lists_names=text.show_table,
        code="ABCDEFGHJK",
        verify_url="https://dangyuan.example.cn/verify/ABCDEFGHJK/",
    )
    entries = [
        LetterEntry(position=i + 1, name=p.name, gender=p.gender, decision=decision, detail=detail)
        for i, (p, (decision, detail)) in enumerate(zip(persons, text.decisions, strict=True))
    ]
    return letter, entries


@dataclass
class Run:
    x: float
    y: float
    text: str


@dataclass
class Rendered:
    letter: Letter
    reader: PdfReader
    pages: list[list[Run]]

    def page_with(self, text: str) -> int:
        return next(i for i, runs in enumerate(self.pages) if any(text in r.text for r in runs))

    def run(self, page: int, text: str) -> Run:
        return next(r for r in self.pages[page] if text in r.text)


def read(pdf: bytes) -> tuple[PdfReader, list[list[Run]]]:
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        runs = []

        def visit(text, cm, tm, font, size, runs=runs):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                runs.append(Run(x, y, text.strip()))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return reader, pages


@pytest.fixture(scope="module")
def rendered() -> dict[tuple[str, int], Rendered]:
    done = {}
    for kind in KINDS:
        for n in SIZES:
            letter, entries = build(kind, n)
            reader, pages = read(letters.render(letter, entries))
            done[kind, n] = Rendered(letter, reader, pages)
    return done


CASES = [(kind, n) for kind in KINDS for n in SIZES]


@pytest.mark.parametrize(("kind", "n"), CASES)
def test_page_count(rendered, kind, n):
    assert len(rendered[kind, n].pages) == PAGES[kind][SIZES.index(n)]


@pytest.mark.parametrize(("kind", "n"), CASES)
def test_the_signature_and_date_stand_with_body_text(rendered, kind, n):
    r = rendered[kind, n]
    date = cn_date(ISSUED)
    page = r.page_with(date)
    signature = [x for x in r.pages[page] if x.text == r.letter.issuer_mark][-1]  # not the 版头's
    dated = next(x for x in r.pages[page] if x.text == date)
    assert signature.y > dated.y and signature.x > 250 and dated.x > 250  # right half, name over date
    # The body's last paragraphs are on the same page, above the signature.
    closing = r.run(page, CLOSING_WORD[kind])
    assert closing.y > signature.y
    last_paragraph = r.letter.closing.split("\n")[-2][:12]
    assert any(last_paragraph in x.text and x.y > signature.y for x in r.pages[page])
    assert page == len(r.pages) - 1  # nothing but the signature's page follows the body


@pytest.mark.parametrize(("kind", "n"), CASES)
def test_page_numbers_on_the_outer_side(rendered, kind, n):
    r = rendered[kind, n]
    for index, runs in enumerate(r.pages):
        number = index + 1
        marks = [x for x in runs if re.fullmatch(r"— \d+ —", x.text)]
        assert [x.text for x in marks] == [f"— {number} —"]
        width = float(r.reader.pages[index].mediabox.width)
        mark = marks[0]
        assert mark.y < BOTTOM - 7 * MM + 2  # 一字线 7 mm below the 版心
        if number % 2:
            assert mark.x > width / 2, f"page {number}: odd pages carry the number on the right"
        else:
            assert mark.x < width / 4, f"page {number}: even pages carry the number on the left"


@pytest.mark.parametrize(("kind", "n"), [c for c in CASES if c[0] != "publicity"])
def test_the_imprint_is_at_the_foot_of_the_last_page(rendered, kind, n):
    r = rendered[kind, n]
    last = len(r.pages) - 1
    issued = r.run(last, f"{cn_date(ISSUED)}印发")
    assert BOTTOM < issued.y < BOTTOM + 12 * MM  # its last line on the 版心's last line
    assert r.page_with("印发") == last
    if r.letter.copy_to:
        copy = r.run(last, f"抄送：{r.letter.copy_to}。")
        assert issued.y < copy.y < issued.y + 15 * MM
    else:
        assert not any("抄送" in x.text for page in r.pages for x in page)
    date = r.run(last, cn_date(ISSUED))
    assert date.y > issued.y + 10 * MM


def test_a_publicity_notice_is_posted_not_sent(rendered):
    r = rendered["publicity", 5]
    text = " ".join(x.text for page in r.pages for x in page)
    assert "印发" not in text and "城组" not in text and "城关镇第一党支部：" not in text
    assert "公示时间：2026年11月25日至2026年12月1日。" in text.replace(" ", "")
    assert r.letter.kind == LetterKind.PUBLICITY


@pytest.mark.parametrize(("kind", "n"), [(kind, 50) for kind in KINDS])
def test_every_font_is_embedded_and_one_family(rendered, kind, n):
    for page in rendered[kind, n].reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described["/FontDescriptor"].get_object()
            assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            assert "Noto-Serif-CJK-SC" in font["/BaseFont"]


def test_fifty_names_all_listed_once(rendered):
    for kind in KINDS:
        r = rendered[kind, 50]
        text = "\n".join(x.text for page in r.pages for x in page)
        assert all(text.count(f"{p.name} ") >= 1 for p in map(person, range(50))), kind


@pytest.mark.parametrize(("kind", "n"), CASES)
def test_no_page_is_blank_or_holds_only_the_imprint(rendered, kind, n):
    """The 版记 travels with the date (a footnote of its block), so no page before it is blank and
    it never stands on a page of its own: every page has text besides its number and the 版记."""
    for runs in rendered[kind, n].pages:
        body = [x for x in runs if not re.fullmatch(r"— \d+ —", x.text) and "印发" not in x.text]
        assert any(not x.text.startswith("抄送") for x in body)


def line_gap(r: Rendered, kind: str) -> float:
    """The distance from the line above 特此…。 (the end of the paragraph before) to it."""
    page = r.page_with(CLOSING_WORD[kind])
    closing = r.run(page, CLOSING_WORD[kind])
    above = min(x.y for x in r.pages[page] if x.y > closing.y + 1)
    return round(above - closing.y, 1)


def test_lines_are_set_closer_only_when_that_saves_the_signature_a_page(rendered, monkeypatch):
    """GB/T 9704 7.3.5.1: the one-person 批复 would leave its signature and date alone on page 2, so
    its lines are set closer (25 pt) and it is one page; a letter with room keeps 28.5 pt."""
    assert line_gap(rendered["admission", 1], "admission") == 25
    assert line_gap(rendered["filing", 1], "filing") == 28.5
    monkeypatch.setattr(letters, "TIGHT_LINES", ())
    letter, entries = build("admission", 1)
    assert len(read(letters.render(letter, entries))[1]) == 2
