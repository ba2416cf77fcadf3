"""Writes to the catalog. Each change is validated, saved and audited in one transaction."""

from __future__ import annotations

from typing import TypeVar

from catalog.models import Agreement, ModelVersion, Offering, Vendor
from compliance.audit import audited_save

CatalogRecord = TypeVar("CatalogRecord", Vendor, Offering, Agreement, ModelVersion)
CATALOG_ONLY = "Only GSA officers change the catalog."


class CatalogPermissionDenied(Exception):
    """The actor may not change the catalog."""


def catalog_record_save(*, actor, instance: CatalogRecord) -> CatalogRecord:
    """Create or edit a vendor, offering, agreement or model version (GSA officers only).

    An offering's status is not changed here: see agencies.services.offering_change_status,
    which records the reason and flags the agencies that use it.
    """
    if not getattr(actor, "is_gsa_officer", False):
        raise CatalogPermissionDenied(CATALOG_ONLY)
    if isinstance(instance, Offering) and instance.pk is not None:
        stored_status = Offering.objects.values_list("status", flat=True).get(pk=instance.pk)
        instance.status = stored_status
    return audited_save(actor=actor, instance=instance)
