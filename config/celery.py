import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("dangyuan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Reviewed like code: the periodic jobs of the product.
app.conf.beat_schedule = {
    # Letters whose render request was lost (e.g. Redis was down when the decision committed):
    # queue them again; reviews.tasks.STALE_AFTER says how long "pending" may last first.
    "requeue-stale-letters": {"task": "reviews.requeue_stale_letters", "schedule": 300.0},
}
