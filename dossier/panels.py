"""What 一人一档 contributes to the case file's pages (cases.panels): the archive panel on the case
page, for those who may archive (cases.permissions Act.ARCHIVE)."""

from cases import panels, permissions
from cases.permissions import Act


def archive_panel(request, case):
    if not permissions.act_answer(request.user, case, Act.ARCHIVE):
        return None
    from dossier.views import PANEL, panel_context

    return PANEL, panel_context(case)


def register() -> None:
    panels.register(panels.CASE_PAGE, archive_panel)
