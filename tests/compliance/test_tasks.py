"""The automatic checks: beat schedule, daily re-sync, weekly re-verification, the sweeper, a real worker."""

import time

import pytest
from django.conf import settings as django_settings

from compliance.models import VerificationRun
from compliance.tasks import deployment_reverify_all_task, manifest_resync_all_task, manifest_sync_task
from compliance.verification import verification_start
from core.jobs import sweep_stale_jobs
from tests.compliance.conftest import write_tree
from tests.factories import AgencyFactory, DeploymentFactory, ModelVersionFactory

pytestmark = pytest.mark.django_db


def test_the_beat_schedule_follows_the_interval_settings():
    schedule = django_settings.CELERY_BEAT_SCHEDULE

    resync = schedule["compliance-manifest-resync"]
    reverify = schedule["compliance-deployment-reverify"]

    assert resync["task"] == "compliance.tasks.manifest_resync_all_task"
    assert resync["schedule"] == django_settings.MANIFEST_RESYNC_DAYS * 86400
    assert reverify["task"] == "compliance.tasks.deployment_reverify_all_task"
    assert reverify["schedule"] == django_settings.DEPLOYMENT_REVERIFY_DAYS * 86400


def test_weekly_reverification_queues_active_deployments_not_already_queued(django_capture_on_commit_callbacks):
    active = DeploymentFactory()
    DeploymentFactory(is_active=False)
    busy = DeploymentFactory()
    verification_start(deployment=busy, requested_by=None)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        queued = deployment_reverify_all_task.apply().get()

    assert queued == 1 and len(callbacks) == 1
    run = VerificationRun.objects.get(deployment=active)
    assert run.trigger == "scheduled" and run.requested_by is None


def test_daily_resync_covers_pinned_versions_and_records_drift(hub, small_model):
    hub.publish("org/m", small_model)
    model_version = ModelVersionFactory(repo_id="org/m", revision="main")
    ModelVersionFactory(repo_id="org/unsynced")
    manifest_sync_task.apply(args=[model_version.pk])
    hub.publish("org/m", small_model)

    assert manifest_resync_all_task.apply().get() == 1
    manifest_sync_task.apply(args=[model_version.pk])

    assert model_version.drifts.filter(kind="branch_moved").count() == 1


def test_the_sweeper_resends_runs_left_queued(django_capture_on_commit_callbacks):
    run = verification_start(deployment=DeploymentFactory(), requested_by=None)
    VerificationRun.objects.filter(pk=run.pk).update(requested_at="2000-01-01T00:00Z")
    fresh = verification_start(deployment=DeploymentFactory(), requested_by=None)

    resent = sweep_stale_jobs()["verification"].resent

    assert run.pk in resent and fresh.pk not in resent


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_verification_outside_the_request(hub, model_root, small_model):
    if not django_settings.CELERY_BROKER_URL.startswith("redis"):
        pytest.skip("needs CELERY_BROKER_URL=redis://...")
    from celery.contrib.testing.worker import start_worker

    from config.celery import app

    hub.publish("meta-llama/Tiny", small_model, license="llama3.1")
    agency = AgencyFactory(abbreviation="AGA")
    folder = write_tree(model_root / "AGA" / "tiny", small_model)
    mv = ModelVersionFactory(repo_id="meta-llama/Tiny", declared_license="llama3.1")
    deployment = DeploymentFactory(agency=agency, model_version=mv, storage_path=str(folder))

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        run = verification_start(deployment=deployment, requested_by=deployment.created_by)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            run.refresh_from_db()
            if run.is_finished:
                break
            time.sleep(0.2)

    assert run.status == VerificationRun.Status.PASSED, run.error_message


def test_verification_tasks_survive_a_killed_worker():
    from compliance.tasks import verification_hash_group_task, verification_run_task

    for task in (verification_run_task, verification_hash_group_task):
        assert task.acks_late and task.reject_on_worker_lost
