"""Celery tasks of the compliance app. Each takes primary keys and calls one service."""

from celery import shared_task


@shared_task(name="compliance.tasks.verification_run_task", acks_late=True, reject_on_worker_lost=True)
def verification_run_task(run_id: int) -> None:
    from compliance.verification import verification_execute

    verification_execute(run_id=run_id)


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
