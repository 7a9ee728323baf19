from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "发展党员计划"
