"""Production security settings: the deploy checks, headers, CSP, cookies, upload limits and Celery's fault settings.

Production settings are read in a subprocess with DEBUG off (the test settings relax HTTPS-only
options so that the test client can speak plain HTTP).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRODUCTION_ENV = {
    "DEBUG": "false",
    "SECRET_KEY": "p" * 40 + "-production-like-secret-Zq9#xW2!",
    "ALLOWED_HOSTS": "registry.example.gov",
    "AUDIT_CHECKPOINT_KEY": "c" * 40 + "-checkpoint-key-kept-off-the-db-host",
    "DJANGO_SETTINGS_MODULE": "config.settings",
}


def _run(args: list[str], **extra_env: str) -> subprocess.CompletedProcess:
    env = {**os.environ, **PRODUCTION_ENV, **extra_env}
    env.pop("PYTEST_XDIST_WORKER", None)
    # The browser tests set this for Playwright in the test process; a deployment never has it.
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def _production_settings(*names: str, **extra_env: str) -> dict:
    code = (
        "import django, json; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{n: getattr(settings, n) for n in {list(names)!r}}}, default=str))"
    )
    result = _run(["-c", code], **extra_env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_production_settings_pass_the_deploy_checks():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_checks_fail_when_hsts_is_turned_off():
    result = _run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], SECURE_HSTS_SECONDS="0")

    assert result.returncode != 0
    assert "security.W004" in result.stdout + result.stderr


def test_production_cookies_are_secure_http_only_and_same_site():
    values = _production_settings(
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SESSION_COOKIE_SAMESITE",
        "CSRF_COOKIE_SAMESITE",
        "SECURE_SSL_REDIRECT",
        "SECURE_HSTS_SECONDS",
        "SESSION_COOKIE_AGE",
    )

    assert values["SESSION_COOKIE_SECURE"] and values["CSRF_COOKIE_SECURE"] and values["SESSION_COOKIE_HTTPONLY"]
    assert values["SESSION_COOKIE_SAMESITE"] == values["CSRF_COOKIE_SAMESITE"] == "Lax"
    assert values["SECURE_SSL_REDIRECT"] and values["SECURE_HSTS_SECONDS"] >= 31536000
    assert values["SESSION_COOKIE_AGE"] <= 3600


def test_celery_is_configured_against_lost_work_and_pickle():
    values = _production_settings(
        "CELERY_ACCEPT_CONTENT",
        "CELERY_TASK_SERIALIZER",
        "CELERY_TASK_ACKS_LATE",
        "CELERY_TASK_REJECT_ON_WORKER_LOST",
        "CELERY_WORKER_PREFETCH_MULTIPLIER",
        "CELERY_TASK_PUBLISH_RETRY_POLICY",
        "CELERY_BROKER_TRANSPORT_OPTIONS",
        "CELERY_TASK_TIME_LIMIT",
        "CELERY_BEAT_SCHEDULE",
        CELERY_BROKER_URL="redis://127.0.0.1:6379/0",
    )

    assert values["CELERY_ACCEPT_CONTENT"] == ["json"] and values["CELERY_TASK_SERIALIZER"] == "json"
    assert values["CELERY_TASK_ACKS_LATE"] and values["CELERY_TASK_REJECT_ON_WORKER_LOST"]
    assert values["CELERY_WORKER_PREFETCH_MULTIPLIER"] == 1
    policy = values["CELERY_TASK_PUBLISH_RETRY_POLICY"]
    assert policy["max_retries"] * policy["interval_max"] <= 1.0
    assert values["CELERY_BROKER_TRANSPORT_OPTIONS"]["visibility_timeout"] > values["CELERY_TASK_TIME_LIMIT"]
    tasks = {entry["task"] for entry in values["CELERY_BEAT_SCHEDULE"].values()}
    assert {"core.tasks.sweep_stale_jobs", "core.tasks.audit_checkpoint_task"} <= tasks


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/", "/accounts/login/"])
def test_pages_carry_a_strict_content_security_policy(client, url):
    response = client.get(url)

    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    for directive in ("script-src", "style-src", "img-src", "font-src", "default-src"):
        assert directives[directive] == "'self'", directive
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"


@pytest.mark.django_db
def test_pages_carry_the_security_headers(client, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True

    response = client.get("/accounts/login/", secure=True)

    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000; includeSubDomains")
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "microphone=()" in response.headers["Permissions-Policy"]


@pytest.mark.django_db
def test_a_request_body_over_the_limit_is_refused(client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000

    response = client.post("/accounts/login/", {"username": "x", "password": "y" * 20_000})

    assert response.status_code == 400


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site(client, settings):
    from tests.factories import PASSWORD, gsa_officer

    officer = gsa_officer()

    client.post("/accounts/login/", {"username": officer.username, "password": PASSWORD})

    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_production_refuses_to_start_without_its_own_audit_checkpoint_key():
    missing = _run(["-c", "import django; django.setup()"], AUDIT_CHECKPOINT_KEY="")
    same = _run(["-c", "import django; django.setup()"], AUDIT_CHECKPOINT_KEY=PRODUCTION_ENV["SECRET_KEY"])

    assert missing.returncode != 0 and "AUDIT_CHECKPOINT_KEY must be set when DEBUG is off" in missing.stderr
    assert same.returncode != 0 and "differ from SECRET_KEY" in same.stderr


def test_production_webhooks_are_https_only():
    assert _production_settings("WEBHOOK_REQUIRE_HTTPS")["WEBHOOK_REQUIRE_HTTPS"] is True
