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

        from simple_history.signals import pre_create_historical_record

        from audit.history import stamp_acting

        pre_create_historical_record.connect(stamp_acting, dispatch_uid="audit.stamp_acting")
