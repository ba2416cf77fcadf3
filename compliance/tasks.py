"""Celery tasks of the compliance app. Each takes primary keys and calls one service."""

from celery import shared_task


@shared_task(name="compliance.tasks.verification_run_task", acks_late=True, reject_on_worker_lost=True)
def verification_run_task(run_id: int) -> None:
    from compliance.verification import verification_execute

    verification_execute(run_id=run_id)
