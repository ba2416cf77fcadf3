"""Writes to the catalog. Each change is validated, saved and audited in one transaction."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from catalog.models import Agreement, Confidence, ModelVersion, Offering, OfferingStatusChange, Vendor
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


# A removal is not the end: a court or GSA may reverse it (back to approved: a reinstatement), and a
# status under litigation is "contested" until the case ends (policy.md 8c).
OFFERING_STATUS_MOVES = {
    Offering.Status.PENDING: {Offering.Status.APPROVED, Offering.Status.REMOVED},
    Offering.Status.APPROVED: {Offering.Status.SUSPENDED, Offering.Status.REMOVED, Offering.Status.CONTESTED},
    Offering.Status.SUSPENDED: {Offering.Status.APPROVED, Offering.Status.REMOVED, Offering.Status.CONTESTED},
    Offering.Status.REMOVED: {Offering.Status.APPROVED, Offering.Status.CONTESTED},
    Offering.Status.CONTESTED: {Offering.Status.APPROVED, Offering.Status.SUSPENDED, Offering.Status.REMOVED},
}
UNDATED_NEEDS_NOTE = "Only the seed records a change without its day, and it says why in a note."


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
    confidence: str = Confidence.CONFIRMED,
    note: str = "",
    date_unknown: bool = False,
) -> StatusChangeResult:
    """Approve, suspend, remove, contest or reinstate an offering, recording the date, reason and source.

    1. Check the actor (GSA officers only; `actor=None` is the seed loader recording public history)
       and that the move is allowed from the offering's current status. `effective_on` is the day
       the event happened (today when empty); only the seed may record a change whose day no source
       gives (`date_unknown`), and it says what is known in `note`.
    2. Record the change (date, reason, source, confidence, who) and the new status, with its audit event.
    3. Send `offering_status_changed` in the same transaction: suspending or removing flags every
       approved or active onboarding for offboarding, and reinstating (back to approved) lifts the
       flags the offering's withdrawals set (agencies); after commit each affected agency's officers
       are told what to do (compliance). The flagged onboardings are returned so that the caller can
       list the agencies affected.
    """
    if actor is not None and not actor.is_gsa_officer:
        raise PermissionRefused("Only GSA officers change an offering's status.")
    if not reason.strip():
        raise ServiceError("Give the reason for the status change.", field="reason")
    if confidence not in Confidence.values:
        raise ServiceError(f"Unknown confidence {confidence!r}.", field="confidence")
    if date_unknown and (actor is not None or not note.strip()):
        raise ServiceError(UNDATED_NEEDS_NOTE, field="effective_on")
    with transaction.atomic():
        locked = Offering.objects.select_for_update().get(pk=offering.pk)
        if to_status not in OFFERING_STATUS_MOVES.get(locked.status, set()):
            raise TransitionRefused(
                f"An offering that is {locked.get_status_display().lower()} cannot become {to_status}."
            )
        before = snapshot(locked)
        when = None if date_unknown else (effective_on or timezone.localdate())
        change = OfferingStatusChange.objects.create(
            offering=locked,
            from_status=locked.status,
            to_status=to_status,
            effective_on=when,
            reason=reason.strip(),
            source_url=source_url,
            confidence=confidence,
            note=note.strip(),
            changed_by=actor,
        )
        locked.status, locked.status_reason = to_status, reason.strip()
        locked.status_changed_at = timezone.now()
        locked.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])
        action = "reinstated" if change.is_reinstatement else to_status
        audit_record(actor=actor, action=f"offering.{action}", obj=locked, before=before, after=snapshot(locked))
        responses = offering_status_changed.send(sender=Offering, actor=actor, change=change)
        flagged = [onboarding for _receiver, result in responses for onboarding in (result or [])]
    return StatusChangeResult(offering=locked, change=change, flagged=flagged)
