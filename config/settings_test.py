"""Settings for the test suite: the production settings with test-only secrets and fast hashing.

DATABASE_URL and CELERY_BROKER_URL are left to the environment, so the same suite runs on the
embedded default (SQLite, filesystem broker) and on PostgreSQL and Redis in CI.
"""

import os
import tempfile

os.environ.setdefault("SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("AUDIT_CHECKPOINT_KEY", "test-only-audit-checkpoint-key-0123456789abcdef")
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
os.environ.setdefault("REGISTRY_VAR_DIR", tempfile.mkdtemp(prefix="registry-test-"))
# Report PDFs are always signed, and DEBUG is off in tests: sign with a development key made for this run
# (tests of the signatures themselves use a real test PKI, tests/pki.py).
if not os.environ.get("REPORT_SIGNING_P12"):
    from compliance.signing_keys import development_p12_ensure

    os.environ["REPORT_SIGNING_P12"] = str(development_p12_ensure(os.environ["REGISTRY_VAR_DIR"]))

from config.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0

# TransactionTestCase and transactional_db empty the database with TRUNCATE after each test, which the
# audit trail's append-only triggers refuse unless the session sets this (production never does).
if DATABASES["default"]["ENGINE"].endswith("postgresql"):  # noqa: F405
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c registry.allow_audit_truncate=on"  # noqa: F405
