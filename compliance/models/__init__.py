"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.alerts import Alert, AlertKind, AlertPreference, Notification
from compliance.models.audit import AuditChainHead, AuditEvent
from compliance.models.manifest import HubManifest, VerificationGroup
from compliance.models.reliability import JobDispatch
from compliance.models.security import SignInThrottle
from compliance.models.verification import ManifestDrift, VerificationFileResult, VerificationRun

__all__ = [
    "Alert",
    "AlertKind",
    "AlertPreference",
    "AuditChainHead",
    "AuditEvent",
    "HubManifest",
    "JobDispatch",
    "ManifestDrift",
    "Notification",
    "SignInThrottle",
    "VerificationFileResult",
    "VerificationGroup",
    "VerificationRun",
]
