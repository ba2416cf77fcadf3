"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.alerts import Alert, AlertKind, AlertPreference, Notification
from compliance.models.audit import AuditChainHead, AuditEvent
from compliance.models.inventory import CommercialUseCase, InventoryFiling, UseCase
from compliance.models.manifest import HubManifest, VerificationGroup
from compliance.models.reliability import JobDispatch
from compliance.models.reports import Report
from compliance.models.requirements import Evidence, EvidenceDocument, EvidenceStatus, Requirement, RequirementCatalog
from compliance.models.security import SignInThrottle
from compliance.models.verification import ManifestDrift, VerificationFileResult, VerificationRun
from compliance.models.webhooks import WebhookDelivery, WebhookSubscription

__all__ = [
    "Alert",
    "AlertKind",
    "AlertPreference",
    "AuditChainHead",
    "AuditEvent",
    "CommercialUseCase",
    "Evidence",
    "EvidenceDocument",
    "EvidenceStatus",
    "HubManifest",
    "InventoryFiling",
    "JobDispatch",
    "ManifestDrift",
    "Notification",
    "Report",
    "Requirement",
    "RequirementCatalog",
    "SignInThrottle",
    "UseCase",
    "VerificationFileResult",
    "VerificationGroup",
    "VerificationRun",
    "WebhookDelivery",
    "WebhookSubscription",
]
