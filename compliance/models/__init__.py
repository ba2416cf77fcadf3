"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.alerts import Alert, AlertKind, AlertPreference, Notification
from compliance.models.inventory import CommercialUseCase, InventoryFiling, UseCase
from compliance.models.manifest import HubManifest, VerificationGroup
from compliance.models.reports import Report
from compliance.models.requirements import Evidence, EvidenceDocument, EvidenceStatus, Requirement, RequirementCatalog
from compliance.models.supply_chain import ScanException, SignatureTrust
from compliance.models.verification import (
    DeploymentFileIdentity,
    ManifestDrift,
    ScanVerdict,
    VerificationFileResult,
    VerificationRun,
)

__all__ = [
    "Alert",
    "AlertKind",
    "AlertPreference",
    "CommercialUseCase",
    "DeploymentFileIdentity",
    "Evidence",
    "EvidenceDocument",
    "EvidenceStatus",
    "HubManifest",
    "InventoryFiling",
    "ManifestDrift",
    "Notification",
    "Report",
    "Requirement",
    "RequirementCatalog",
    "ScanException",
    "ScanVerdict",
    "SignatureTrust",
    "UseCase",
    "VerificationFileResult",
    "VerificationGroup",
    "VerificationRun",
]
