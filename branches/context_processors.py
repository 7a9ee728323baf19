from branches.permissions import role_grants
from cases.permissions import role_admin_orgs


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"role_grants": role_grants(user), "may_keep_roles": role_admin_orgs(user) != []}
