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


@shared_task(name="compliance.tasks.sweep_stale_jobs", acks_late=True, ignore_result=True)
def sweep_stale_jobs() -> dict[str, dict[str, int]]:
    """Requeue or abandon jobs stuck running, and re-send jobs left queued (compliance.reliability)."""
    from compliance.reliability import sweep_stale_jobs as sweep

    return {
        kind: {"resent": len(r.resent), "requeued": len(r.requeued), "abandoned": len(r.abandoned)}
        for kind, r in sweep().items()
    }


@shared_task(name="compliance.tasks.audit_checkpoint_task", acks_late=True, ignore_result=True)
def audit_checkpoint_task() -> int:
    """Anchor the audit chain's head outside the database (compliance.checkpoints); log loudly if it is broken."""
    import logging

    from compliance.audit import ChainBreak
    from compliance.checkpoints import audit_checkpoint_write

    result = audit_checkpoint_write()
    if isinstance(result, ChainBreak):
        logging.getLogger("compliance.audit").critical(
            "Audit chain broken at event #%s, not anchored: %s", result.seq, result.reason
        )
        return -1
    return result.seq


@shared_task(name="compliance.tasks.audit_verify_task", acks_late=True, ignore_result=True)
def audit_verify_task() -> int:
    """Recompute the whole chain against the checkpoints (as verify_audit_log does) and log loudly on a break.

    Returns the sequence number of the first broken event, or 0 when the log is intact.
    """
    import logging

    from compliance.checkpoints import audit_log_verify

    broken, _ = audit_log_verify()
    if broken is None:
        return 0
    logging.getLogger("compliance.audit").critical(
        "Audit log verification failed at event #%s: %s", broken.seq, broken.reason
    )
    return broken.seq or -1


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


@shared_task(
    name="compliance.tasks.webhook_deliver_task",
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    max_retries=None,
)
def webhook_deliver_task(self, delivery_id: int) -> None:
    """Send one webhook delivery; after a failure, retry with the backoff the delivery row records.

    The attempt count lives in the row (WEBHOOK_MAX_ATTEMPTS), not in Celery, so the row decides.
    """
    from django.utils import timezone

    from compliance.models import WebhookDelivery
    from compliance.webhooks import webhook_delivery_attempt

    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is not None and delivery.status == WebhookDelivery.Status.RETRYING:
        countdown = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 0)
        raise self.retry(countdown=countdown)


@shared_task(name="compliance.tasks.webhook_sweep_task", acks_late=True, ignore_result=True)
def webhook_sweep_task() -> int:
    """Re-send deliveries whose task was lost (the rows are the source of truth). Run by beat."""
    from compliance.webhooks import webhook_sweep

    return len(webhook_sweep())
