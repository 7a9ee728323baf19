"""An imported history's field-history rows carry the importing user's address (issue 11, item 1),
sealed with them, as a change made through a page carries the client's (tests/audit/test_history_address.py)."""

import pytest

from audit.verify import verify_audit
from cases.models import StepRecord
from cases.services.actors import Actor
from cases.services.backfill import backfill_cases
from tests.imports.conftest import full_row
from tests.imports.test_backfill_equivalence import planned

pytestmark = pytest.mark.django_db


def test_an_imported_history_carries_the_importing_users_address(county, secretary, book, today):
    item = planned(book, full_row(), secretary)

    (case,) = backfill_cases([item], actor=Actor(user=secretary, ip="10.1.1.1"), refused=pytest.fail)

    rows = [*case.history.all(), *StepRecord.history.filter(case_id=case.pk), *case.person.history.all()]
    assert rows and {str(row.history_ip) for row in rows} == {"10.1.1.1"}
    assert verify_audit(case_id=case.pk).ok
