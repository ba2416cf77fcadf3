"""Fixtures shared by every test package."""

import pytest

# Real Redis and Celery worker fixtures for fault tests: redis_server, celery_worker (see tests/harness.py).
pytest_plugins = ["tests.harness"]


@pytest.fixture(scope="session")
def test_pki(tmp_path_factory):
    """The Certomancer test PKI (root CA, signing certificates, a TSA, a rogue TSA) served on 127.0.0.1."""
    from tests.pki import pki_start

    pki, stop = pki_start(tmp_path_factory.mktemp("pki"))
    yield pki
    stop()


def pytest_configure(config):
    """The test process sends jobs, as a web process does: create the project's Celery app first (config/wsgi.py
    does the same), so that the shared tasks tests patch are the ones bound to it."""
    import config.celery  # noqa: F401
