"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.audit import AuditChainHead, AuditEvent
from compliance.models.inventory import UseCase
from compliance.models.reports import Report
from compliance.models.requirements import Evidence, EvidenceDocument, EvidenceStatus, Requirement, RequirementCatalog
from compliance.models.verification import ManifestDrift, VerificationFileResult, VerificationRun

__all__ = [
    "AuditChainHead",
    "AuditEvent",
    "Evidence",
    "EvidenceDocument",
    "EvidenceStatus",
    "ManifestDrift",
    "Report",
    "Requirement",
    "RequirementCatalog",
    "UseCase",
    "VerificationFileResult",
    "VerificationRun",
]
