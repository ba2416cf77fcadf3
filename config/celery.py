"""The Celery application. Workers start with `celery -A config worker`."""

import os

from celery import Celery
from celery.schedules import crontab

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

from django.conf import settings  # noqa: E402 - after DJANGO_SETTINGS_MODULE is known

app = Celery("registry")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


def _beat_entry(entry: dict) -> dict:
    """A settings entry as Celery wants it: a {"crontab": {...}} schedule becomes a crontab."""
    schedule = entry["schedule"]
    return {**entry, "schedule": crontab(**schedule["crontab"])} if isinstance(schedule, dict) else entry


# The settings describe every entry (CELERY_BEAT_SCHEDULE); fixed times of day become crontabs here, so that
# reading the settings (every manage.py command does) does not import Celery.
app.conf.beat_schedule = {name: _beat_entry(entry) for name, entry in settings.CELERY_BEAT_SCHEDULE.items()}
