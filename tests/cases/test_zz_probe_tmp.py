import datetime as dt
import pytest
from django.urls import reverse
from cases.journey import Crew, advance
from tests import factories as f

pytestmark = pytest.mark.django_db

def test_probe(client, county, secretary, officer, auditor):
    case = f.new_case(county.branch, secretary, applied_on=dt.date(2023, 1, 10))
    advance(case, Crew(secretary, officer, auditor), until="activist_selection")
    client.force_login(secretary)
    r = client.post(reverse("cases:submit", args=[case.pk, "activist_filing"]), {}, follow=True)
    print([str(m) for m in r.context["messages"]])
    advance(case, Crew(secretary, officer, auditor), until="admission_meeting")
    r = client.post(reverse("cases:submit", args=[case.pk, "committee_talk"]), {}, follow=True)
    print([str(m) for m in r.context["messages"]])
