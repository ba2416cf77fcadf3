"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.audit import AuditChainHead, AuditEvent
from compliance.models.reliability import JobDispatch
from compliance.models.security import SignInThrottle
from compliance.models.verification import ManifestDrift, VerificationFileResult, VerificationRun

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "JobDispatch",
    "ManifestDrift",
    "SignInThrottle",
    "VerificationFileResult",
    "VerificationRun",
]
