"""The real verification engine under faults: a real Celery worker, a Redis of our own, PostgreSQL.

The worker is a `celery -A config worker` subprocess that talks to the stand-in Hub of this test
process over HTTP and reads the model from this test's model root. Its reads are throttled
(VERIFY_READ_BYTES_PER_SECOND) so that a verification of a few MB lasts long enough to be killed
in the middle. The web side (portal view, service, sweeper) runs here and publishes to our Redis.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import os
import time

import pytest
from django.urls import reverse

from compliance.models import VerificationFileResult, VerificationRun
from compliance.verification import verification_start
from core import jobs
from core.audit import audit_chain_verify
from core.jobs import SWEPT_JOBS, sweep_stale_jobs, swept_jobs
from core.models import AuditEvent
from tests.compliance.conftest import write_tree
from tests.factories import AgencyFactory, DeploymentFactory, ModelVersionFactory, agency_officer
from tests.harness import needs_real_services, publisher

pytestmark = [needs_real_services, pytest.mark.django_db(transaction=True)]
Status = VerificationRun.Status
MB = 1024 * 1024
READ_LIMIT = 2 * MB  # bytes per second: the 9 MB of weights below take about 4.5 s to hash
STALE_SECONDS = 5  # the worker's VERIFY_STALE_SECONDS and the sweeper's running limit in these tests


@pytest.fixture
def model_files() -> dict[str, bytes]:
    return {
        "config.json": b'{"architectures": ["LlamaForCausalLM"], "hidden_size": 64}\n',
        "model-00001-of-00003.safetensors": os.urandom(3 * MB),
        "model-00002-of-00003.safetensors": os.urandom(3 * MB),
        "model-00003-of-00003.safetensors": os.urandom(3 * MB),
    }


@pytest.fixture
def worker_env(hub, model_root) -> dict[str, str]:
    """The worker's settings: our stand-in Hub and model root, one hashing thread, throttled reads."""
    return {
        "HF_ENDPOINT": hub.url,
        "HF_RETRY_BACKOFF_MS": "10",
        "MODEL_ROOTS": str(model_root),
        "VERIFY_WORKERS": "1",
        "VERIFY_READ_BYTES_PER_SECOND": str(READ_LIMIT),
        "VERIFY_STALE_SECONDS": str(STALE_SECONDS),
    }


@pytest.fixture
def deployment(hub, model_root, model_files):
    hub.publish("meta-llama/Faulty", model_files, license="llama3.1")
    agency = AgencyFactory(abbreviation="AGA")
    folder = write_tree(model_root / "AGA" / "faulty", model_files)
    model_version = ModelVersionFactory(repo_id="meta-llama/Faulty", revision="main", declared_license="llama3.1")
    return DeploymentFactory(agency=agency, model_version=model_version, storage_path=str(folder))


@pytest.fixture
def web_publishes_to(redis_server, monkeypatch):
    """The web side's job sender publishes to our Redis (the worker's broker), not the suite's."""
    monkeypatch.setattr(jobs, "publisher_app", publisher(redis_server.url))


@pytest.fixture
def fast_sweeper(monkeypatch):
    """The verification kind with thresholds of seconds instead of minutes."""
    job = dataclasses.replace(
        swept_jobs()["verification"],
        queued_threshold=dt.timedelta(seconds=1),
        running_limit=dt.timedelta(seconds=STALE_SECONDS),
    )
    monkeypatch.setitem(SWEPT_JOBS, "verification", job)


def _wait(condition, timeout: float = 60) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return False


def _run(run_id: int) -> VerificationRun:
    return VerificationRun.objects.get(pk=run_id)


def _assert_completed_once(run_id: int, model_files: dict[str, bytes]) -> VerificationRun:
    run = _run(run_id)
    assert run.status == Status.PASSED, run.error_message
    assert run.count_ok == len(model_files) and run.bytes_done == run.bytes_total
    results = VerificationFileResult.objects.filter(run_id=run_id)
    assert sorted(results.values_list("path", flat=True)) == sorted(model_files)
    assert set(results.values_list("status", flat=True)) == {"ok"}
    finished = AuditEvent.objects.filter(object_type="compliance.verificationrun", object_id=str(run_id))
    assert finished.filter(action__in=["verification.passed", "verification.failed", "verification.error"]).count() == 1
    assert audit_chain_verify() is None
    return run


def test_with_redis_down_the_portal_queues_a_verification_that_passes_once_redis_is_back(
    celery_worker, redis_server, deployment, model_files, client, web_publishes_to, fast_sweeper, caplog
):
    # Set the level this test reads: an in-process worker started by another test may have raised the root's.
    caplog.set_level(logging.WARNING, logger="core.jobs")
    client.force_login(agency_officer(deployment.agency))
    redis_server.stop()

    started = time.monotonic()
    response = client.post(reverse("compliance:verification-start", args=[deployment.pk]))
    elapsed = time.monotonic() - started
    run = VerificationRun.objects.get(deployment=deployment)
    page = client.get(response.url)
    redis_server.start()
    time.sleep(1.1)  # older than the sweeper's queued threshold
    swept = sweep_stale_jobs(app=publisher(redis_server.url))

    assert response.status_code == 302 and response.url == reverse("compliance:run-detail", args=[run.pk])
    assert elapsed < 5, f"the request took {elapsed:.1f} s with the broker down"
    assert page.status_code == 200 and run.status == Status.QUEUED
    assert "Could not send compliance.tasks.verification_run_task" in caplog.text
    assert swept["verification"].resent == [run.pk]
    assert _wait(lambda: _run(run.pk).status not in (Status.QUEUED, Status.RUNNING)), celery_worker.log.read_text()[
        -3000:
    ]
    assert _assert_completed_once(run.pk, model_files).attempts == 1


def test_a_worker_killed_in_the_middle_of_a_verification_leaves_a_run_that_is_retried_and_completes_once(
    celery_worker, deployment, model_files, web_publishes_to, fast_sweeper
):
    run = verification_start(deployment=deployment, requested_by=deployment.created_by)
    assert _wait(lambda: _run(run.pk).bytes_done > 0), celery_worker.log.read_text()[-3000:]

    celery_worker.kill_child()
    killed = _run(run.pk)
    # The killed task's message comes back at once, but the run's heartbeat is still fresh: that
    # delivery leaves it alone. Once the heartbeat is stale the sweeper puts the run back in the queue.
    time.sleep(STALE_SECONDS + 1)
    sweep_stale_jobs(app=publisher(celery_worker.broker_url))
    finished = _wait(lambda: _run(run.pk).status not in (Status.QUEUED, Status.RUNNING))

    log = celery_worker.log.read_text()
    assert finished, log[-3000:]
    assert killed.status == Status.RUNNING and 0 < killed.bytes_done < killed.bytes_total
    assert "signal 9" in log and "WorkerLostError" in log
    assert _assert_completed_once(run.pk, model_files).attempts == 2
