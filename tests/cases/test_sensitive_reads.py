"""Every rendering of a full 公民身份号码 is logged, and a masked one cannot be rebuilt (issue 8,
items 3 and 4).

The crawler logs in as every persona, follows every link it is shown from the dashboard (and opens
every export), and for each answer compares the full numbers it contains with the access log: a
number seen without a log row written by that request is a defect. It also counts what an attack
counts — requests, answers ≥ 500, and names of people the persona may not see (leaks)."""

import datetime as dt
import io
import re
import zipfile
from collections import deque

import pytest
from django.urls import reverse

from cases import idcard
from cases.models import Case, Person, SensitiveAccess, Stage
from cases.selectors import cases_visible_to
from cases.services import transfer_case
from demo.journey import advance
from imports.models import ExportLog
from reviews.models import Letter
from tests import factories as f

pytestmark = pytest.mark.django_db

SKIP = ("/logout/", "/admin/", "/static/", "/media/", "/reviews/v/")
PAGES_PER_PERSONA = 400
CASE_PAGES = ("cases:detail", "cases:edit")


@pytest.fixture
def populated(county, crew, general_crew, secretary, secretary_under_reviewer, outsider):
    """Cases at every stage in three branches, pending reports, letters, and a transferred case."""
    made = {
        "applicant": f.new_case(county.branch, secretary),
        "at_filing": advance(f.new_case(county.branch, secretary), crew, until="activist_selection"),
        "probationary": advance(f.new_case(county.branch, secretary), crew, until="admission_filing"),
        "under_reviewer": advance(
            f.new_case(county.branch_under_reviewer, secretary_under_reviewer),
            general_crew,
            until="target_selection",
        ),
        "other_township": f.new_case(county.other_branch, outsider),
    }
    moved = f.new_case(county.branch, secretary)
    transfer_case(
        case=moved,
        to_branch=county.branch_under_reviewer,
        on=dt.date(2023, 2, 1),
        reason="调动",
        actor=secretary,
    )
    return made


def body_text(response) -> str:
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if content[:2] == b"PK":  # an .xlsx: its cells are in the XML parts
        with zipfile.ZipFile(io.BytesIO(content)) as book:
            return "".join(
                book.read(n).decode("utf-8", "replace") for n in book.namelist() if n.endswith(".xml")
            )
    return content.decode("utf-8", "replace")


def links(html: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'href="(/[^"#]*)"', html)]


def crawl(client, user):
    """Every page reachable by links from the dashboard, plus every export: yields (url, response,
    its text, the full numbers the access log recorded for this user while answering)."""
    start = [
        "/",
        reverse("imports:export_template"),
        reverse("imports:export_cases"),
        reverse("imports:export_members"),
        *(reverse("imports:export_roster", args=[s]) for s in Stage.values if s != Stage.FULL_MEMBER),
        # and every object's address, seen or not, as an attacker would try them
        *(
            reverse(name, args=[pk])
            for pk in Case.objects.values_list("pk", flat=True)
            for name in CASE_PAGES
        ),
        *(reverse("reviews:letter", args=[pk]) for pk in Letter.objects.values_list("pk", flat=True)),
        *(reverse("reviews:letter_pdf", args=[pk]) for pk in Letter.objects.values_list("pk", flat=True)),
    ]
    queue, seen = deque(start), set(start)
    while queue and len(seen) <= PAGES_PER_PERSONA:
        url = queue.popleft()
        last_log = SensitiveAccess.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        response = client.get(url)
        text = body_text(response)
        new_rows = SensitiveAccess.objects.filter(pk__gt=last_log, user=user).select_related("case__person")
        yield url, response, text, {row.case.person.id_number for row in new_rows}
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            for link in links(text):
                if link not in seen and not link.startswith(SKIP):
                    seen.add(link)
                    queue.append(link)


def test_every_full_number_shown_is_logged_and_nothing_leaks(client, populated, personas):
    people = {p.id_number: p for p in Person.objects.all()}
    figures = {"requests": 0, "5xx": 0, "unlogged": [], "leaks": []}
    for who, user in personas.items():
        client.force_login(user)
        visible_people = set(cases_visible_to(user).values_list("person_id", flat=True))
        hidden_names = {p.name for p in people.values() if p.pk not in visible_people}
        for url, response, text, logged in crawl(client, user):
            figures["requests"] += 1
            figures["5xx"] += response.status_code >= 500
            for number in people:
                if number in text and number not in logged:
                    figures["unlogged"].append((who, url, people[number].name))
            figures["leaks"] += [(who, url, name) for name in hidden_names if name in text]
        # Each reveal the persona is offered is logged too.
        for case in cases_visible_to(user):
            if client.post(reverse("cases:reveal_id", args=[case.pk])).status_code == 200:
                assert SensitiveAccess.objects.filter(user=user, case=case, purpose="reveal").exists()
    print(
        f"\ncrawl: {figures['requests']} requests, {figures['5xx']} answers ≥ 500, {len(figures['leaks'])} leaks, "
        f"{len(figures['unlogged'])} unlogged full numbers"
    )
    assert figures["requests"] > 100
    assert figures["5xx"] == 0
    assert figures["unlogged"] == []
    assert figures["leaks"] == []


def test_an_export_with_full_numbers_logs_every_case_it_showed(client, populated, secretary, auditor):
    client.force_login(secretary)
    book = body_text(client.get(reverse("imports:export_cases")))
    shown = [c for c in cases_visible_to(secretary) if c.person_on_file.id_number in book]
    rows = SensitiveAccess.objects.filter(user=secretary, purpose="export")
    assert shown and sorted(rows.values_list("case_id", flat=True)) == sorted(c.pk for c in shown)
    assert ExportLog.objects.get(pk=rows.first().export_id).full_id_numbers

    client.force_login(auditor)  # the department sees numbers masked: nothing to log
    book = body_text(client.get(reverse("imports:export_cases")))
    assert not any(p.id_number in book for p in Person.objects.all())
    assert not SensitiveAccess.objects.filter(user=auditor).exists()


def test_the_edit_form_does_not_put_the_stored_number_into_the_page(client, populated, secretary):
    case = populated["applicant"]
    client.force_login(secretary)
    page = client.get(reverse("cases:edit", args=[case.pk])).content.decode()
    assert case.person.id_number not in page and idcard.mask(case.person.id_number) in page


def test_a_blank_number_in_the_edit_form_keeps_the_stored_one(client, populated, secretary):
    case = populated["applicant"]
    person = case.person
    client.force_login(secretary)
    data = {
        "name": person.name,
        "gender": person.gender,
        "ethnicity": person.ethnicity,
        "birth_date": person.birth_date.isoformat(),
        "id_number": "",
        "education": person.education,
        "phone": "13600000000",
        "reason": "更换联系电话",
    }
    assert client.post(reverse("cases:edit", args=[case.pk]), data).status_code == 302
    person.refresh_from_db()
    assert person.phone == "13600000000" and person.id_number == case.person.id_number


def candidates(masked: str, birth: dt.date, gender: str) -> int:
    """How many valid numbers fit a masked number, the birth date and the gender shown beside it."""
    region = masked[:6] if masked[:6].isdigit() else None
    assert region, "the mask keeps the region code"
    fits = 0
    for sequence in range(1000):
        body = f"{region}{birth:%Y%m%d}{sequence:03d}"
        if ("M" if int(body[16]) % 2 else "F") != gender:
            continue
        for check in "0123456789X":
            number = body + check
            try:
                idcard.parse(number)
            except idcard.InvalidIdNumber:
                continue
            if idcard.mask(number) == masked:
                fits += 1
    return fits


def test_a_masked_number_with_everything_else_on_the_page_leaves_hundreds_of_candidates(
    client, populated, auditor
):
    case = populated["probationary"]
    person = case.person
    client.force_login(auditor)
    page = client.get(case.get_absolute_url()).content.decode()
    masked = idcard.mask(person.id_number)
    assert masked in page and person.id_number[-4:] not in re.sub(r"\s", "", masked)
    assert person.birth_date.isoformat() in page  # the birth date is on the page beside it
    assert candidates(masked, person.birth_date, person.gender) >= 100


def test_masking_hides_the_sequence_code_and_check_digit_everywhere(client, populated, auditor):
    """Pages and exports the department reads carry the mask, never the last four."""
    client.force_login(auditor)
    book = body_text(client.get(reverse("imports:export_cases")))
    for case in Case.objects.filter(outcome=""):
        number = case.person.id_number
        assert idcard.mask(number) in book
        assert number[6:] not in book
