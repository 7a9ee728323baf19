import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("dangyuan")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Reviewed like code: the periodic jobs of the product.
app.conf.beat_schedule = {
    # Pending letters nobody is rendering (a worker killed mid-render, a message lost with it, a
    # broker down when the decision committed): rendered by the sweep within a minute or two.
    # reviews.services.rendering says when a letter counts as stuck.
    # A sweep not started within the minute is dropped: the next one does the same work.
    "rescue-stuck-letters": {
        "task": "reviews.rescue_stuck_letters",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # The whole audit trail verified once a day (audit.verify): the result is stored (VerifyRun, shown
    # to the department) and a failure is logged at ERROR naming the first broken link.
    "verify-audit-daily": {
        "task": "audit.verify_audit",
        "schedule": crontab(hour=3, minute=30),
        "options": {"expires": 3600},
    },
    # 四色研判: every branch's colour judged once a day (stats.services.judge_colours); the board
    # also judges again on demand.
    "judge-colours-daily": {
        "task": "stats.judge_colours",
        "schedule": crontab(hour=2, minute=15),
        "options": {"expires": 3600},
    },
    # What killed archive builds left (.part files, .build- folders) older than a day, removed
    # (dossier.builder.sweep_stale); a failed build removes its own at once.
    "sweep-stale-archive-files-daily": {
        "task": "dossier.sweep_stale_files",
        "schedule": crontab(hour=4, minute=10),
        "options": {"expires": 3600},
    },
}


@app.on_after_finalize.connect
def schedule_reminders(sender, **kwargs):
    """The daily deadline reminders (reminders.tasks): at settings.REMINDER_SWEEP_HOUR o'clock in
    Asia/Shanghai (CELERY_TIMEZONE), then the day's e-mail digests."""
    from django.conf import settings

    sender.add_periodic_task(
        crontab(hour=settings.REMINDER_SWEEP_HOUR, minute=0),
        sender.signature("reminders.sweep"),
        name="deadline-reminders",
    )
