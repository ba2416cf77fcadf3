"""Celery tasks of the catalog. Each calls one service."""

from celery import shared_task

from catalog.fedramp import FedRAMPUnavailable


@shared_task(
    name="catalog.tasks.fedramp_sync_task",
    autoretry_for=(FedRAMPUnavailable,),
    retry_backoff=300,
    retry_backoff_max=3600,
    max_retries=3,
)
def fedramp_sync_task() -> dict:
    """The daily FedRAMP sync (beat): a source that cannot be read changes nothing and is retried."""
    from django.conf import settings

    from catalog.fedramp import FedRAMPClient
    from catalog.fedramp_sync import fedramp_sync

    result = fedramp_sync(client=FedRAMPClient(timeout=settings.FEDRAMP_TIMEOUT_SECONDS))
    return {"created": result.created, "updated": result.updated, "changes": len(result.changes)}
