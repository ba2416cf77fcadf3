"""Celery tasks of the compliance app. Each takes primary keys and calls one service."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings


@shared_task(name="compliance.tasks.verification_run_task", acks_late=True, reject_on_worker_lost=True)
def verification_run_task(run_id: int) -> None:
    from compliance.verification import verification_execute

    verification_execute(run_id=run_id)


@shared_task(
    name="compliance.tasks.report_generate_task",
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.REPORT_SOFT_TIME_LIMIT,
    time_limit=settings.REPORT_SOFT_TIME_LIMIT + 60,
)
def report_generate_task(report_id: int) -> None:
    """Render and issue one report; a report past its time limit ends as failed (hazards.md HZ-WP-04)."""
    from compliance.reports import report_fail, report_generate

    try:
        report_generate(report_id=report_id)
    except SoftTimeLimitExceeded:
        report_fail(report_id=report_id, message="The report took longer than its time limit.")
