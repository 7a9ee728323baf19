from django.apps import AppConfig


class BranchesConfig(AppConfig):
    name = "branches"
    verbose_name = "组织与党员"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from branches.gate import note_login
        from config.middleware import stamp_login_time

        user_logged_in.connect(note_login, dispatch_uid="branches.gate.note_login")
        # Here, not on the middleware's import (at the first request): a login before any request
        # (a worker, a test's force_login) is stamped too.
        user_logged_in.connect(stamp_login_time, dispatch_uid="config.middleware.stamp_login_time")
