"""Letters answer to one policy (cases.permissions.letter_answer): the letter page offers 重新生成
exactly to whom the service lets render it again — the addressee's committee officer — and a
refusal changes nothing."""

import pytest
from django.urls import reverse

from cases import permissions
from cases.models import CaseEvent

pytestmark = pytest.mark.django_db

SEES = {"secretary", "officer", "auditor"}  # the letter answers 城关一支部


def test_a_letter_is_regenerated_only_where_the_page_offers_it(
    client, personas, letter, django_capture_on_commit_callbacks
):
    [entry] = letter.entries.all()
    for persona, user in personas.items():
        offered = bool(permissions.letter_answer(user, letter.addressee))
        assert offered == (persona == "officer"), persona
        client.force_login(user)
        page = client.get(reverse("reviews:letter", args=[letter.pk]))
        if persona not in SEES:
            assert page.status_code == 404
            continue
        assert ("重新生成PDF" in page.content.decode()) == offered, persona
        before = CaseEvent.objects.filter(case=entry.case, kind="letter").count()
        with django_capture_on_commit_callbacks(execute=False):
            response = client.post(reverse("reviews:letter_regenerate", args=[letter.pk]))
        assert response.status_code == (302 if offered else 403), persona
        assert CaseEvent.objects.filter(case=entry.case, kind="letter").count() == before + offered, persona
