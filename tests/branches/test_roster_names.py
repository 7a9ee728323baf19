"""A roster member's name is one line of visible text: the admin refuses a line break or an
invisible character with a Chinese reason and saves nothing."""

import pytest
from django.urls import reverse

from branches.models import MemberStatus, PartyMember

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["王\n五", "王\u202e五", "王\t五"])
def test_the_admin_refuses_a_member_name_that_is_not_one_line(admin_client, county, name):
    members = PartyMember.objects.count()
    response = admin_client.post(
        reverse("admin:branches_partymember_add"),
        {"branch": county.branch.pk, "name": name, "status": MemberStatus.FULL, "active": "on"},
    )
    assert response.status_code == 200
    assert "只能填写一行文字" in response.content.decode()
    assert PartyMember.objects.count() == members


def test_the_admin_saves_an_ordinary_member_name(admin_client, county):
    admin_client.post(
        reverse("admin:branches_partymember_add"),
        {"branch": county.branch.pk, "name": "王　五", "status": MemberStatus.FULL, "active": "on"},
    )
    assert PartyMember.objects.filter(branch=county.branch, name="王　五").exists()
