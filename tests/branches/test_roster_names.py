"""A roster member's name, and an organization's names printed in letters, are one line of visible
text: the admin refuses a line break or an invisible character with a Chinese reason and saves
nothing."""

import pytest
from django.core.exceptions import ValidationError
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


@pytest.mark.parametrize("field", ["name", "short_name", "letter_prefix"])
def test_an_organization_name_printed_in_letters_is_one_line(county, field):
    branch = county.branch
    setattr(branch, field, "城关\n镇")
    with pytest.raises(ValidationError) as refused:
        branch.full_clean()
    assert "只能填写一行文字" in refused.value.message_dict[field][0]
