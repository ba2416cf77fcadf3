"""Celery tasks of the compliance app. Each takes primary keys and calls one service."""

from celery import shared_task


@shared_task(name="compliance.tasks.verification_run_task", acks_late=True, reject_on_worker_lost=True)
def verification_run_task(run_id: int) -> None:
    from compliance.verification import verification_execute

    verification_execute(run_id=run_id)


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


@shared_task(name="compliance.tasks.webhook_sweep_task")
def webhook_sweep_task() -> int:
    """Re-send deliveries whose task was lost (the rows are the source of truth). Run by beat."""
    from compliance.webhooks import webhook_deliveries_due

    due = webhook_deliveries_due()
    for delivery_id in due:
        webhook_deliver_task.delay(delivery_id)
    return len(due)
