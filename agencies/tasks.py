"""Celery tasks of the agencies app: webhook deliveries to the agencies' and procurement systems' receivers."""

from celery import shared_task


@shared_task(
    name="agencies.tasks.webhook_deliver_task",
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

    from agencies.models import WebhookDelivery
    from agencies.webhooks import webhook_delivery_attempt

    delivery = webhook_delivery_attempt(delivery_id=delivery_id)
    if delivery is not None and delivery.status == WebhookDelivery.Status.RETRYING:
        countdown = max((delivery.next_attempt_at - timezone.now()).total_seconds(), 0)
        raise self.retry(countdown=countdown)


@shared_task(name="agencies.tasks.webhook_sweep_task", acks_late=True, ignore_result=True)
def webhook_sweep_task() -> int:
    """Re-send deliveries whose task was lost (the rows are the source of truth). Run by beat."""
    from agencies.webhooks import webhook_sweep

    return len(webhook_sweep())
