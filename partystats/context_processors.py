"""The navigation's 党内统计 link: shown to those who may read the tables (cases.permissions)."""

from cases.permissions import partystats_orgs


def partystats(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_read_partystats": bool(partystats_orgs(user)) or user.is_superuser}
