"""Alerts: what the registry told whom, and what each user wants to hear about."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse


class AlertKind(models.TextChoices):
    AGREEMENT_EXPIRING = "agreement_expiring", "OneGov agreement expiring"
    ATO_EXPIRING = "ato_expiring", "Authorization to operate expiring"
    VERIFICATION_FAILED = "verification_failed", "Verification failed"
    MODEL_DRIFT = "model_drift", "Upstream change of a pinned model"
    OFFERING_WITHDRAWN = "offering_withdrawn", "Offering suspended or removed"
    OMB_DEADLINE = "omb_deadline", "M-25-21 / M-25-22 deadline approaching"
    AGREEMENT_ENDED = "agreement_ended", "No current OneGov agreement for an offering in use"
    FEDRAMP_CHANGED = "fedramp_changed", "FedRAMP authorization changed"
    ONBOARDING = "onboarding", "Onboarding request or decision"


class Alert(models.Model):
    """One thing the registry warned about, raised once and fanned out to its recipients.

    `dedupe_key` names the fact that was alerted on (kind + object + threshold, e.g.
    `ato_expiring:onboarding=12:2026-10-01:30d`). Its unique constraint is what makes an
    alert fire exactly once: a second scan, a redelivered task or a concurrent beat run
    fails to insert the same key and sends nothing.
    """

    kind = models.CharField(max_length=30, choices=AlertKind.choices, db_index=True)
    dedupe_key = models.CharField(max_length=200)
    title = models.CharField(max_length=300)
    message = models.TextField(help_text="What happened.")
    action = models.TextField(blank=True, help_text="What the recipient should do.")
    due_on = models.DateField(null=True, blank=True, help_text="By when (the expiry or the deadline).")
    threshold_days = models.PositiveIntegerField(null=True, blank=True)
    agency = models.ForeignKey(
        "agencies.Agency", null=True, blank=True, on_delete=models.CASCADE, related_name="alerts"
    )
    object_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["dedupe_key"], name="compliance_alert_unique_dedupe_key"),
            models.CheckConstraint(condition=~Q(dedupe_key=""), name="compliance_alert_dedupe_key_required"),
        ]

    def __str__(self) -> str:
        return self.title

    # The page of each kind of object an alert is about (object_type is the model's label).
    OBJECT_PAGES = {
        "compliance.verificationrun": "compliance:run-detail",
        "agencies.onboarding": "agencies:onboarding-detail",
        "agencies.deployment": "agencies:deployment-detail",
    }

    @property
    def object_url(self) -> str:
        """The page of what the alert is about, or "" when the registry has none (or the object is gone)."""
        if self.object_type in self.OBJECT_PAGES and self.object_id.isdigit():
            return reverse(self.OBJECT_PAGES[self.object_type], args=[int(self.object_id)])
        if self.object_type in ("catalog.agreement", "catalog.modelversion", "catalog.offering"):
            model = apps.get_model(self.object_type)
            row = model.objects.filter(pk=self.object_id).first() if self.object_id.isdigit() else None
            offering = row if isinstance(row, model) and self.object_type == "catalog.offering" else None
            offering = offering or getattr(row, "offering", None)
            return reverse("catalog:offering-detail", args=[offering.slug]) if offering else ""
        return ""


class Notification(models.Model):
    """One alert for one user: the portal's notification list and the record of its e-mail.

    The e-mail is claimed with a conditional update (pending → sending) before it is sent, so
    two workers delivering the same notification send it once.
    """

    class EmailStatus(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"
        NO_ADDRESS = "no_address", "No e-mail address"

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    read_at = models.DateTimeField(null=True, blank=True)
    email_status = models.CharField(max_length=10, choices=EmailStatus.choices, default=EmailStatus.PENDING)
    email_attempts = models.PositiveSmallIntegerField(default=0)
    emailed_at = models.DateTimeField(null=True, blank=True)
    email_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["alert", "recipient"], name="compliance_notification_unique_recipient"),
            models.CheckConstraint(
                condition=Q(email_status__in=["pending", "sending", "sent", "failed", "no_address"]),
                name="compliance_notification_email_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="compliance_notif_unread_idx")]

    def __str__(self) -> str:
        return f"{self.alert} → {self.recipient}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class AlertPreference(models.Model):
    """A user's choice to receive (or not) one kind of alert; without a row the kind's default applies.

    Every kind is on by default for its audience (agency officers, GSA officers). Auditors are
    not in any default audience, but may opt in to a kind with a row whose `enabled` is true.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="alert_preferences")
    kind = models.CharField(max_length=30, choices=AlertKind.choices)
    enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["user", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="compliance_alertpreference_unique_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.user}: {self.kind} {'on' if self.enabled else 'off'}"
