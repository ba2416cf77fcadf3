"""Celery tasks of the compliance app. Each takes primary keys and calls one service.

Verification tasks are acknowledged late and rejected when the worker dies, so a killed worker's
run is redelivered; the run row's conditional claim and attempts counter keep that from looping.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings

from compliance.hub import HubTimeout, HubUnavailable, RateLimited


@shared_task(name="compliance.tasks.verification_run_task", acks_late=True, reject_on_worker_lost=True)
def verification_run_task(run_id: int) -> None:
    from compliance.verification import verification_execute

    verification_execute(run_id=run_id)


@shared_task(name="compliance.tasks.verification_hash_group_task", acks_late=True, reject_on_worker_lost=True)
def verification_hash_group_task(run_id: int, index: int) -> None:
    from compliance.verification import verification_hash_group

    verification_hash_group(run_id=run_id, index=index)


@shared_task(
    name="compliance.tasks.manifest_sync_task",
    acks_late=True,
    autoretry_for=(HubTimeout, HubUnavailable, RateLimited),
    retry_backoff=60,
    retry_backoff_max=3600,
    max_retries=3,
)
def manifest_sync_task(model_version_id: int) -> None:
    from catalog.models import ModelVersion
    from compliance.manifest import manifest_sync

    model_version = ModelVersion.objects.filter(pk=model_version_id).first()
    if model_version is not None:
        manifest_sync(model_version=model_version, actor=None)


@shared_task(name="compliance.tasks.manifest_resync_all_task")
def manifest_resync_all_task() -> int:
    """Daily (MANIFEST_RESYNC_DAYS): re-sync every pinned model version, one task each, recording drift."""
    from catalog.models import ModelVersion

    ids = list(ModelVersion.objects.exclude(pinned_sha="").values_list("pk", flat=True))
    for model_version_id in ids:
        manifest_sync_task.delay(model_version_id)
    return len(ids)


@shared_task(name="compliance.tasks.deployment_reverify_all_task")
def deployment_reverify_all_task() -> int:
    """Weekly (DEPLOYMENT_REVERIFY_DAYS): queue a verification of every active deployment not already being verified."""
    from agencies.models import Deployment
    from compliance.models import VerificationRun
    from compliance.verification import verification_start

    busy = VerificationRun.objects.filter(status__in=[VerificationRun.Status.QUEUED, VerificationRun.Status.RUNNING])
    deployments = Deployment.objects.filter(is_active=True).exclude(pk__in=busy.values("deployment_id"))
    count = 0
    for deployment in deployments.select_related("model_version"):
        verification_start(deployment=deployment, requested_by=None, trigger=VerificationRun.Trigger.SCHEDULED)
        count += 1
    return count


@shared_task(name="compliance.tasks.alerts_scan_task", acks_late=True, reject_on_worker_lost=True)
def alerts_scan_task() -> int:
    """The daily alert scan (CELERY_BEAT_SCHEDULE). Safe to run twice: alerts are deduplicated."""
    from compliance.alerts import alerts_scan

    return alerts_scan().total


@shared_task(name="compliance.tasks.alerts_offering_status_changed_task", acks_late=True, reject_on_worker_lost=True)
def alerts_offering_status_changed_task(change_id: int) -> int:
    from compliance.alerts import alerts_offering_status_changed

    return len(alerts_offering_status_changed(change_id))


@shared_task(name="compliance.tasks.alerts_verification_finished_task", acks_late=True, reject_on_worker_lost=True)
def alerts_verification_finished_task(run_id: int) -> int:
    from compliance.alerts import alerts_verification_finished

    return len(alerts_verification_finished(run_id))


@shared_task(name="compliance.tasks.alerts_drift_detected_task", acks_late=True, reject_on_worker_lost=True)
def alerts_drift_detected_task(drift_id: int) -> int:
    from compliance.alerts import alerts_drift_detected

    return len(alerts_drift_detected(drift_id))


@shared_task(
    name="compliance.tasks.report_generate_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_SOFT_TIME_LIMIT + 60,
)
def report_generate_task(report_id: int) -> None:
    """Render and issue one report; a report past its time limit ends as failed (WeasyPrint can render for ever)."""
    from compliance.reports import report_fail, report_generate

    try:
        report_generate(report_id=report_id)
    except SoftTimeLimitExceeded:
        report_fail(report_id=report_id, message="The report took longer than its time limit.")
