"""Fixtures shared by every test package."""

# Real Redis and Celery worker fixtures for fault tests: redis_server, celery_worker (see tests/harness.py).
pytest_plugins = ["tests.harness"]


def pytest_configure(config):
    """The test process sends jobs, as a web process does: create the project's Celery app first (config/wsgi.py
    does the same), so that the shared tasks tests patch are the ones bound to it."""
    import config.celery  # noqa: F401
