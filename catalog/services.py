"""Writes to the catalog. Each change is validated, saved and audited in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from catalog.models import Agreement, ModelVersion, Offering, OfferingStatusChange, Vendor
from catalog.signals import offering_status_changed
from core.audit import audit_record, audited_save, snapshot
from core.errors import PermissionRefused, ServiceError, TransitionRefused

CatalogRecord = TypeVar("CatalogRecord", Vendor, Offering, Agreement, ModelVersion)
CATALOG_ONLY = "Only GSA officers change the catalog."


def catalog_record_save(*, actor, instance: CatalogRecord) -> CatalogRecord:
    """Create or edit a vendor, offering, agreement or model version (GSA officers only).

    An offering's status is not changed here: see offering_change_status,
    which records the reason and flags the agencies that use it.
    """
    if not getattr(actor, "is_gsa_officer", False):
        raise PermissionRefused(CATALOG_ONLY)
    if isinstance(instance, Offering) and instance.pk is not None:
        stored_status = Offering.objects.values_list("status", flat=True).get(pk=instance.pk)
        instance.status = stored_status
    return audited_save(actor=actor, instance=instance)


OFFERING_STATUS_MOVES = {
    Offering.Status.PENDING: {Offering.Status.APPROVED, Offering.Status.REMOVED},
    Offering.Status.APPROVED: {Offering.Status.SUSPENDED, Offering.Status.REMOVED},
    Offering.Status.SUSPENDED: {Offering.Status.APPROVED, Offering.Status.REMOVED},
    Offering.Status.REMOVED: set(),
}


@dataclass(frozen=True)
class StatusChangeResult:
    offering: Offering
    change: OfferingStatusChange
    flagged: list  # the onboardings the receivers flagged for offboarding


def offering_change_status(
    *,
    actor,
    offering: Offering,
    to_status: str,
    reason: str,
    effective_on: dt.date | None = None,
    source_url: str = "",
) -> StatusChangeResult:
    """Approve, suspend or remove an offering, recording the date and reason.

    1. Check the actor (GSA officers only; `actor=None` is the seed loader recording public history)
       and that the move is allowed from the offering's current status.
    2. Record the change (date, reason, source, who) and the new status, with its audit event.
    3. Send `offering_status_changed` in the same transaction: suspending or removing flags every
       approved or active onboarding for offboarding (agencies), and after commit each affected
       agency's officers are told to offboard, and by when (compliance). The flagged onboardings
       are returned so that the caller can list the agencies affected.
    """
    if actor is not None and not actor.is_gsa_officer:
        raise PermissionRefused("Only GSA officers change an offering's status.")
    if not reason.strip():
        raise ServiceError("Give the reason for the status change.", field="reason")
    with transaction.atomic():
        locked = Offering.objects.select_for_update().get(pk=offering.pk)
        if to_status not in OFFERING_STATUS_MOVES.get(locked.status, set()):
            raise TransitionRefused(
                f"An offering that is {locked.get_status_display().lower()} cannot become {to_status}."
            )
        before = snapshot(locked)
        when = effective_on or timezone.localdate()
        change = OfferingStatusChange.objects.create(
            offering=locked,
            from_status=locked.status,
            to_status=to_status,
            effective_on=when,
            reason=reason.strip(),
            source_url=source_url,
            changed_by=actor,
        )
        locked.status, locked.status_reason = to_status, reason.strip()
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        audit_record(actor=actor, action=f"offering.{to_status}", obj=locked, before=before, after=snapshot(locked))
        responses = offering_status_changed.send(sender=Offering, actor=actor, change=change)
        flagged = [onboarding for _receiver, result in responses for onboarding in (result or [])]
    return StatusChangeResult(offering=locked, change=change, flagged=flagged)
