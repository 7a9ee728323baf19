"""Accounts are deactivated, never deleted: their names are on sealed, append-only history."""

from django.contrib.auth import get_user_model
from django.urls import reverse


def test_the_admin_offers_no_deletion_of_an_account_even_to_a_superuser(admin_client, secretary):
    response = admin_client.post(reverse("admin:auth_user_delete", args=[secretary.pk]), {"post": "yes"})

    assert response.status_code == 403
    assert get_user_model().objects.filter(pk=secretary.pk).exists()


def test_an_account_is_deactivated_in_the_admin_instead(admin_client, secretary):
    page = admin_client.get(reverse("admin:auth_user_change", args=[secretary.pk])).content.decode()

    assert 'name="is_active"' in page
    assert reverse("admin:auth_user_delete", args=[secretary.pk]) not in page
