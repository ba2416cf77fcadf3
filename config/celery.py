"""The Celery application. Workers start with `celery -A config worker`."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402 - after DJANGO_SETTINGS_MODULE is known

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Entries at a fixed time of day are added here, not in the settings, so that reading the settings (every
# manage.py command does) does not import Celery.
app.conf.beat_schedule = {
    **settings.CELERY_BEAT_SCHEDULE,
    "alerts-daily-scan": {
        "task": "compliance.tasks.alerts_scan_task",
        "schedule": crontab(hour=settings.ALERT_SCAN_HOUR, minute=0),
    },
}
