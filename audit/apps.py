from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "审计"

    def ready(self):
        from audit import (
            checks,  # noqa: F401 - registers the deploy check of the seal key
            panels,
        )

        panels.register()
