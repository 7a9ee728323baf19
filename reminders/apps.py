from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "reminders"
    verbose_name = "期限提醒"

    def ready(self):
        from reminders import panels, tasks  # noqa: F401  (tasks: the digest task registers by name)

        panels.register()
