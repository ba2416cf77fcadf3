"""Compliance records. One module per subject; every model is re-exported here for Django."""

from compliance.models.audit import AuditChainHead, AuditEvent

__all__ = ["AuditChainHead", "AuditEvent"]
