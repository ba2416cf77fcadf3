"""Typed readers for settings that come from the environment.

Each reader returns a safe default when the variable is unset and raises
ImproperlyConfigured, naming the variable, when it is set to something malformed.
A registry that silently fell back to a default on a typo would run on the wrong
database or trust the wrong folders.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    source = os.environ if environ is None else environ
    value = source.get(name)
    return None if value is None else value.strip()


def env_str(name: str, default: str = "", *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    value = _raw(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false, 1/0, yes/no, on/off), not {value!r}.")


def env_int(name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {number}.")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """Comma-separated items; unset or empty (`NAME=` as .env.example writes it) means the default."""
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    items = [item.strip() for item in value.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(f"{name} must be a comma-separated list with no empty entries, not {value!r}.")
    return items


def env_url(name: str, default: str, *, schemes: tuple[str, ...], environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ) or default
    parts = urlsplit(value)
    if parts.scheme not in schemes:
        raise ImproperlyConfigured(f"{name} must be a URL starting with {' or '.join(schemes)}, not {value!r}.")
    if parts.scheme.startswith("http") and not parts.hostname:
        raise ImproperlyConfigured(f"{name} must name a host, not {value!r}.")
    return value.rstrip("/")


def env_database(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> dict:
    value = _raw(name, environ) or default
    scheme = urlsplit(value).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"{name} must be a sqlite:/// or postgres:// URL, not {value!r}.")
    try:
        config = dj_database_url.parse(value, conn_max_age=60, conn_health_checks=True)
    except (ValueError, KeyError) as error:
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}") from None
    if config["ENGINE"].endswith("postgresql") and not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} must name a database, not {value!r}.")
    if config["ENGINE"].endswith("sqlite3"):
        config["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    return config


def env_broker(name: str, default: str, *, environ: Mapping[str, str] | None = None) -> str:
    value = _raw(name, environ) or default
    scheme = urlsplit(value).scheme
    if scheme not in {"filesystem", "redis", "rediss", "amqp", "pyamqp", "memory"}:
        raise ImproperlyConfigured(
            f"{name} must be filesystem://, redis://, rediss://, amqp:// or memory://, not {value!r}."
        )
    return value


def env_paths(name: str, default: list[Path], *, environ: Mapping[str, str] | None = None) -> list[Path]:
    """Absolute folders separated by the OS path separator (':' on Linux)."""
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    paths = []
    for item in value.split(os.pathsep):
        path = Path(item)
        if not item or not path.is_absolute():
            raise ImproperlyConfigured(f"{name} must list absolute folders separated by {os.pathsep!r}, not {value!r}.")
        paths.append(path)
    return paths


def env_int_list(
    name: str, default: list[int], *, minimum: int | None = None, environ: Mapping[str, str] | None = None
) -> list[int]:
    """Comma-separated whole numbers, returned sorted from the largest down, without duplicates."""
    value = _raw(name, environ)
    if value is None or value == "":
        return default
    try:
        numbers = {int(item) for item in value.split(",")}
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be comma-separated whole numbers, not {value!r}.") from None
    if minimum is not None and any(number < minimum for number in numbers):
        raise ImproperlyConfigured(f"{name} must list numbers of at least {minimum}, not {value!r}.")
    return sorted(numbers, reverse=True)
