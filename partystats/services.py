"""The one write of the 党内统计 app: freeze a table as handed in."""

from django.core.exceptions import PermissionDenied
from django.db import transaction

from branches.models import Organization
from partystats import selectors
from partystats.models import FrozenReport
from partystats.tables import Table


@transaction.atomic
def freeze_report(
    *, table: Table, org: Organization, period: selectors.Period, actor, explanation: str = ""
) -> FrozenReport:
    """Keep the table's cells as they stand now, by `actor` (who must read the tables there)."""
    if not selectors.may_read(actor, org):
        raise PermissionDenied
    counted = selectors.count_table(table, org, period)
    return FrozenReport.objects.create(
        table=table.key,
        org=org,
        year=period.year,
        kind=period.kind,
        cells={f"{r}|{c}": n for (r, c), n in counted.cells.items()},
        explanation=explanation.strip(),
        frozen_by=actor,
    )
