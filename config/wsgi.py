import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A web process sends jobs: create the Celery app now rather than in the first request that sends one.
import config.celery  # noqa: E402,F401

application = get_wsgi_application()
