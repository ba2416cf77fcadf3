"""Writes for the recorded facts M-25-21 checks rest on: the yearly inventory filing and CAIO pilot certifications."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from agencies.models import Agency, User
from compliance.models import InventoryFiling, UseCase
from core.audit import audit_record, snapshot
from core.errors import PermissionRefused, ServiceError

NOT_YOUR_AGENCY = "Only GSA officers and the agency's own officers may record this."
POSTED_NEEDS_URL = "Give the address where the inventory (or the no-AI-use notice) is posted."
NOT_A_PILOT = "{label} is {stage}, not a pilot: only a pilot can be certified under M-25-21 §4(a)(i)(B)."
NO_CAIO = "No Chief AI Officer of {agency} was in office on {day:%d %b %Y}: only the CAIO certifies a pilot."


def _require(actor: User, agency: Agency) -> None:
    if not (actor.is_gsa_officer or (actor.is_agency_officer and actor.agency_id == agency.pk)):
        raise PermissionRefused(NOT_YOUR_AGENCY)


def inventory_filing_record(
    *,
    actor: User,
    agency: Agency,
    cycle: int,
    submitted_on: dt.date | None,
    submission_reference: str = "",
    posted_on: dt.date | None = None,
    public_url: str = "",
    no_ai_use: bool = False,
) -> InventoryFiling:
    """Record (create or replace) one cycle's submission to OMB and public posting (or no-AI-use notice)."""
    _require(actor, agency)
    if posted_on and not public_url:
        raise ServiceError(POSTED_NEEDS_URL, field="public_url")
    with transaction.atomic():
        filing = InventoryFiling.objects.select_for_update().filter(agency=agency, cycle=cycle).first()
        before = snapshot(filing)
        filing = filing or InventoryFiling(agency=agency, cycle=cycle)
        filing.submitted_on, filing.submission_reference = submitted_on, submission_reference
        filing.posted_on, filing.public_url, filing.no_ai_use = posted_on, public_url, no_ai_use
        filing.recorded_by = actor
        filing.full_clean()
        filing.save()
        audit_record(actor=actor, action="inventory.filing_recorded", obj=filing, before=before, after=snapshot(filing))
    return filing


def use_case_pilot_certify(*, actor: User, use_case: UseCase, certified_on: dt.date) -> UseCase:
    """Record the CAIO's certification of a high-impact pilot (the CAIO in office that day is recorded)."""
    _require(actor, use_case.agency)
    if use_case.development_stage != UseCase.Stage.PILOT:
        raise ServiceError(NOT_A_PILOT.format(label=use_case.label, stage=use_case.development_stage or "no stage"))
    caio = next((t for t in use_case.agency.caio_terms.all() if t.in_office_on(certified_on)), None)
    if caio is None:
        raise ServiceError(NO_CAIO.format(agency=use_case.agency.abbreviation, day=certified_on))
    with transaction.atomic():
        locked = UseCase.objects.select_for_update().get(pk=use_case.pk)
        before = snapshot(locked)
        locked.pilot_certified_on, locked.pilot_certified_by = certified_on, caio
        locked.save(update_fields=["pilot_certified_on", "pilot_certified_by", "updated_at"])
        audit_record(actor=actor, action="use_case.pilot_certified", obj=locked, before=before, after=snapshot(locked))
    return locked
