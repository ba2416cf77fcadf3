"""Webhooks: the systems that asked to be told about events, and the log of every delivery to them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q


class WebhookSubscription(models.Model):
    """A receiver URL that wants some event types, with the secret its deliveries are signed with.

    A subscription without an agency receives every event of its types; one with an agency
    receives only the events of that agency.
    """

    class EventType(models.TextChoices):
        OFFERING_SUSPENDED = "offering.suspended", "Offering suspended"
        OFFERING_REMOVED = "offering.removed", "Offering removed"
        ONBOARDING_APPROVED = "onboarding.approved", "Onboarding approved"
        VERIFICATION_FAILED = "verification.failed", "Verification failed"
        AGREEMENT_EXPIRING = "agreement.expiring", "Agreement expiring"

    name = models.CharField(max_length=100)
    url = models.URLField(max_length=500)
    secret = models.CharField(max_length=128, help_text="The HMAC-SHA256 key the receiver checks signatures with.")
    event_types = models.JSONField(default=list)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="webhook_subscriptions"
    )
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "compliance_webhooksubscription"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(secret=""), name="compliance_webhooksubscription_secret_required"),
        ]

    def __str__(self) -> str:
        return self.name


class WebhookDelivery(models.Model):
    """One event sent (or to be sent) to one subscription: the delivery log.

    The row is written in the transaction of the change that caused the event; the task that
    sends it is queued after commit. Each failed attempt records its response code or error
    and when the next attempt is due, until the delivery succeeds or runs out of attempts.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        RETRYING = "retrying", "Retrying"
        SUCCEEDED = "succeeded", "Delivered"
        FAILED = "failed", "Failed (no attempts left)"

    subscription = models.ForeignKey(WebhookSubscription, on_delete=models.CASCADE, related_name="deliveries")
    event_id = models.UUIDField(default=uuid.uuid4)
    event_type = models.CharField(max_length=50)
    agency_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    response_code = models.PositiveSmallIntegerField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    delivered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "compliance_webhookdelivery"
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "webhook deliveries"
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "event_id"], name="compliance_webhookdelivery_unique_event"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "sending", "retrying", "succeeded", "failed"]),
                name="compliance_webhookdelivery_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.subscription} ({self.get_status_display()})"
