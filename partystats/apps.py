from django.apps import AppConfig


class PartystatsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "partystats"
    verbose_name = "党内统计"
