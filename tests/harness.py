"""Real services for fault tests: a Redis server of our own and a real `celery -A config worker` subprocess.

The Redis server listens on a spare port (6390 unless REGISTRY_TEST_REDIS_PORT says otherwise), never
on the shared 6379, so stopping it disturbs nobody. The worker runs against that Redis and the test
PostgreSQL database, so tests that use it need transactional_db (the worker must see committed rows).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
REDIS_PORT = int(os.environ.get("REGISTRY_TEST_REDIS_PORT", "6390"))


def _wait_for(condition, *, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise TimeoutError(f"Timed out after {timeout:.0f} s waiting for {what}.")


class RedisServer:
    """A redis-server we start and stop ourselves (no persistence, like the CI machine's)."""

    def __init__(self, port: int, folder: Path):
        self.port, self.folder = port, folder
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def ping(self) -> bool:
        try:
            return bool(redis.Redis(port=self.port, socket_connect_timeout=0.5).ping())
        except redis.exceptions.ConnectionError:
            return False

    def start(self) -> None:
        if self.ping():
            raise RuntimeError(f"Something already listens on port {self.port}; set REGISTRY_TEST_REDIS_PORT.")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _wait_for(self.ping, timeout=10, what=f"redis-server on port {self.port}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        self.process = None

    def queue_length(self, queue: str = "celery") -> int:
        return redis.Redis(port=self.port).llen(queue)


class CeleryWorker:
    """A real `celery -A config worker` (prefork, one child) against our Redis and the test database."""

    def __init__(self, broker_url: str, folder: Path, env: dict[str, str]):
        self.broker_url, self.folder, self.extra_env = broker_url, folder, env
        self.log = folder / "worker.log"
        self.process: subprocess.Popen | None = None

    def start(self, timeout: float = 60) -> None:
        db = connection.settings_dict
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
            "CELERY_BROKER_URL": self.broker_url,
            "REGISTRY_VAR_DIR": str(self.folder / "var"),
            "SECRET_KEY": settings.SECRET_KEY,
            **self.extra_env,
        }
        if db.get("PASSWORD"):
            env["DATABASE_URL"] = env["DATABASE_URL"].replace("@", f":{db['PASSWORD']}@", 1)
        command = [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool", "prefork", "--concurrency", "1"]
        command += [
            "--without-gossip",
            "--without-mingle",
            "--loglevel",
            "INFO",
            "-n",
            f"test-{uuid.uuid4().hex[:8]}@%h",
        ]
        with open(self.log, "ab") as log:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        _wait_for(
            lambda: b" ready." in self.log.read_bytes() or self.process.poll() is not None,
            timeout=timeout,
            what="the Celery worker",
        )
        if self.process.poll() is not None:
            raise RuntimeError(f"The Celery worker exited:\n{self.log.read_text()[-3000:]}")

    def children(self) -> list[int]:
        """The prefork child processes (the ones that run tasks)."""
        if not self.process:
            return []
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill_child(self) -> None:
        """SIGKILL the process running tasks, as the OOM killer would; the main process starts another."""
        for pid in self.children():
            os.kill(pid, signal.SIGKILL)

    def stop(self, *, kill: bool = False) -> None:
        """Warm shutdown (SIGTERM), or SIGKILL of the main process and its children."""
        if not self.process or self.process.poll() is not None:
            return
        if kill:
            for pid in self.children():
                os.kill(pid, signal.SIGKILL)
            self.process.kill()
        else:
            self.process.terminate()
        self.process.wait(timeout=30)


def publisher(broker_url: str) -> Celery:
    """A Celery app with the project's settings, publishing to `broker_url`."""
    app = Celery("registry-test-publisher", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # Celery prefers a CELERY_BROKER_URL environment variable over broker_url; the write URL wins over both.
    app.conf.broker_url = app.conf.broker_write_url = broker_url
    return app


needs_real_services = pytest.mark.skipif(
    connection.vendor != "postgresql"
    or not settings.CELERY_BROKER_URL.startswith("redis")
    or shutil.which("redis-server") is None,
    reason="Needs PostgreSQL, a Redis broker (CELERY_BROKER_URL=redis://...) and redis-server.",
)


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(REDIS_PORT, tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def worker_env() -> dict[str, str]:
    """Extra environment of the worker (its settings); a test module overrides this fixture to add some."""
    return {}


@pytest.fixture
def celery_worker(redis_server, tmp_path, settings, worker_env):
    """A started worker; the test may stop, kill or restart it. AUDIT_CHECKPOINT_DIR is shared with it."""
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "checkpoints"
    env = {"AUDIT_CHECKPOINT_DIR": str(settings.AUDIT_CHECKPOINT_DIR), **worker_env}
    worker = CeleryWorker(redis_server.url, tmp_path, env)
    worker.start()
    yield worker
    worker.stop(kill=True)


# A PostgreSQL cluster of our own, for database fault tests (never the shared server on 5432).

PG_BIN = Path(os.environ.get("REGISTRY_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("REGISTRY_TEST_PG_PORT", "5499"))
GUNICORN = Path(sys.executable).with_name("gunicorn")


class PrivatePostgres:
    """initdb into a temporary folder and run postgres on a spare port; restart it as an operator would.

    PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user.
    """

    def __init__(self, port: int = PG_PORT):
        self.port = port
        self.folder = Path(tempfile.mkdtemp(prefix="registry-pg-"))
        self.data = self.folder / "data"
        self.log = self.folder / "postgres.log"
        self.as_owner: list[str] = []
        if os.geteuid() == 0:
            shutil.chown(self.folder, user="postgres", group="postgres")
            self.as_owner = ["runuser", "-u", "postgres", "--"]

    def url(self, database: str = "postgres") -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"

    def _ctl(self, *args: str) -> None:
        subprocess.run(
            [*self.as_owner, str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-w", *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )

    def start(self) -> None:
        if not self.data.exists():
            subprocess.run(
                [*self.as_owner, str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust"],
                check=True,
                stdout=subprocess.DEVNULL,
            )
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._ctl("-o", options, "start")

    def restart(self, mode: str = "fast") -> None:
        """Stop (fast: roll back open transactions; immediate: crash and recover) and start again, waiting."""
        self._ctl("-m", mode, "restart")

    def stop(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self._ctl("-m", "immediate", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)


needs_postgres_binaries = pytest.mark.skipif(
    connection.vendor != "postgresql" or not (PG_BIN / "initdb").exists() or not GUNICORN.exists(),
    reason="Runs on the PostgreSQL pass, with PostgreSQL's initdb/pg_ctl (REGISTRY_TEST_PG_BIN) and gunicorn.",
)
