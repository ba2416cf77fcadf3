"""Webhooks: telling subscribed systems about events, with signed, logged, retried deliveries.

Signature: every delivery carries `X-Registry-Signature: t=<unix seconds>,v1=<hex>` where
`<hex>` is HMAC-SHA256 with the subscription's secret over the bytes `<t>.<body>`. A receiver
recomputes it over the raw body, compares in constant time and rejects a `t` too far from its
clock (replays). `X-Registry-Event` names the event type and `X-Registry-Delivery` is the
event id, the same on every retry, so receivers can drop duplicates.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import secrets
import time
import uuid
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from agencies.models import WebhookDelivery, WebhookSubscription
from core.audit import audited_save
from core.errors import ServiceError
from core.jobs import job_resend_record, job_send, job_send_on_commit, jobs_resent_since
from core.outbound import UnsafeDestination, destination_check, post_pinned

SIGNATURE_HEADER = "X-Registry-Signature"
EVENT_HEADER = "X-Registry-Event"
DELIVERY_HEADER = "X-Registry-Delivery"
Status = WebhookDelivery.Status
SWEPT_KIND = "webhook_delivery"


def _deliver_task():
    """The delivery task, imported when a delivery is sent: importing Celery at app loading costs every process."""
    from agencies.tasks import webhook_deliver_task

    return webhook_deliver_task


def webhook_signature(secret: str, timestamp: int, body: bytes) -> str:
    """The value of X-Registry-Signature for this body at this time."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def webhook_signature_valid(secret: str, header: str, body: bytes, *, tolerance_seconds: int = 300) -> bool:
    """What a receiver does: parse the header, check the age and compare the HMAC in constant time."""
    try:
        parts = dict(item.split("=", 1) for item in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(time.time() - timestamp) > tolerance_seconds:
        return False
    expected = webhook_signature(secret, timestamp, body).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


def webhook_event_emit(*, event_type: str, payload: dict, agency_id: int | None = None) -> list[WebhookDelivery]:
    """Queue one delivery of an event to every active subscription that wants it.

    Call it inside the transaction of the change the event reports: the delivery rows commit
    (or roll back) with that change, and the sending tasks are queued only after commit.
    """

    if event_type not in WebhookSubscription.EventType.values:
        raise ValueError(f"Unknown webhook event type {event_type!r}.")
    subscriptions = WebhookSubscription.objects.filter(is_active=True).filter(
        Q(agency__isnull=True) | Q(agency_id=agency_id)
    )
    event_id = uuid.uuid4()
    body = {
        "id": str(event_id),
        "type": event_type,
        "created_at": timezone.now().isoformat(),
        "agency_id": agency_id,
        "data": json.loads(json.dumps(payload, cls=DjangoJSONEncoder)),
    }
    deliveries = []
    with transaction.atomic():
        for subscription in subscriptions:
            if event_type not in subscription.event_types:
                continue
            delivery = WebhookDelivery.objects.create(
                subscription=subscription, event_id=event_id, event_type=event_type, agency_id=agency_id, payload=body
            )
            deliveries.append(delivery)
            job_send_on_commit(_deliver_task(), delivery.pk)
    return deliveries


def webhook_subscription_save(*, actor: Any, subscription: WebhookSubscription) -> WebhookSubscription:
    """Create or edit a subscription, refusing receivers the registry must not call (see core.outbound)."""
    try:
        destination_check(subscription.url)
    except UnsafeDestination as error:
        raise ServiceError(str(error), field="url") from None
    if not subscription.secret:
        subscription.secret = secrets.token_urlsafe(32)
    if subscription.created_by_id is None:
        subscription.created_by = actor
    return audited_save(actor=actor, instance=subscription)


def webhook_secret_rotate(*, actor: Any, subscription: WebhookSubscription) -> str:
    """Give the subscription a new random secret and return it (shown once); the audit event keeps a fingerprint."""
    subscription.secret = secrets.token_urlsafe(32)
    audited_save(actor=actor, instance=subscription, action="webhooksubscription.secret_rotated")
    return subscription.secret


def webhook_backoff_seconds(attempts: int) -> int:
    """Exponential backoff after the n-th failed attempt: base, 2×base, 4×base, ... capped."""
    return min(settings.WEBHOOK_RETRY_BASE_SECONDS * 2 ** max(attempts - 1, 0), settings.WEBHOOK_RETRY_MAX_SECONDS)


def _post(url: str, body: bytes, headers: dict) -> tuple[int | None, str]:
    """POST once to the receiver, re-checking its address and connecting to the address checked.

    The log keeps a generic reason, never the text of a socket error (which would tell a
    subscriber what the registry's network looks like from inside).
    """
    try:
        destination = destination_check(url)
    except UnsafeDestination:
        return None, "Refused: the receiver's address is not allowed."
    try:
        code = post_pinned(destination, body, headers, timeout=settings.WEBHOOK_TIMEOUT_SECONDS)
    except TimeoutError:
        return None, "No response before the timeout."
    except OSError:
        return None, "Could not connect to the receiver."
    return code, "" if 200 <= code < 300 else f"HTTP {code}"


def _claim(delivery_id: int) -> WebhookDelivery | None:
    """Take the delivery for one attempt; a lease (next_attempt_at) lets a crashed attempt be retried."""
    now = timezone.now()
    lease = now + dt.timedelta(seconds=settings.WEBHOOK_TIMEOUT_SECONDS * 3)
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update().select_related("subscription").filter(pk=delivery_id).first()
        )
        if delivery is None or delivery.status in (Status.SUCCEEDED, Status.FAILED):
            return None
        if delivery.status == Status.SENDING and delivery.next_attempt_at and delivery.next_attempt_at > now:
            return None
        delivery.status, delivery.next_attempt_at = Status.SENDING, lease
        delivery.attempts += 1
        delivery.save(update_fields=["status", "next_attempt_at", "attempts", "updated_at"])
    return delivery


def webhook_delivery_attempt(*, delivery_id: int) -> WebhookDelivery | None:
    """Send one delivery once and log the outcome.

    1. Claim the row (none when it is done or another attempt holds it).
    2. POST the signed body, outside any transaction, with a timeout and no redirects.
    3. Record the response code; on failure schedule the next attempt with exponential
       backoff, or give up after WEBHOOK_MAX_ATTEMPTS.
    """
    delivery = _claim(delivery_id)
    if delivery is None:
        return None
    subscription = delivery.subscription
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "onegov-ai-registry-webhooks/1",
        SIGNATURE_HEADER: webhook_signature(subscription.secret, int(time.time()), body),
        EVENT_HEADER: delivery.event_type,
        DELIVERY_HEADER: str(delivery.event_id),
    }
    code, error = _post(subscription.url, body, headers)
    now = timezone.now()
    delivery.response_code, delivery.last_error = code, error
    if code is not None and 200 <= code < 300:
        delivery.status, delivery.delivered_at, delivery.next_attempt_at = Status.SUCCEEDED, now, None
    elif delivery.attempts >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.status, delivery.next_attempt_at = Status.FAILED, None
    else:
        delivery.status = Status.RETRYING
        delivery.next_attempt_at = now + dt.timedelta(seconds=webhook_backoff_seconds(delivery.attempts))
    delivery.save(
        update_fields=["status", "response_code", "last_error", "delivered_at", "next_attempt_at", "updated_at"]
    )
    return delivery


def webhook_deliveries_due(*, now: dt.datetime | None = None) -> list[int]:
    """Deliveries whose task may have been lost (broker outage): pending for a minute, or overdue retries."""
    now = now or timezone.now()
    return list(
        WebhookDelivery.objects.filter(
            Q(status=Status.PENDING, created_at__lte=now - dt.timedelta(minutes=1))
            | Q(status__in=[Status.RETRYING, Status.SENDING], next_attempt_at__lte=now - dt.timedelta(minutes=1))
        ).values_list("pk", flat=True)[:1000]
    )


def webhook_sweep(*, now: dt.datetime | None = None, app=None) -> list[int]:
    """The webhook part of the reliability sweeper (run by beat every few minutes): re-send lost deliveries.

    Like `sweep_job_kind`, it re-sends each due delivery at most once per JOB_QUEUED_RESEND_SECONDS
    (recorded as JobDispatch rows of kind "webhook_delivery"), stops at the first broker failure and
    leaves the rest to the next sweep. Deliveries have their own states (pending, sending with a
    lease, retrying at `next_attempt_at`), which is why they are not a SweptJob; a duplicate
    message is harmless because `webhook_delivery_attempt` claims the row first.
    """
    now = now or timezone.now()
    due = webhook_deliveries_due(now=now)
    since = now - dt.timedelta(seconds=settings.JOB_QUEUED_RESEND_SECONDS)
    recently = jobs_resent_since(kind=SWEPT_KIND, object_ids=due, since=since)
    resent = []
    for delivery_id in due:
        if delivery_id in recently:
            continue
        if not job_send(_deliver_task(), delivery_id, app=app):
            break
        job_resend_record(kind=SWEPT_KIND, object_id=delivery_id, now=now)
        resent.append(delivery_id)
    return resent
