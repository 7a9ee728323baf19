"""The demo app: demo data and the journey driver, outside the product's own apps."""

from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "demo"
    verbose_name = "演示数据"
