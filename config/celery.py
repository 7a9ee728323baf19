import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("dangyuan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Reviewed like code: the periodic jobs of the product.
app.conf.beat_schedule = {}
