"""Settings for the OneGov AI Registry, read from the environment (see .env.example).

With no environment at all the registry runs on an SQLite file under var/ and a
filesystem broker under var/broker, so a fresh machine needs no server. Production
sets DEBUG=false, SECRET_KEY, DATABASE_URL and CELERY_BROKER_URL.
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

from config.env import (
    development_key,
    env_bool,
    env_broker,
    env_database,
    env_int,
    env_int_list,
    env_list,
    env_paths,
    env_str,
    env_url,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("REGISTRY_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))

# ---- Django: applications, requests, templates ----
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "django_filters",
    "django_tables2",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "core",
    "catalog",
    "agencies",
    "compliance",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.middleware.RequestBodyLimitMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestIdMiddleware",
    "csp.middleware.CSPMiddleware",
    "core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The header shows the signed-in user's unread notifications.
                "compliance.context_processors.unread_notifications",
                # The footer and the session-timeout warning show the inactivity sign-out.
                "core.context_processors.session_timeout",
            ],
        },
    },
]

# ---- Database and users ----
DATABASES = {"default": env_database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'registry.sqlite3'}")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "agencies.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = False
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Sign-in lockout (compliance.signin): this many failures for one username from one address within the window
# lock that pair for SIGNIN_LOCKOUT_SECONDS, and the lockout is recorded in the audit trail.
AUTHENTICATION_BACKENDS = ["agencies.signin.LockoutModelBackend"]
SIGNIN_LOCKOUT_FAILURES = env_int("SIGNIN_LOCKOUT_FAILURES", 5, minimum=1)
SIGNIN_LOCKOUT_WINDOW_SECONDS = env_int("SIGNIN_LOCKOUT_WINDOW_SECONDS", 15 * 60, minimum=1)
SIGNIN_LOCKOUT_SECONDS = env_int("SIGNIN_LOCKOUT_SECONDS", 15 * 60, minimum=60)
# Failures from one address across all usernames (password spraying) before the address is locked.
SIGNIN_ADDRESS_FAILURES = env_int("SIGNIN_ADDRESS_FAILURES", 20, minimum=1)

# Sessions and CSRF: cookies are HttpOnly (session), SameSite=Lax, and Secure outside DEBUG (set above).
# The token is in the page's form and cookie (CSRF_COOKIE_HTTPONLY would add nothing: Django's docs explain why).

# ---- Sessions, cookies and security headers ----
# Sessions: officers are signed out after a period of inactivity.
SESSION_COOKIE_AGE = env_int("SESSION_TIMEOUT_SECONDS", 30 * 60, minimum=60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Security headers. HSTS, nosniff, Referrer-Policy (same-origin, above) and COOP come from SecurityMiddleware.
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
PERMISSIONS_POLICY = "accelerometer=(), camera=(), geolocation=(), gyroscope=(), microphone=(), payment=(), usb=()"
# Content security policy (django-csp 4): only our own origin for scripts, styles, images and fonts, and no
# inline scripts or styles at all (no 'unsafe-inline', no nonces): pages load their JS and CSS from static/.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


# Proxies in front of the registry that append to X-Forwarded-For. The client address is the entry that many
# places from the right; with 0 the header is ignored. DRF's throttles use the same number: with DRF's default
# (None) a client rotating X-Forwarded-For would dodge every throttle (rest_framework/throttling.py, get_ident).
NUM_PROXIES = env_int("NUM_PROXIES", 0, minimum=0)

# ---- Static files and the portal ----
# The portal (issue 5): the U.S. Web Design System and htmx come from npm (package.json,
# installed by scripts/setup.sh) and are served by the application itself, never a CDN.
NODE_MODULES_DIR = BASE_DIR / "node_modules"
USWDS_DIST = NODE_MODULES_DIR / "@uswds" / "uswds" / "dist"
STATICFILES_DIRS += [(f"uswds/{part}", USWDS_DIST / part) for part in ("css", "fonts", "img", "js")]
STATICFILES_DIRS += [("htmx", NODE_MODULES_DIR / "htmx.org" / "dist")]

# ---- Uploads ----
# Uploads: requests and in-memory files are bounded; evidence files are checked by EvidenceFileValidator.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024, minimum=1024)
# No request body larger than this is read at all (413 before anything parses it): the largest upload
# the registry takes is an evidence file (EVIDENCE_UPLOAD_MAX_BYTES), plus room for the form around it.
REQUEST_BODY_MAX_BYTES = env_int("REQUEST_BODY_MAX_BYTES", 21 * 1024 * 1024, minimum=1024 * 1024)
# JSON bodies of the API nested deeper than this are refused (400), never decoded.
API_JSON_MAX_DEPTH = env_int("API_JSON_MAX_DEPTH", 32, minimum=4)
# Use case inventory import: file size, rows and characters in one cell, enforced while reading.
USE_CASE_IMPORT_MAX_BYTES = env_int("USE_CASE_IMPORT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
USE_CASE_IMPORT_MAX_ROWS = env_int("USE_CASE_IMPORT_MAX_ROWS", 5000, minimum=1)
USE_CASE_IMPORT_MAX_CELL_CHARS = env_int("USE_CASE_IMPORT_MAX_CELL_CHARS", 32 * 1024, minimum=256)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
DATA_UPLOAD_MAX_NUMBER_FILES = 20
FILE_UPLOAD_MAX_MEMORY_SIZE = env_int("FILE_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750
# The one limit of evidence uploads (compliance.validators.EvidenceFileValidator, used by evidence_document_add).
EVIDENCE_UPLOAD_MAX_BYTES = env_int("EVIDENCE_UPLOAD_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
EVIDENCE_UPLOAD_EXTENSIONS = env_list(
    "EVIDENCE_UPLOAD_EXTENSIONS", [".pdf", ".png", ".jpg", ".jpeg", ".docx", ".xlsx", ".txt", ".csv", ".md", ".json"]
)

# ---- REST API: token or session authentication, role permissions, pagination, filters, one error format,
# per-token throttling, CSV export (docs/api.md) ----
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agencies.api.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "core.api.permissions.RolePermission",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "core.api.filters.FilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api.parsers.BoundedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.ApiPagination",
    "EXCEPTION_HANDLER": "core.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "core.api.throttling.AnonymousThrottle",
        "core.api.throttling.TokenRateThrottle",
        "core.api.throttling.ExpensiveActionThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_RATE_ANONYMOUS", "60/minute"),
        "user": env_str("API_RATE_TOKEN", "1200/minute"),
        "expensive": env_str("API_RATE_EXPENSIVE", "30/minute"),
    },
    "NUM_PROXIES": NUM_PROXIES,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
    "DEFAULT_SCHEMA_CLASS": "core.api.schema.ApiAutoSchema",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "OneGov AI Registry API",
    "VERSION": "1.0.0",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "DESCRIPTION": 'The OneGov AI Registry for procurement systems. Errors: {"error": {"code", "message", '
    '"details"}}. Authenticate with `Authorization: Token <key>`.',
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    # One name per choice set, so that clients get stable enum names (and the checks stay quiet).
    "ENUM_NAME_OVERRIDES": {
        "OfferingStatusEnum": "catalog.models.Offering.Status",
        "OnboardingStateEnum": "agencies.models.Onboarding.State",
        "VerificationRunStatusEnum": "compliance.models.verification.VerificationRun.Status",
        "VerificationFileStatusEnum": "compliance.models.verification.VerificationFileResult.Status",
        "WebhookDeliveryStatusEnum": "agencies.models.WebhookDelivery.Status",
        "ReportStatusEnum": "compliance.models.reports.Report.Status",
        "PracticeAnswerEnum": "compliance.models.inventory.UseCase.Practice",
        "EvidenceStatusEnum": "compliance.models.requirements.EvidenceStatus",
        "RecordedEvidenceStatusEnum": "compliance.models.requirements.RECORDABLE_STATUSES",
        "UseCaseYesNoEnum": "compliance.models.inventory.UseCase.YesNo",
    },
}

# ---- Hugging Face Hub and verification ----
# Hugging Face Hub and the folders that agency-hosted deployments may live under.
HF_ENDPOINT = env_url("HF_ENDPOINT", "https://huggingface.co", schemes=("http", "https"))
HF_TOKEN = env_str("HF_TOKEN") or None
HF_TIMEOUT_SECONDS = env_int("HF_TIMEOUT_SECONDS", 20, minimum=1)
# Each agency's deployments live in its own folder of each root, named by its abbreviation: <root>/<ABBR>/
# (agencies/storage.py).
MODEL_ROOTS = env_paths("MODEL_ROOTS", [VAR_DIR / "models"])

# Checksum and license verification (issue 3): Hub retries, hashing and the automatic checks.
HF_RETRIES = env_int("HF_RETRIES", 3, minimum=0)
HF_RETRY_BACKOFF_MS = env_int("HF_RETRY_BACKOFF_MS", 1000, minimum=0)
HF_RETRY_MAX_WAIT_SECONDS = env_int("HF_RETRY_MAX_WAIT_SECONDS", 60, minimum=0)
# Hashing threads per process; 0 (the default) follows the cores this process may run on.
VERIFY_WORKERS = env_int("VERIFY_WORKERS", 0, minimum=0)
VERIFY_MAX_FILES = env_int("VERIFY_MAX_FILES", 20000, minimum=1)
VERIFY_MAX_DEPTH = env_int("VERIFY_MAX_DEPTH", 16, minimum=1)
VERIFY_FANOUT_MIN_BYTES = env_int("VERIFY_FANOUT_MIN_BYTES", 16 * 1024**3, minimum=0)
VERIFY_GROUP_BYTES = env_int("VERIFY_GROUP_BYTES", 8 * 1024**3, minimum=1)
VERIFY_STALE_SECONDS = env_int("VERIFY_STALE_SECONDS", 15 * 60, minimum=1)
VERIFY_MAX_ATTEMPTS = env_int("VERIFY_MAX_ATTEMPTS", 3, minimum=1)
# Disk bandwidth one verification may use, all its threads together (0: unlimited).
VERIFY_READ_BYTES_PER_SECOND = env_int("VERIFY_READ_BYTES_PER_SECOND", 0, minimum=0)
# Scan each file for its format and for unsafe pickles (headers only, never loaded); off only to benchmark.
VERIFY_SCAN_FILES = env_bool("VERIFY_SCAN_FILES", True)
# The registry's OpenSSF model-signing key (an elliptic-curve PEM private key file) for signing what it
# verified; with DEBUG and no key, a development key is generated under var/.
MODEL_SIGNING_KEY = env_str("MODEL_SIGNING_KEY", "")
# A deployment's file whose identity (device, inode, size, mtime, ctime) is unchanged since it was hashed is
# trusted without reading it, for at most this many days; then it is read and hashed again.
VERIFY_FULL_REHASH_DAYS = env_int("VERIFY_FULL_REHASH_DAYS", 30, minimum=0)
# Intervals of the automatic checks (days).
MANIFEST_RESYNC_DAYS = env_int("MANIFEST_RESYNC_DAYS", 1, minimum=1)
DEPLOYMENT_REVERIFY_DAYS = env_int("DEPLOYMENT_REVERIFY_DAYS", 7, minimum=1)

# ---- FedRAMP marketplace data ----
# FedRAMP's products (fedramp-products.json of FedRAMP/marketplace-fedramp-gov-data), loaded daily by
# `sync_fedramp` and its beat job at FEDRAMP_SYNC_HOUR (UTC; FedRAMP publishes between 2 and 4 AM ET).
FEDRAMP_PRODUCTS_URL = env_url(
    "FEDRAMP_PRODUCTS_URL",
    "https://raw.githubusercontent.com/FedRAMP/marketplace-fedramp-gov-data/main/fedramp-products.json",
    schemes=("http", "https"),
)
FEDRAMP_TIMEOUT_SECONDS = env_int("FEDRAMP_TIMEOUT_SECONDS", 60, minimum=1)
FEDRAMP_SYNC_HOUR = env_int("FEDRAMP_SYNC_HOUR", 9, minimum=0)

# ---- Audit trail ----
# Checkpoints of the audit chain are written OUTSIDE the database (ideally an append-only or WORM volume),
# signed with their own key (AUDIT_CHECKPOINT_KEY), never derived from SECRET_KEY: required when DEBUG is off;
# in DEBUG a random key is made once and kept in var/audit-checkpoint.key. A checkpoint is written every
# AUDIT_CHECKPOINT_MINUTES and also whenever the chain grows by AUDIT_CHECKPOINT_EVERY events, so the tail
# that no checkpoint protects stays short.
AUDIT_CHECKPOINT_DIR = Path(env_str("AUDIT_CHECKPOINT_DIR", str(VAR_DIR / "audit-checkpoints")))
AUDIT_CHECKPOINT_KEY = env_str("AUDIT_CHECKPOINT_KEY")
if not AUDIT_CHECKPOINT_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("AUDIT_CHECKPOINT_KEY must be set when DEBUG is off.")
    AUDIT_CHECKPOINT_KEY = development_key(VAR_DIR / "audit-checkpoint.key")
elif len(AUDIT_CHECKPOINT_KEY) < 32 or AUDIT_CHECKPOINT_KEY == SECRET_KEY:
    raise ImproperlyConfigured("AUDIT_CHECKPOINT_KEY must be at least 32 characters and differ from SECRET_KEY.")
AUDIT_CHECKPOINT_MINUTES = env_int("AUDIT_CHECKPOINT_MINUTES", 5, minimum=1)
AUDIT_CHECKPOINT_EVERY = env_int("AUDIT_CHECKPOINT_EVERY", 500, minimum=1)

# ---- Alerts, e-mail, reports and webhooks ----
# Alerts (compliance/alerts). Days before an agreement or ATO expires at which officers are told, and how
# long agencies have to offboard an offering that GSA suspended or removed (six months: the phase-out the
# President ordered for Anthropic on 27 Feb 2026). The daily scan runs at ALERT_SCAN_HOUR (UTC).
ALERT_EXPIRY_DAYS = env_int_list("ALERT_EXPIRY_DAYS", [90, 30, 7], minimum=1)
OFFBOARDING_PERIOD_DAYS = env_int("OFFBOARDING_PERIOD_DAYS", 180, minimum=1)
ALERT_SCAN_HOUR = env_int("ALERT_SCAN_HOUR", 6, minimum=0)
if ALERT_SCAN_HOUR > 23:
    raise ImproperlyConfigured(f"ALERT_SCAN_HOUR must be an hour from 0 to 23, not {ALERT_SCAN_HOUR}.")
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "registry@onegov.example")

# Compliance evidence and reports (issue 6).
REPORT_SOFT_TIME_LIMIT = env_int("REPORT_SOFT_TIME_LIMIT", 15 * 60, minimum=10)
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 10, minimum=1)
WEBHOOK_MAX_ATTEMPTS = env_int("WEBHOOK_MAX_ATTEMPTS", 8, minimum=1)
WEBHOOK_RETRY_BASE_SECONDS = env_int("WEBHOOK_RETRY_BASE_SECONDS", 30, minimum=1)
WEBHOOK_RETRY_MAX_SECONDS = env_int("WEBHOOK_RETRY_MAX_SECONDS", 6 * 3600, minimum=1)
# Receivers are called over https only outside DEBUG, and never at loopback, link-local (cloud metadata),
# private, CGNAT, multicast or reserved addresses, unless the network is listed here (CIDRs, comma-separated:
# an operator's own internal receiver).
WEBHOOK_REQUIRE_HTTPS = env_bool("WEBHOOK_REQUIRE_HTTPS", not DEBUG)
WEBHOOK_ALLOWED_NETWORKS = env_list("WEBHOOK_ALLOWED_NETWORKS", [])
for _cidr in WEBHOOK_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"WEBHOOK_ALLOWED_NETWORKS: {_cidr!r} is not a network, e.g. 10.1.2.0/24.") from None

# ---- Celery and jobs ----
# Celery. The default broker is a folder on disk: a worker process picks jobs up
# without any broker server, and web requests never do long work themselves.
CELERY_BROKER_URL = env_broker("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = VAR_DIR / "broker"
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Kombu keeps its exchange table in ./control unless told otherwise.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
    # The filesystem transport does not create its folders; web and worker both need them.
    for _folder in ("queue", "processed"):
        (BROKER_DIR / _folder).mkdir(parents=True, exist_ok=True)
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 4 * 3600)}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 3 * 3600, minimum=1)
CELERY_TASK_TIME_LIMIT = CELERY_TASK_SOFT_TIME_LIMIT + 300
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# Celery's own scheduler, its state in a file under var/: the schedule is CELERY_BEAT_SCHEDULE below (and
# config/celery.py), nobody edits it at run time, and django_celery_beat's models would import Celery into
# every process at app loading (a third of a second for each manage.py command).
CELERY_BEAT_SCHEDULER = "celery.beat:PersistentScheduler"
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# The module that creates the Celery app; core.jobs imports it before the first task is sent (see config/__init__).
JOBS_CELERY_APP_MODULE = "config.celery"
# Django's LOGGING stays in charge in workers too (Celery would otherwise replace the root handlers).
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

# Jobs: the sweeper re-sends rows queued longer than this, and gives up on a job after this many attempts.
JOB_QUEUED_RESEND_SECONDS = env_int("JOB_QUEUED_RESEND_SECONDS", 300, minimum=10)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3, minimum=1)
# Celery against faults (Celery's configuration and task guides): late acks with reject on worker loss (set
# above; with acks_late alone a killed child's task is acknowledged and lost), a visibility timeout longer than
# the longest task (Redis redelivers a message still running otherwise), JSON only, and a bounded publish retry
# so that a request with the broker down answers within about a second, leaving its job row to the sweeper.
CELERY_RESULT_ACCEPT_CONTENT = ["json"]
CELERY_TASK_PUBLISH_RETRY = True
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.4}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_WORKER_CANCEL_LONG_RUNNING_TASKS_ON_CONNECTION_LOSS = True
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env_int("CELERY_WORKER_MAX_MEMORY_KB", 1_000_000, minimum=50_000)
if not CELERY_BROKER_URL.startswith(("filesystem://", "memory://")):
    # The visibility timeout must outlast the longest task, or Redis redelivers a message still being worked on.
    _visibility = max(CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 0), CELERY_TASK_TIME_LIMIT + 600)
    CELERY_BROKER_TRANSPORT_OPTIONS.update(visibility_timeout=_visibility, socket_connect_timeout=2)
    CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {"visibility_timeout": _visibility}

# Celery beat: every periodic job in one place. A job at a fixed time of day gives its crontab fields as a dict
# ({"crontab": {...}}); config/celery.py builds the crontab, so that reading the settings does not import Celery.
CELERY_BEAT_SCHEDULE = {
    "sweep-stale-jobs": {"task": "core.tasks.sweep_stale_jobs", "schedule": 60.0},
    "audit-checkpoint": {"task": "core.tasks.audit_checkpoint_task", "schedule": AUDIT_CHECKPOINT_MINUTES * 60.0},
    "audit-verify": {"task": "core.tasks.audit_verify_task", "schedule": 24 * 3600.0},
    "webhook-sweep": {"task": "agencies.tasks.webhook_sweep_task", "schedule": 300.0},
    "compliance-manifest-resync": {
        "task": "compliance.tasks.manifest_resync_all_task",
        "schedule": MANIFEST_RESYNC_DAYS * 24 * 3600,
    },
    "compliance-deployment-reverify": {
        "task": "compliance.tasks.deployment_reverify_all_task",
        "schedule": DEPLOYMENT_REVERIFY_DAYS * 24 * 3600,
    },
    "alerts-daily-scan": {
        "task": "compliance.tasks.alerts_scan_task",
        "schedule": {"crontab": {"hour": ALERT_SCAN_HOUR, "minute": 0}},
    },
    "catalog-fedramp-sync": {
        "task": "catalog.tasks.fedramp_sync_task",
        "schedule": {"crontab": {"hour": FEDRAMP_SYNC_HOUR, "minute": 30}},
    },
}

# ---- Logging ----
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # WeasyPrint logs every rendering step at INFO; keep its warnings only.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# ---- Federal sign-in and signed attestations (issue 15; docs/sign-in-and-signatures.md) ----
# Single sign-on with OpenID Connect (agencies/oidc.py): Login.gov or an agency's own IdP. Configured when the
# issuer, the client id and the private key (PEM, for private_key_jwt client authentication) are all set.
OIDC_ISSUER_URL = env_str("OIDC_ISSUER_URL").rstrip("/")
if OIDC_ISSUER_URL:
    OIDC_ISSUER_URL = env_url("OIDC_ISSUER_URL", "", schemes=("http", "https") if DEBUG else ("https",)).rstrip("/")
OIDC_CLIENT_ID = env_str("OIDC_CLIENT_ID")
OIDC_PRIVATE_KEY_FILE = env_str("OIDC_PRIVATE_KEY_FILE")
# Space-separated acr values asked for; the acr the IdP answers with must be one of them. The default asks
# Login.gov for PIV/CAC.
OIDC_ACR_VALUES = env_str("OIDC_ACR_VALUES", "http://idmanagement.gov/ns/assurance/aal/2?hspd12=true")
OIDC_SCOPES = env_str("OIDC_SCOPES", "openid email")
OIDC_PROVIDER_NAME = env_str("OIDC_PROVIDER_NAME", "Login.gov")
OIDC_TIMEOUT_SECONDS = env_int("OIDC_TIMEOUT_SECONDS", 10, minimum=1)
if any((OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_PRIVATE_KEY_FILE)) and not all(
    (OIDC_ISSUER_URL, OIDC_CLIENT_ID, OIDC_PRIVATE_KEY_FILE)
):
    raise ImproperlyConfigured("Single sign-on needs OIDC_ISSUER_URL, OIDC_CLIENT_ID and OIDC_PRIVATE_KEY_FILE.")
if "openid" not in OIDC_SCOPES.split():
    raise ImproperlyConfigured("OIDC_SCOPES must include openid.")
# Local passwords: false turns them off for everyone but superusers (production with single sign-on).
PASSWORD_SIGNIN = env_bool("PASSWORD_SIGNIN", True)
AUTHENTICATION_BACKENDS += ["agencies.oidc.OidcSessionBackend"]
if OIDC_ISSUER_URL:
    # Sign-out posts to the registry, which redirects to the IdP's end_session_endpoint: browsers apply
    # form-action to that redirect, so the IdP's origin is allowed there (and nowhere else).
    _idp = urlsplit(OIDC_ISSUER_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(f"{_idp.scheme}://{_idp.netloc}")

# Report PDFs are signed (PAdES) with this PKCS#12 key; required when DEBUG is off. In DEBUG without one, a
# development key is created under var/signing/ and the PDFs say "development signature".
REPORT_SIGNING_P12 = env_str("REPORT_SIGNING_P12")
REPORT_SIGNING_P12_PASSWORD = env_str("REPORT_SIGNING_P12_PASSWORD")
# PEM file of the roots a signature must chain to (default: the self-signed certificates in the P12).
REPORT_SIGNING_TRUST_ROOTS = env_str("REPORT_SIGNING_TRUST_ROOTS")
if not DEBUG and not REPORT_SIGNING_P12:
    raise ImproperlyConfigured("REPORT_SIGNING_P12 must be set when DEBUG is off: every report PDF is signed.")
for _setting in ("REPORT_SIGNING_P12", "REPORT_SIGNING_TRUST_ROOTS", "OIDC_PRIVATE_KEY_FILE"):
    if globals()[_setting] and not Path(globals()[_setting]).is_file():
        raise ImproperlyConfigured(f"{_setting} names {globals()[_setting]!r}, which is not a readable file.")
# RFC 3161 timestamps (PAdES B-T for reports, and every audit checkpoint) from this authority, when set.
TSA_URL = env_str("TSA_URL")
if TSA_URL:
    TSA_URL = env_url("TSA_URL", "", schemes=("http", "https"))
# PEM file of the roots the timestamp authority's certificate chains to (default: the public roots of certifi).
TSA_TRUST_ROOTS = env_str("TSA_TRUST_ROOTS")
if not TSA_TRUST_ROOTS:
    import certifi

    TSA_TRUST_ROOTS = certifi.where()
