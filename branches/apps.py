from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "组织与党员"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from branches.gate import note_login

        user_logged_in.connect(note_login, dispatch_uid="branches.gate.note_login")
