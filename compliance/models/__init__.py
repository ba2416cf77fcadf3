"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.audit import AuditChainHead, AuditEvent
from compliance.models.manifest import HubManifest, VerificationGroup
from compliance.models.verification import ManifestDrift, VerificationFileResult, VerificationRun

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "HubManifest",
    "ManifestDrift",
    "VerificationFileResult",
    "VerificationGroup",
    "VerificationRun",
]
