"""The demo logins as a table for the terminal (`make run` prints it and keeps it in var/)."""

import unicodedata

from django.contrib.auth import get_user_model

from branches.permissions import role_grants
from demo.county import DEMO_PASSWORD, USERS


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def logins_table() -> str:
    """The demo accounts with their roles and organizations, read back from the database."""
    User = get_user_model()
    rows = [("用户名", "密码", "角色", "组织", "姓名")]
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            continue
        grants = role_grants(user)
        if user.is_superuser:
            role, org = "系统管理员", "全部（管理后台）"
        else:
            role = "、".join(dict.fromkeys(g.role.label for g in grants)) or "（无角色）"
            org = "、".join(g.org.name for g in grants)
        rows.append((user.username, DEMO_PASSWORD, role, org, user.first_name))
    widths = [max(_width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, row in enumerate(rows):
        lines.append("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)
