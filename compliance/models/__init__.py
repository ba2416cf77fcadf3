"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.audit import AuditChainHead, AuditEvent
from compliance.models.verification import ManifestDrift, VerificationFileResult, VerificationRun
from compliance.models.webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "ManifestDrift",
    "VerificationFileResult",
    "VerificationRun",
    "WebhookDelivery",
    "WebhookSubscription",
]
