"""Fixtures shared by every test package."""

# Real Redis and Celery worker fixtures for fault tests: redis_server, celery_worker (see tests/harness.py).
pytest_plugins = ["tests.harness"]
