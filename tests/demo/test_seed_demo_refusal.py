"""seed_demo writes its well-known logins (admin / demo12345 …) only where they cannot reach real data.

On the embedded SQLite database it runs as is (tests/demo/test_seed_demo.py); on the database that
DATABASE_URL names only with --allow-any-database; in production (the Docker image) never."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from branches.models import Organization
from cases.models import Case

pytestmark = pytest.mark.django_db


def nothing_written() -> bool:
    return not (get_user_model().objects.exists() or Organization.objects.exists() or Case.objects.exists())


def test_it_refuses_to_create_demo_logins_in_a_database_named_by_database_url(settings):
    settings.DATABASE_IS_EMBEDDED = False

    with pytest.raises(CommandError, match="--allow-any-database"):
        call_command("seed_demo", stdout=StringIO())

    assert nothing_written()


def test_it_never_creates_demo_logins_in_production_even_with_the_flag(settings):
    settings.PRODUCTION = True
    settings.DATABASE_IS_EMBEDDED = True

    for flag in (False, True):
        with pytest.raises(CommandError, match="生产环境"):
            call_command("seed_demo", stdout=StringIO(), allow_any_database=flag, cases=5)

    assert nothing_written()
