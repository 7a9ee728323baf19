from branches.permissions import role_grants


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"role_grants": role_grants(user)}
