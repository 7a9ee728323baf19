from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = "发展党员案例"

    def ready(self):
        from cases import signals

        signals.connect()
