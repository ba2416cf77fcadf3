"""A PostgreSQL restart under traffic costs only the requests in flight (issue 7, "Database faults").

The registry runs under gunicorn against a PostgreSQL cluster of the test's own (never the shared
server), with its production settings: persistent connections (CONN_MAX_AGE) and CONN_HEALTH_CHECKS.
Signed-in officers start verifications and open their runs from several threads while the cluster
is restarted. Requests that overlap the restart may fail; every other request must succeed, and
every run that exists must have its audit event (no transaction half written).
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass

import psycopg
import pytest
import requests

from tests.harness import GUNICORN, ROOT, PrivatePostgres, _wait_for, needs_postgres_binaries

pytestmark = needs_postgres_binaries
CLIENTS = 6
THINK_SECONDS = 0.05  # a client's pause between two requests
SECONDS_BEFORE, SECONDS_AFTER = 2.0, 3.0
MAX_REQUESTS_PER_CLIENT = 500
SEED = """
import json
from tests.factories import PASSWORD, DeploymentFactory, agency_officer
deployment = DeploymentFactory()
officers = [agency_officer(deployment.agency) for _ in range({clients})]
print(json.dumps({{"deployment": deployment.pk, "usernames": [o.username for o in officers], "password": PASSWORD}}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _environment(database_url: str, var_dir: str) -> dict[str, str]:
    """Production settings (not the test settings) over plain HTTP, with a broker that needs no server."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": "filesystem://",
        "REGISTRY_VAR_DIR": var_dir,
        "SECRET_KEY": "database-restart-test-only-key-0123456789abcdef",
        "AUDIT_CHECKPOINT_KEY": "database-restart-test-only-checkpoint-key-0123456789",
        "DEBUG": "false",
        "ALLOWED_HOSTS": "127.0.0.1",
        "SECURE_SSL_REDIRECT": "false",
        "SESSION_COOKIE_SECURE": "false",
        "CSRF_COOKIE_SECURE": "false",
        "SECURE_HSTS_SECONDS": "0",
        "LOG_LEVEL": "CRITICAL",
    }


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


@pytest.fixture(scope="module")
def registry_site():
    """A private cluster with a migrated, seeded database, and gunicorn serving the registry from it."""
    cluster = PrivatePostgres()
    server = None
    try:
        cluster.start()
        with psycopg.connect(cluster.url(), autocommit=True) as conn:
            conn.execute("CREATE DATABASE registry")
        env = _environment(cluster.url("registry"), str(cluster.folder / "var"))
        migrated = _manage(env, "migrate", "--noinput", "-v0")
        assert migrated.returncode == 0, migrated.stderr
        seeded = _manage(env, "shell", "-c", SEED.format(clients=CLIENTS))
        assert seeded.returncode == 0, seeded.stderr
        port = _free_port()
        server = subprocess.Popen(
            [str(GUNICORN), "config.wsgi", "--workers", "4", "--bind", f"127.0.0.1:{port}"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        _wait_for(lambda: _answers(base + "/accounts/login/"), timeout=60, what="gunicorn")
        yield cluster, env, base, json.loads(seeded.stdout.strip().splitlines()[-1])
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cluster.stop()


def _answers(url: str) -> bool:
    try:
        return requests.get(url, timeout=10).status_code == 200
    except requests.RequestException:
        return False


@dataclass
class Sent:
    kind: str
    started: float
    ended: float
    ok: bool
    run_id: int | None = None


def _signed_in(base: str, username: str, password: str) -> requests.Session:
    session = requests.Session()
    session.get(base + "/accounts/login/", timeout=10)
    form = {"username": username, "password": password, "csrfmiddlewaretoken": session.cookies["csrftoken"]}
    answer = session.post(base + "/accounts/login/", data=form, allow_redirects=False, timeout=10)
    assert answer.status_code == 302, answer.text[:500]
    return session


def _client(base: str, session: requests.Session, deployment: int, stop: threading.Event, log: list[Sent]) -> None:
    """Start a verification, open its run page; again, until told to stop."""
    for _ in range(MAX_REQUESTS_PER_CLIENT // 2):
        if stop.is_set():
            return
        started = time.monotonic()
        try:
            answer = session.post(
                f"{base}/deployments/{deployment}/verify/",
                headers={"X-CSRFToken": session.cookies["csrftoken"]},
                allow_redirects=False,
                timeout=15,
            )
            location = answer.headers.get("Location", "")
            match = re.search(r"/verifications/(\d+)/$", location)
            ok = answer.status_code == 302 and match is not None
        except requests.RequestException:
            ok, match = False, None
        log.append(Sent("start", started, time.monotonic(), ok, int(match.group(1)) if match else None))
        if ok:
            started = time.monotonic()
            try:
                ok = session.get(base + location, timeout=15).status_code == 200
            except requests.RequestException:
                ok = False
            log.append(Sent("page", started, time.monotonic(), ok))
        time.sleep(THINK_SECONDS)


def _traffic_around_a_restart(cluster, base, seed, mode: str) -> tuple[list[Sent], float, float]:
    sessions = [_signed_in(base, name, seed["password"]) for name in seed["usernames"]]
    stop, log = threading.Event(), []
    threads = [
        threading.Thread(target=_client, args=(base, session, seed["deployment"], stop, log)) for session in sessions
    ]
    for thread in threads:
        thread.start()
    time.sleep(SECONDS_BEFORE)
    restart_began = time.monotonic()
    cluster.restart(mode)
    restart_ended = time.monotonic()
    time.sleep(SECONDS_AFTER)
    stop.set()
    for thread in threads:
        thread.join(timeout=60)
    return log, restart_began, restart_ended


def _written(database_url: str) -> tuple[set[int], set[int]]:
    """Run ids, and the run ids that have their 'verification.requested' audit event."""
    with psycopg.connect(database_url) as conn:
        runs = {row[0] for row in conn.execute("SELECT id FROM compliance_verificationrun")}
        audited = {
            int(row[0])
            for row in conn.execute(
                "SELECT object_id FROM compliance_auditevent WHERE action = 'verification.requested'"
            )
        }
    return runs, audited


IDLE_ACROSS_A_RESTART = """
from django.core.signals import request_finished, request_started
from django.db import connection

def request():
    request_started.send(None)
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return "ok"
    except Exception as error:
        return f"failed: {error}"
    finally:
        request_finished.send(None)

print(request(), flush=True)
input()  # the test restarts PostgreSQL now
print(request(), flush=True)
"""


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_persistent_connection_left_idle_across_a_restart_is_replaced_before_use(registry_site, mode):
    cluster, env, _, _ = registry_site
    process = subprocess.Popen(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", IDLE_ACROSS_A_RESTART],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    before = process.stdout.readline().strip()

    cluster.restart(mode)
    after, _ = process.communicate("\n", timeout=60)

    assert before == "ok"
    assert after.strip() == "ok", "the first query after the restart used the dead connection (CONN_HEALTH_CHECKS?)"


@pytest.mark.parametrize("mode", ["fast", "immediate"])
def test_a_postgresql_restart_under_traffic_costs_only_the_requests_in_flight(registry_site, mode):
    cluster, env, base, seed = registry_site
    runs_before, _ = _written(cluster.url("registry"))

    log, began, ended = _traffic_around_a_restart(cluster, base, seed, mode)

    in_flight = [s for s in log if s.started <= ended and s.ended >= began]
    failed = [s for s in log if not s.ok]
    after = [s for s in log if s.started > ended]
    print(
        f"\n{mode} restart: {ended - began:.2f} s; {len(log)} requests, {len(in_flight)} in flight, "
        f"{len(failed)} failed, {len(after)} after the restart (all succeeded: {all(s.ok for s in after)})"
    )
    assert all(s in in_flight for s in failed), [s for s in failed if s not in in_flight]
    assert len(after) >= 20 and all(s.ok for s in after)
    runs, audited = _written(cluster.url("registry"))
    runs -= runs_before
    audited -= runs_before
    answered = {s.run_id for s in log if s.kind == "start" and s.ok}
    unanswered_starts = [s for s in failed if s.kind == "start"]
    assert runs == audited, "a run without its audit event, or an event without its run"
    assert answered <= runs and len(runs - answered) <= len(unanswered_starts)
    anchored = _manage(env, "shell", "-c", "from core.checkpoints import audit_checkpoint_write as w; w()")
    assert anchored.returncode == 0, anchored.stderr
    chain = _manage(env, "verify_audit_log")
    assert chain.returncode == 0, chain.stdout + chain.stderr
