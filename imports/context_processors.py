"""The navigation's 导入导出 / 导出 link: which of the two a user sees (settings.TEMPLATES context processor)."""

from cases.permissions import may_import


def imports(request):
    """The navigation reads 导入导出 for those who may import, 导出 for the others."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"may_import": may_import(user)}
