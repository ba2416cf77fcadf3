"""Sending Celery tasks after the database commits, without letting a broker outage fail the request.

The database row (a queued run, a delivery, an alert) is the durable record of every job; the
message is only a nudge. When the broker cannot be reached the send is logged and dropped, and
the periodic sweepers and scans pick the row up once the broker is back.
"""

from __future__ import annotations

import logging

from django.db import transaction

logger = logging.getLogger(__name__)


def send_task_now(task, *args) -> bool:
    """Publish one task; return False (logged) instead of raising when the broker is unavailable."""
    try:
        task.apply_async(args=args, retry=True, retry_policy={"max_retries": 2, "interval_start": 0.1})
    except Exception:  # kombu raises OperationalError and others for an unreachable broker
        logger.warning(
            "Broker unavailable: %s%s not sent now; the sweeper will send it.", task.name, args, exc_info=True
        )
        return False
    return True


def send_task_on_commit(task, *args) -> None:
    """Publish a task once the surrounding transaction commits (at once when there is none)."""
    transaction.on_commit(lambda: send_task_now(task, *args))
