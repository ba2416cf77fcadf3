"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.alerts import Alert, AlertKind, AlertPreference, Notification
from compliance.models.audit import AuditChainHead, AuditEvent
from compliance.models.verification import ManifestDrift, VerificationFileResult, VerificationRun

__all__ = [
    "Alert",
    "AlertKind",
    "AlertPreference",
    "Notification",
    "AuditChainHead",
    "AuditEvent",
    "ManifestDrift",
    "VerificationFileResult",
    "VerificationRun",
]
