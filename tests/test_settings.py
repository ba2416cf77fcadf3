"""Settings parsing: good values, and malformed values that stop start-up naming the variable."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_broker, env_database, env_int, env_list, env_paths, env_url

ROOT = Path(__file__).resolve().parent.parent


def test_booleans_accept_the_usual_words():
    assert env_bool("DEBUG", False, environ={"DEBUG": "yes"}) is True
    assert env_bool("DEBUG", True, environ={"DEBUG": "0"}) is False
    assert env_bool("DEBUG", True, environ={}) is True


def test_a_malformed_boolean_names_the_variable():
    with pytest.raises(ImproperlyConfigured, match="DEBUG"):
        env_bool("DEBUG", False, environ={"DEBUG": "maybe"})


def test_integers_are_parsed_and_bounded():
    assert env_int("N", 3, environ={"N": "12"}) == 12
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        env_int("N", 3, environ={"N": "twelve"})
    with pytest.raises(ImproperlyConfigured, match="N must be at least 1"):
        env_int("N", 3, minimum=1, environ={"N": "0"})


def test_lists_refuse_empty_entries_and_read_an_empty_value_as_unset():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.gov, b.gov"}) == ["a.gov", "b.gov"]
    assert env_list("CSRF_TRUSTED_ORIGINS", ["x"], environ={"CSRF_TRUSTED_ORIGINS": ""}) == ["x"]
    with pytest.raises(ImproperlyConfigured, match="ALLOWED_HOSTS"):
        env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.gov,,b.gov"})


def test_database_url_defaults_to_sqlite_and_reads_postgres():
    sqlite = env_database("DATABASE_URL", "sqlite:////tmp/x.sqlite3", environ={})
    postgres = env_database("DATABASE_URL", "", environ={"DATABASE_URL": "postgres://u:p@db.example:5433/registry"})

    assert sqlite["ENGINE"] == "django.db.backends.sqlite3"
    assert postgres["ENGINE"] == "django.db.backends.postgresql"
    assert (postgres["HOST"], postgres["PORT"], postgres["NAME"]) == ("db.example", 5433, "registry")


@pytest.mark.parametrize("value", ["mysql://x/y", "not a url", "postgres://host:5432/"])
def test_a_malformed_database_url_names_the_variable(value):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        env_database("DATABASE_URL", "", environ={"DATABASE_URL": value})


def test_broker_urls_are_checked():
    assert env_broker("CELERY_BROKER_URL", "filesystem://", environ={}) == "filesystem://"
    assert env_broker("CELERY_BROKER_URL", "", environ={"CELERY_BROKER_URL": "redis://h:6379/0"}).startswith("redis")
    with pytest.raises(ImproperlyConfigured, match="CELERY_BROKER_URL"):
        env_broker("CELERY_BROKER_URL", "", environ={"CELERY_BROKER_URL": "kafka://h"})


def test_hub_endpoint_must_be_http():
    assert (
        env_url("HF_ENDPOINT", "https://huggingface.co", schemes=("http", "https"), environ={})
        == "https://huggingface.co"
    )
    with pytest.raises(ImproperlyConfigured, match="HF_ENDPOINT"):
        env_url("HF_ENDPOINT", "", schemes=("http", "https"), environ={"HF_ENDPOINT": "ftp://hub"})


def test_model_roots_must_be_absolute():
    roots = env_paths("MODEL_ROOTS", [], environ={"MODEL_ROOTS": "/srv/a:/srv/b"})

    assert [str(p) for p in roots] == ["/srv/a", "/srv/b"]
    with pytest.raises(ImproperlyConfigured, match="MODEL_ROOTS"):
        env_paths("MODEL_ROOTS", [], environ={"MODEL_ROOTS": "relative/models"})


def _start(**env):
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "SECRET_KEY", "DEBUG"}}
    clean.update(env)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django; from django.conf import settings; django.setup(); print(settings.DEBUG)",
        ],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_start_up_refuses_production_without_a_secret_key():
    result = _start(DEBUG="false")

    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_start_up_stops_on_a_malformed_value_naming_it():
    result = _start(DEBUG="true", HF_TIMEOUT_SECONDS="soon")

    assert result.returncode != 0
    assert "HF_TIMEOUT_SECONDS must be a whole number" in result.stderr


def test_start_up_succeeds_with_no_configuration_in_debug():
    result = _start(DEBUG="true")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_the_filesystem_broker_writes_only_under_var_broker(tmp_path):
    """Kombu's filesystem transport keeps its exchange table in a relative `control` folder unless told
    otherwise, so a worker or a publisher would write `control/` into whatever folder it was started from."""
    var = tmp_path / "var"
    script = (
        "import django; django.setup()\n"
        "from config.celery import app\n"
        "with app.connection_for_write() as connection:\n"
        "    app.send_task('registry.nothing', connection=connection)\n"
        "app.control.broadcast('ping', reply=False)\n"
    )
    clean = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "CELERY_BROKER_URL"}}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=tmp_path,
        env={
            **clean,
            "PYTHONPATH": str(ROOT),
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DEBUG": "true",
            "CELERY_BROKER_URL": "filesystem://",
            "REGISTRY_VAR_DIR": str(var),
        },
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert sorted(path.name for path in tmp_path.iterdir()) == ["var"]
    assert (var / "broker" / "control" / "celery.exchange").is_file()


def test_env_example_lists_every_variable_the_settings_read():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    tree = ast.parse((root / "config" / "settings.py").read_text())
    read = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id.startswith("env_")
        and node.args
        and isinstance(node.args[0], ast.Constant)
    }
    listed = {
        line.lstrip("# ").split("=", 1)[0]
        for line in (root / ".env.example").read_text().splitlines()
        if "=" in line and line.lstrip("# ").split("=", 1)[0].isupper()
    }

    assert read and read <= listed, sorted(read - listed)
